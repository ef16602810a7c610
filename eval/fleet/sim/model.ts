// What a generated system looks like at one instant: per service, its own latency distribution
// (a lognormal body and a slow tail, scaled by load, noise and the changes in effect), the time
// its calls add (the mean latency of each callee times the calls per request), its error ratio
// (its own, its dependencies' that propagate, and the wrong answers of a dependency it fails
// on), CPU and memory. Percentiles as a service reports them are drawn from n requests: exact
// sample percentiles for small n, the order-statistic distribution of the quantile for large n,
// so a low-traffic service's p99 is as erratic as a real one's and a busy one's as steady.
import { normalCdf } from '#core';
import type { SimChange } from './changes.js';
import type { Rng } from './random.js';
import { seasonal, type SimService, type SimSystem } from './topology.js';

const MINUTE = 60_000;

/** What the changes in effect do to one service at one instant. */
export interface Effects {
  latency: number;
  errors: number;
  cpu: number;
  wrongResults: number;
  /** Memory grown, as a share of the base. */
  leak: number;
}

const NONE: Readonly<Effects> = { latency: 1, errors: 0, cpu: 1, wrongResults: 0, leak: 0 };

export function effectsAt(changes: readonly SimChange[], t: number, skip?: SimChange): Effects {
  const e: Effects = { ...NONE };
  for (const c of changes) {
    const start = c.change.startedAt;
    if (c === skip || t < start || t >= c.effectEnd) continue;
    const end = c.change.finishedAt ?? start;
    const r = end > start ? Math.min(1, (t - start) / (end - start)) : 1;
    if (c.warmup && t - start < c.warmup.ms) {
      e.latency *= c.warmup.latency;
      e.cpu *= c.warmup.cpu;
    }
    const f = c.fault;
    if (!f) continue;
    switch (f.kind) {
      case 'latency':
        e.latency *= 1 + r * (f.size - 1);
        break;
      case 'errors':
        e.errors += r * f.size;
        break;
      case 'cpu':
        e.cpu *= 1 + r * (f.size - 1);
        e.latency *= 1 + 0.15 * r * (f.size - 1);
        break;
      case 'wrong-results':
        e.wrongResults += r * f.size;
        break;
      case 'leak':
        e.leak += (f.size * (t - start)) / MINUTE;
        break;
    }
  }
  if (e.leak > 0.5) e.latency *= 1 + 0.5 * (e.leak - 0.5);
  return e;
}

/** Per-service noise that persists from one interval to the next. */
export interface Noise {
  /** AR(1) log-latency noise. */
  x: number;
  transientLeft: number;
  transientFactor: number;
}

export interface ServiceState {
  /** Seconds the calls add to every request (callees' means × calls per request). */
  readonly callTime: number;
  /** Median of the own work's body, seconds. */
  readonly ownMedian: number;
  /** Mean server latency, seconds. */
  readonly mean: number;
  readonly errorRatio: number;
  /** Share of this service's answers that are wrong (its callers fail on them). */
  readonly wrongResults: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Requests/s now. */
  readonly rate: number;
}

/**
 * The state of every service at t. `noise` null: the noiseless model (expected values), as
 * used to tell how much a fault moves the signals.
 */
export function stateAt(
  system: SimSystem,
  t: number,
  effects: (service: SimService) => Effects,
  noise: ReadonlyMap<string, Noise> | null,
): Map<string, ServiceState> {
  const load = seasonal(system, t);
  const out = new Map<string, ServiceState>();
  // Deepest level first: a service's call time needs its callees' states.
  const ordered = [...system.services].sort((a, b) => b.level - a.level);
  for (const s of ordered) {
    const e = effects(s);
    const n = noise?.get(s.name);
    const noiseFactor = n ? Math.exp(n.x) * (n.transientLeft > 0 ? n.transientFactor : 1) : 1;
    const ownMedian = s.latency.median * (1 + 0.3 * (load - 1)) * e.latency * noiseFactor;
    let callTime = 0;
    let inherited = 0;
    for (const call of s.calls) {
      const callee = out.get(call.to)!;
      callTime += call.perRequest * callee.mean;
      const share = Math.min(1, call.perRequest);
      inherited += share * (s.errorPropagation * callee.errorRatio + callee.wrongResults);
    }
    const { sigma, tailShare, tailFactor, tailSigma } = s.latency;
    const ownMean =
      ownMedian *
      ((1 - tailShare) * Math.exp((sigma * sigma) / 2) +
        tailShare * tailFactor * Math.exp((tailSigma * tailSigma) / 2));
    out.set(s.name, {
      callTime,
      ownMedian,
      mean: callTime + ownMean,
      errorRatio: Math.min(1, s.errorRatio + e.errors + inherited),
      wrongResults: Math.min(1, e.wrongResults),
      cpu:
        s.cpu *
        (0.3 + 0.7 * load) *
        e.cpu *
        (n && n.transientLeft > 0 ? 1 + 0.3 * (n.transientFactor - 1) : 1),
      memoryMiB: s.memoryMiB * (1 + e.leak),
      rate: s.rate * load,
    });
  }
  return out;
}

