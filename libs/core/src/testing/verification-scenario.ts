// Scenario replay: a scenario (a JSON fixture under libs/core/scenarios/verification/) describes
// a change, the telemetry around it as generators (constant, seeded normal/Poisson noise,
// explicit values), and how the telemetry is delivered (batching, delay, seeded out-of-order
// jitter). The replay turns it into the exact sequence of events a correlator would see,
// advancing a ManualClock along arrival times, and collects the verifier's verdicts. Pure and
// deterministic: the spec reads the file, this code does the rest.
import { completeChange } from '../change-record.js';
import type { Change, TelemetryBatch, TelemetryPoint, Verdict } from '#contracts';
import { ManualClock } from '../clock.js';
import { SeededRandom } from '../stats/random.js';
import { DeploymentVerifier, type VerifierSettings } from '../verification/verifier.js';

const MINUTE = 60_000;

export type Generator =
  /**
   * A daily traffic curve: `night` outside [riseHour, setHour) (UTC), rising as sin^shape to
   * `peak` mid-way; with Poisson noise on the count per `countSeconds` (a rate per second).
   */
  | {
      readonly kind: 'diurnal';
      readonly night: number;
      readonly peak: number;
      readonly riseHour: number;
      readonly setHour: number;
      readonly shape?: number;
      readonly countSeconds?: number;
      /** Multiplies the curve (0.4: an outage losing 60% of traffic). */
      readonly scale?: number;
    }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly min?: number }
  | { readonly kind: 'poisson'; readonly mean: number }
  /** Autocorrelated noise: AR(1) with lag-1 correlation phi and stationary sd, floored at min. */
  | {
      readonly kind: 'ar1';
      readonly mean: number;
      readonly sd: number;
      readonly phi: number;
      readonly min?: number;
    }
  | { readonly kind: 'values'; readonly values: readonly number[]; readonly cycle?: boolean }
  /** value = base + amplitude·sin(2π(t − phase)/period) + normal noise, floored at min. */
  | {
      readonly kind: 'daily';
      readonly base: number;
      readonly amplitude: number;
      readonly periodHours?: number;
      readonly phaseHours?: number;
      readonly noiseSd?: number;
      readonly min?: number;
    };

export interface ScenarioSeries {
  readonly service: string;
  readonly metric: string;
  readonly unit?: string | null;
  readonly labels?: Record<string, string>;
  /** Seconds between points. */
  readonly stepSeconds: number;
  /** Minutes relative to the change (t0); the series covers [from, to). */
  readonly from: number;
  readonly to: number;
  /** Values before t0 and from t0 on. */
  readonly before: Generator;
  readonly after?: Generator;
  readonly seed?: number;
}

export interface ScenarioDelivery {
  readonly name?: string;
  /** Seconds between a point's timestamp and its arrival. */
  readonly delaySeconds?: number;
  /** Extra seeded uniform delay in [0, jitterSeconds): reorders points (out-of-order arrival). */
  readonly jitterSeconds?: number;
  /** Points arriving within the same bucket of this many seconds form one batch per service. */
  readonly batchSeconds?: number;
  readonly seed?: number;
}

export interface VerificationScenario {
  readonly name: string;
  readonly description?: string;
  /** ISO time of the change (t0). */
  readonly start: string;
  readonly settings?: Partial<VerifierSettings>;
  readonly change: {
    readonly id: string;
    readonly service: string;
    readonly environment?: string;
    readonly arrivesAfterMinutes?: number;
  };
  readonly series: readonly ScenarioSeries[];
  readonly deliveries?: readonly ScenarioDelivery[];
  /** Replay this many times with different seeds (for rates over many clean deploys). */
  readonly repeat?: { readonly count: number; readonly seedStride?: number };
  readonly expect: {
    readonly outcome?: 'pass' | 'fail' | 'inconclusive';
    /** For repeated scenarios: the highest acceptable share of fail verdicts. */
    readonly maxFailRate?: number;
    readonly failingMetric?: string;
    readonly test?: string;
    readonly reason?: string;
    /** A fail must come at or before this look. */
    readonly maxLook?: number;
    /** All deliveries must give the same final verdict. */
    readonly sameVerdictAcrossDeliveries?: boolean;
  };
}

export interface ScenarioRun {
  readonly delivery: string;
  readonly verdicts: Verdict[];
  readonly final: Verdict | undefined;
  readonly droppedLate: number;
}

/** Generate the points of one series (timestamps in ms). */
export function generateSeries(s: ScenarioSeries, t0: number, seedOffset = 0): TelemetryPoint[] {
  const rng = new SeededRandom((s.seed ?? hash(s.service + s.metric)) + seedOffset * 7919);
  const out: TelemetryPoint[] = [];
  const step = s.stepSeconds * 1000;
  let iBefore = 0;
  let iAfter = 0;
  const state: DrawState = { prev: null };
  for (let ts = t0 + s.from * MINUTE; ts < t0 + s.to * MINUTE; ts += step) {
    const after = ts >= t0 && s.after;
    const gen = after ? s.after! : s.before;
    const i = after ? iAfter++ : iBefore++;
    const value = draw(gen, rng, i, ts, state);
    if (value === null) continue;
    out.push({ metric: s.metric, value, timestamp: ts, unit: s.unit ?? null, labels: s.labels ?? {} });
  }
  return out;
}

