// How much of a service's level to trust ahead, learnt from the model's own track record. A fit
// sets each service's level from its past; the gate then uses that level for the changes that
// come next. Where services' failure rates drift (a project matures, a team changes its ways)
// the past level overstates how far the service will stand from the fleet, and predictions at
// the extremes are over-confident. How far levels carry over is itself on record: every earlier
// fit scored the changes that came after it, and the outcomes of many of those are known by
// now. The trust λ ∈ [0, 1] is the share of the earlier fits' levels that best explains those
// outcomes: each change scored by an earlier fit (the latest one before it started) has the
// log-odds that fit gave it without its service's level, b, and the level, u; λ maximises
//   Σ v · ℓ(b + λ·u) − κ(λ − 1)²/2,
// ℓ the same likelihood the fits use (a failure on record: log p; none yet: log(1 − F·p), F the
// share of failures on record by the change's age, so a young change that has not failed says
// little), v the same recency weights. Stable rates give λ ≈ 1; drifting ones less.
// Before the track record says anything, how far levels will carry over is not known: a level
// fitted on a young fleet's short records may hold, or may be the noise of a few years that the
// next ones reverse. So λ is taken as unknown in [0, 1] (a uniform prior) and predictions use its
// posterior mean: ½ with no track record, moving to the track record's estimate as its evidence
// (counted by service, below) grows. The alternative, `full`, holds λ at 1 with a N(1, 1/κ) prior
// until the track record has something to say: on a fleet whose early levels reverse it is
// over-confident for exactly the years before the first outcomes are on record.
import { FEATURES, type Feature } from './features.js';
import { maturityAt, type MaturityCurve } from './label-maturity.js';
import { outcomeScore, sigmoid } from './logistic.js';
import type { TrainingExample } from './training-example.js';

/** What the trust reads of an earlier fit (a RiskModel is one). */
export interface EarlierFit {
  readonly intercept: number;
  readonly weights: Readonly<Record<Feature, number>>;
  readonly services?: Readonly<Record<string, { readonly offset: number }>>;
  readonly fit?: { readonly to: number };
}

export interface LevelTrust {
  /** The share of the levels predictions use. */
  readonly trust: number;
  /** The track record's own estimate, before the prior, and its standard error. */
  readonly own?: number;
  readonly spread?: number;
  /** The track record it was learnt from: changes scored by earlier fits, failures among them on record. */
  readonly changes: number;
  readonly failures: number;
  /** Earlier fits that scored them. */
  readonly fits: number;
  /** Services among them with a failure on record. */
  readonly services: number;
}

export interface LevelTrustOptions {
  /** The instant of the fit: failures on record after it are not known. */
  readonly now: number;
  /** How outcomes come to light. */
  readonly maturity: MaturityCurve;
  /** Recency half-life of the track record's weights (null: all weigh the same). */
  readonly halfLifeMs?: number | null;
  /**
   * What the trust is before the track record says anything: `unknown` (the default) — somewhere
   * in [0, 1], all of it alike (a uniform prior; the trust is then the posterior mean, ½ with no
   * track record); `full` — the levels as fitted, N(1, 1/priorPrecision), 1 with no track record.
   */
  readonly prior?: 'unknown' | 'full';
  /** Precision of the `full` prior holding the trust at 1 (default 4: sd 0.5, as the weights'). */
  readonly priorPrecision?: number;
  /** Below this many failures on record in the track record, the trust is 1 (default 20). */
  readonly minFailures?: number;
  /**
   * Below this many services with a failure on record in the track record, the trust is 1
   * (default 3): how far levels carry over is a property of the spread between services, and
   * two services are one difference, not a spread.
   */
  readonly minServices?: number;
}