/** One lognormal component of a latency distribution, shifted by the calls' time. */
interface Component {
  readonly weight: number;
  readonly shift: number;
  readonly mu: number;
  readonly sigma: number;
}

/**
 * A service's latency for its own work is its current median times a fixed mixture Z (body and
 * tail), so its quantiles are median × Q_Z(u): Q_Z is tabulated once per service (on a logit
 * grid of u) instead of inverting the mixture for every percentile of every scrape.
 */
export class LatencyTable {
  private readonly logits: Float64Array;
  private readonly values: Float64Array;

  constructor(s: SimService) {
    const unit = serverLatency(s, { callTime: 0, ownMedian: 1 } as ServiceState);
    const n = 240;
    this.logits = new Float64Array(n);
    this.values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const l = -12 + (24 * i) / (n - 1);
      this.logits[i] = l;
      this.values[i] = quantileOf(unit, 1 / (1 + Math.exp(-l)));
    }
  }

  /** Q_Z(u). */
  at(u: number): number {
    const l = Math.log(u / (1 - u));
    const n = this.logits.length;
    const x = ((l + 12) / 24) * (n - 1);
    const i = Math.max(0, Math.min(n - 2, Math.floor(x)));
    const w = Math.min(1, Math.max(0, x - i));
    return this.values[i]! + w * (this.values[i + 1]! - this.values[i]!);
  }
}

export function serverLatency(s: SimService, st: ServiceState, extraShift = 0): Component[] {
  const { sigma, tailShare, tailFactor, tailSigma } = s.latency;
  const shift = st.callTime + extraShift;
  return [
    { weight: 1 - tailShare, shift, mu: Math.log(st.ownMedian), sigma },
    { weight: tailShare, shift, mu: Math.log(st.ownMedian * tailFactor), sigma: tailSigma },
  ];
}

function cdf(components: readonly Component[], x: number): number {
  let p = 0;
  let w = 0;
  for (const c of components) {
    w += c.weight;
    if (x > c.shift) p += c.weight * normalCdf((Math.log(x - c.shift) - c.mu) / c.sigma);
  }
  return p / w;
}

/** The u-quantile of a mixture, by bisection. */
export function quantileOf(components: readonly Component[], u: number): number {
  let lo = Math.min(...components.map((c) => c.shift));
  let hi = Math.max(...components.map((c) => c.shift + Math.exp(c.mu + 8 * c.sigma)));
  for (let i = 0; i < 60 && hi - lo > 1e-4 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(components, mid) < u) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function sample(components: readonly Component[], rng: Rng): number {
  let u = rng.next() * components.reduce((a, c) => a + c.weight, 0);
  for (const c of components) {
    if ((u -= c.weight) < 0 || c === components.at(-1))
      return c.shift + Math.exp(c.mu + c.sigma * rng.normal());
  }
  return NaN;
}

const EXACT_BELOW = 200;

/**
 * The percentiles (e.g. 0.5, 0.95, 0.99) a service reports for n requests drawn from the
 * distribution; `quantile` inverts it (a LatencyTable where there is one).
 */
export function percentiles(
  components: readonly Component[],
  n: number,
  ps: readonly number[],
  rng: Rng,
  quantile: (u: number) => number = (u) => quantileOf(components, u),
): number[] {
  if (n <= 0) return ps.map(() => NaN);
  if (n < EXACT_BELOW) {
    const values = Array.from({ length: n }, () => sample(components, rng)).sort((a, b) => a - b);
    return ps.map((p) => {
      const h = (n - 1) * p;
      const lo = Math.floor(h);
      return values[lo]! + (h - lo) * (values[Math.min(n - 1, lo + 1)]! - values[lo]!);
    });
  }
  // The p-quantile of n draws is the quantile at U, with U ≈ Normal(p, p(1 − p)/n).
  const z = rng.normal();
  return ps.map((p) =>
    quantile(Math.min(1 - 0.5 / n, Math.max(0.5 / n, p + z * Math.sqrt((p * (1 - p)) / n)))),
  );
}