/** Memory of a generator between draws (AR(1) keeps its previous deviation). */
export interface DrawState {
  prev: number | null;
}

export function draw(
  gen: Generator,
  rng: SeededRandom,
  i: number,
  ts: number,
  state: DrawState = { prev: null },
): number | null {
  switch (gen.kind) {
    case 'diurnal': {
      const hour = (((ts / 3_600_000) % 24) + 24) % 24;
      const span = gen.setHour - gen.riseHour;
      const phase = (hour - gen.riseHour) / span;
      const lift = phase > 0 && phase < 1 ? Math.pow(Math.sin(Math.PI * phase), gen.shape ?? 1) : 0;
      const rate = (gen.night + (gen.peak - gen.night) * lift) * (gen.scale ?? 1);
      const per = gen.countSeconds ?? 1;
      return rng.poisson(rate * per) / per;
    }
    case 'ar1': {
      const innovation = rng.normal(0, gen.sd * Math.sqrt(1 - gen.phi * gen.phi));
      const dev = state.prev === null ? rng.normal(0, gen.sd) : gen.phi * state.prev + innovation;
      state.prev = dev;
      return Math.max(gen.min ?? -Infinity, gen.mean + dev);
    }
    case 'constant':
      return gen.value;
    case 'normal':
      return Math.max(gen.min ?? -Infinity, rng.normal(gen.mean, gen.sd));
    case 'poisson':
      return rng.poisson(gen.mean);
    case 'values':
      if (i >= gen.values.length && !gen.cycle) return null;
      return gen.values[i % gen.values.length]!;
    case 'daily': {
      const period = (gen.periodHours ?? 24) * 3_600_000;
      const phase = (gen.phaseHours ?? 0) * 3_600_000;
      const v =
        gen.base +
        gen.amplitude * Math.sin((2 * Math.PI * (ts - phase)) / period) +
        rng.normal(0, gen.noiseSd ?? 0);
      return Math.max(gen.min ?? -Infinity, v);
    }
  }
}

/** Replay one scenario with one delivery (and repetition); returns the verdicts in emission order. */
export function replayScenario(
  scenario: VerificationScenario,
  delivery: ScenarioDelivery = {},
  repetition = 0,
): ScenarioRun {
  const t0 = Date.parse(scenario.start);
  const seedOffset = repetition * (scenario.repeat?.seedStride ?? 1);
  const clock = new ManualClock(t0 - 2 * 3_600_000);
  const verifier = new DeploymentVerifier(scenario.settings ?? {}, clock);
  const environment = scenario.change.environment ?? 'production';
  const jitterRng = new SeededRandom((delivery.seed ?? 1) + seedOffset);
  const delay = (delivery.delaySeconds ?? 0) * 1000;
  const jitter = (delivery.jitterSeconds ?? 0) * 1000;
  const batchMs = (delivery.batchSeconds ?? 10) * 1000;

  type Arrival = { at: number; order: number; service: string; point?: TelemetryPoint; change?: Change };
  const arrivals: Arrival[] = [];
  let order = 0;
  for (const s of scenario.series) {
    for (const p of generateSeries(s, t0, seedOffset)) {
      const at = p.timestamp + delay + (jitter > 0 ? jitterRng.next() * jitter : 0);
      arrivals.push({ at, order: order++, service: s.service, point: p });
    }
  }
  const change: Change = completeChange({
    id: scenario.change.id,
    source: 'scenario',
    service: scenario.change.service,
    environment,
    startedAt: t0,
  });
  arrivals.push({
    at: t0 + (scenario.change.arrivesAfterMinutes ?? 0) * MINUTE,
    order,
    service: change.service,
    change,
  });
  arrivals.sort((a, b) => a.at - b.at || a.order - b.order);

  const verdicts: Verdict[] = [];
  let i = 0;
  while (i < arrivals.length) {
    // One delivery step: everything arriving in this batch bucket, one batch per service.
    const bucketEnd = (Math.floor(arrivals[i]!.at / batchMs) + 1) * batchMs;
    const step: Arrival[] = [];
    while (i < arrivals.length && arrivals[i]!.at < bucketEnd) step.push(arrivals[i++]!);
    clock.set(bucketEnd);
    const batches = new Map<string, TelemetryPoint[]>();
    for (const a of step) {
      if (a.change) {
        verdicts.push(...verifier.observeChange(a.change));
        continue;
      }
      let list = batches.get(a.service);
      if (!list) batches.set(a.service, (list = []));
      list.push(a.point!);
    }
    for (const [service, points] of batches) {
      const batch: TelemetryBatch = {
        id: `${service}@${bucketEnd}`,
        service,
        environment,
        points,
        resource: {},
      };
      verdicts.push(...verifier.observeTelemetry(batch));
    }
    verdicts.push(...verifier.poll());
  }
  // Let the clock run on until every verification has closed (silent services included).
  for (let k = 0; k < 120 && verifier.activeChanges().length > 0; k++) {
    clock.advance(MINUTE);
    verdicts.push(...verifier.poll());
  }
  return {
    delivery: delivery.name ?? 'default',
    verdicts,
    final: verdicts.find((v) => v.final && v.changeId === change.id),
    droppedLate: verifier.stats().droppedLate,
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