/** The trust in the service levels that the earlier fits' track record on `examples` supports. */
export function learnLevelTrust(
  examples: readonly TrainingExample[],
  earlier: readonly EarlierFit[],
  options: LevelTrustOptions,
): LevelTrust {
  const { now, maturity } = options;
  const fits = earlier
    .filter((m) => m.fit && Number.isFinite(m.fit.to) && m.fit.to <= now && m.services)
    .sort((a, b) => a.fit!.to - b.fit!.to);
  const base: number[] = [];
  const level: number[] = [];
  const failed: boolean[] = [];
  const services: string[] = [];
  const mature: number[] = [];
  const weight: number[] = [];
  const used = new Set<EarlierFit>();
  const failing = new Set<string>();
  let failures = 0;
  for (const e of examples) {
    const fit = inForce(fits, e.startedAt);
    const u = fit?.services?.[e.service]?.offset;
    if (fit === undefined || u === undefined || u === 0) continue;
    used.add(fit);
    let z = fit.intercept;
    for (let j = 0; j < FEATURES.length; j++) z += fit.weights[FEATURES[j]!] * e.values[j]!;
    const y = e.failedAt !== null && e.failedAt <= now;
    const age = now - e.startedAt;
    base.push(z);
    services.push(e.service);
    level.push(u);
    failed.push(y);
    mature.push(Number.isFinite(age) ? maturityAt(maturity, age) : 1);
    weight.push(options.halfLifeMs ? 0.5 ** (age / options.halfLifeMs) : 1);
    if (y) {
      failures++;
      failing.add(e.service);
    }
  }
  const record = { changes: base.length, failures, fits: used.size, services: failing.size };
  const unknown = (options.prior ?? 'unknown') === 'unknown';
  if (failures < (options.minFailures ?? 20) || failing.size < (options.minServices ?? 3))
    return { trust: unknown ? 0.5 : 1, ...record };
  const kappa = options.priorPrecision ?? 4;
  const loglik = (lambda: number) => {
    let ll = 0;
    for (let i = 0; i < base.length; i++) {
      const p = sigmoid(base[i]! + lambda * level[i]!);
      ll += weight[i]! * (failed[i] ? Math.log(p) : Math.log1p(-mature[i]! * p));
    }
    return ll;
  };
  const own = maximiseOnUnit(loglik);
  // How sure the track record is of it: the changes of one service drift together, so the
  // evidence is counted by service (the sandwich variance over services), not by change.
  let curvature = 0;
  let score = 0;
  const scoreOf = new Map<string, number>();
  for (let i = 0; i < base.length; i++) {
    const p = sigmoid(base[i]! + own * level[i]!);
    const f = mature[i]!;
    const u = level[i]!;
    const v = weight[i]!;
    const { residual: r, curvature: c } = outcomeScore(failed[i]!, f, p);
    curvature += v * c * u * u;
    score += v * r * u;
    scoreOf.set(services[i]!, (scoreOf.get(services[i]!) ?? 0) + v * r * u);
  }
  const clusters = scoreOf.size;
  let spread = 0;
  for (const g of scoreOf.values()) spread += g * g;
  const variance = (spread * clusters) / Math.max(1, clusters - 1) / (curvature * curvature);
  const precision = Number.isFinite(variance) && variance > 0 ? 1 / variance : 0;
  if (unknown) {
    // The track record's evidence as a normal likelihood: centred where the log-likelihood peaks,
    // beyond [0, 1] too (one Newton step from the best trust in it when that is at an end).
    const centre = own + (curvature > 0 ? score / curvature : 0);
    return { trust: meanOnUnit(centre, precision), own, spread: Math.sqrt(variance), ...record };
  }
  // The prior N(1, 1/κ) and the track record's estimate, each by its precision.
  const trust = (own * precision + kappa) / (precision + kappa);
  return { trust: Math.min(1, Math.max(0, trust)), own, spread: Math.sqrt(variance), ...record };
}

/**
 * The mean on [0, 1] of a normal N(centre, 1/precision) cut to [0, 1]: the posterior mean of a
 * share known only to lie in [0, 1] (a uniform prior) after evidence of that precision.
 */
export function meanOnUnit(centre: number, precision: number): number {
  if (!(precision > 0) || !Number.isFinite(centre)) return 0.5;
  // Fine enough that a narrow likelihood has twenty points to its standard deviation.
  const STEPS = Math.min(100_000, Math.max(400, Math.ceil(20 * Math.sqrt(precision))));
  let mass = 0;
  let moment = 0;
  // Relative to the density's highest point on [0, 1], so that far-off centres do not underflow.
  const peak = Math.min(1, Math.max(0, centre));
  for (let k = 0; k <= STEPS; k++) {
    const x = k / STEPS;
    const d = Math.exp((-precision * ((x - centre) ** 2 - (peak - centre) ** 2)) / 2) * (k % STEPS ? 1 : 0.5);
    mass += d;
    moment += d * x;
  }
  return moment / mass;
}

/** The latest fit made at or before `at` (fits sorted by `fit.to`). */
function inForce(fits: readonly EarlierFit[], at: number): EarlierFit | undefined {
  let lo = 0;
  let hi = fits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fits[mid]!.fit!.to <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? fits[lo - 1] : undefined;
}

/** The maximum of f on [0, 1]: the best of a coarse grid, then golden-section search beside it. */
function maximiseOnUnit(f: (x: number) => number): number {
  const STEPS = 20;
  let best = 0;
  let bestValue = -Infinity;
  for (let k = 0; k <= STEPS; k++) {
    const value = f(k / STEPS);
    if (value > bestValue) {
      bestValue = value;
      best = k / STEPS;
    }
  }
  let lo = Math.max(0, best - 1 / STEPS);
  let hi = Math.min(1, best + 1 / STEPS);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  while (hi - lo > 1e-4) {
    if (fa >= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = f(b);
    }
  }
  const x = (lo + hi) / 2;
  return f(x) >= bestValue ? x : best;
}
