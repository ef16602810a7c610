// The judge for one metric at one look: baseline samples before the change, observation
// samples after it. A metric FAILS only when a test is significant at the look's α AND the
// change is practically large (relative minimum effect AND absolute floor, both in the bad
// direction). The three tests cover what Kayenta users complain about:
//   - Mann-Whitney U for a shift in location (a +650% latency shift fails; a tiny but
//     "significant" +3% passes because it is under the minimum effect, and the reason says so);
//   - the conditional Poisson rate test for error counts (0,0,0,3,0,5 errors a minute after a
//     clean baseline fails, where a rank test on mostly-zero data is nearly blind);
//   - a rank scale test for spread (a variance blow-up with an unchanged median fails): exact under
//     "no change" whatever the distribution, on the log scale for positive series, judged only
//     with enough points (minSpreadPoints) and on robust spreads, so heavy tails, low request
//     counts and a few wild points do not fail a clean deploy.
// A regression persists: a location fail also needs the latest third of the observation to be
// shifted (half the minimum effect at least), and no metric fails on less than minFailObservationMs
// of observation — a restart's CPU and latency blip is shorter than that.
// Telemetry is autocorrelated, which makes independent-sample p-values overconfident: rank and
// scale tests shrink their z by the effective-sample-size factor of two AR(1) samples of their
// sizes (effectiveSizeFactor: (1 − ρ)/(1 + ρ) for long ones, less shrinkage for the few points of
// an early look), ρ being the baseline's lag-1 autocorrelation, estimated so that an earlier
// incident's burst inside the baseline does not pass for dependence (robustLag1Autocorrelation);
// the rate test uses a quasi-Poisson dispersion instead.
import type { MetricJudgement, VerdictOutcome } from '#contracts';
import { rankScaleTest } from '../stats/scale-test.js';
import {
  hodgesLehmannShift,
  mean,
  median,
  quantile,
  robustLag1Autocorrelation,
} from '../stats/descriptive.js';
import { mannWhitney } from '../stats/mann-whitney.js';
import { poissonDispersion, poissonRateTest } from '../stats/rate-test.js';
import { normalQuantile, normalSf } from '../stats/special.js';
import type { ResolvedSignal } from './signals.js';
import { formatChange, formatDuration, formatFor, formatP, sig } from './wording.js';

export interface JudgeSettings {
  /** Fewer baseline points than this: not judged (inconclusive). */
  readonly minBaselinePoints: number;
  /** Fewer observation points than this: not judged yet. */
  readonly minObservationPoints: number;
  /** Shrink rank/scale evidence for autocorrelated baselines. */
  readonly autocorrelation: boolean;
  /** At the final look, a practically large change with p below this (but above the boundary) is "suspicious": inconclusive, not pass. */
  readonly suspiciousAlpha: number;
  /** Fewer observation points than this: the spread is not judged yet (a spread of a few points means little). */
  readonly minSpreadPoints: number;
  /** No metric fails on less observation than this (a restart's blip is shorter). */
  readonly minFailObservationMs: number;
  /** A location fail needs the latest third of the observation to be shifted too. */
  readonly persistence: boolean;
}

export const DEFAULT_JUDGE_SETTINGS: JudgeSettings = {
  minBaselinePoints: 10,
  minObservationPoints: 3,
  autocorrelation: true,
  suspiciousAlpha: 0.01,
  minSpreadPoints: 6,
  minFailObservationMs: 2 * 60_000,
  persistence: true,
};

export interface MetricInput {
  /** Display name: the metric, with labels in braces when it has any. */
  readonly metric: string;
  readonly signal: ResolvedSignal;
  /** Canonical values, time-ordered. */
  readonly baseline: ArrayLike<number>;
  readonly observation: ArrayLike<number>;
  /** Requests per point aligned with baseline/observation (NaN where unknown), for error signals. */
  readonly baselineRequests?: ArrayLike<number> | null;
  readonly observationRequests?: ArrayLike<number> | null;
  /** Typical spacing of the series' points. */
  readonly intervalMs: number;
  /** Time from the last observation point to the end of this look. */
  readonly silentForMs?: number;
  /** Length of the observation so far. */
  readonly observationMs?: number;
}

/** `shared`: a view that several changes share moved, and the others' doing cannot be ruled out: not judged. */
export type MetricStatus =
  'fail' | 'pass' | 'suspicious' | 'shared' | 'no-baseline' | 'too-little-data' | 'vanished';

export interface MetricAssessment {
  readonly judgement: MetricJudgement;
  readonly status: MetricStatus;
  /** 0 (certainly bad) … 100 (certainly fine); 50 when not judged. */
  readonly score: number;
}

/** One test's outcome before a significance level is applied to it. */
interface TestResult {
  readonly test: 'mann-whitney' | 'rate' | 'variance';
  readonly p: number;
  readonly practical: boolean;
  /** Relative effect in the bad direction (Infinity from a zero baseline). */
  readonly effect: number;
  /** Effect as a multiple of the minimum effect (capped), for scoring. */
  readonly effectMultiple: number;
  /** Effect and absolute shift as fractions of what a fail needs (for badness). */
  readonly effectFraction: number;
  readonly floorFraction: number;
  readonly baselineValue: number;
  readonly observedValue: number;
  readonly reason: string;
  /** Said after the reason when the test is significant but not practically large. */
  readonly shortfall: string;
}

/** A metric at one look, tested but not yet decided: decideMetric applies the significance levels. */
export type PreparedMetric =
  | { readonly kind: 'not-judged'; readonly assessment: MetricAssessment }
  | { readonly kind: 'tested'; readonly tests: readonly TestResult[] };

/** How many tests judgeMetric will run for this input (for splitting α across tests). */
export function testsFor(input: MetricInput, settings: JudgeSettings = DEFAULT_JUDGE_SETTINGS): number {
  if (
    input.baseline.length < settings.minBaselinePoints ||
    input.observation.length < settings.minObservationPoints
  )
    return 0;
  const spec = input.signal.spec;
  if (spec.kind === 'error_ratio' && usesRateTest(input)) return 1;
  return 1 + (spreadJudged(input, settings) ? 1 : 0);
}

function spreadJudged(input: MetricInput, settings: JudgeSettings): boolean {
  return (
    input.signal.spec.minSpreadRatio !== undefined && input.observation.length >= settings.minSpreadPoints
  );
}

function usesRateTest(input: MetricInput): boolean {
  return input.signal.mode === 'count' || input.signal.mode === 'rate' || hasRequests(input);
}

function hasRequests(input: MetricInput): boolean {
  const r = input.baselineRequests;
  if (!r || !input.observationRequests) return false;
  for (let i = 0; i < r.length; i++) if (Number.isFinite(r[i]!)) return true;
  return false;
}

/**
 * Judge one metric at one look.
 * @param alpha the significance level for each test of this metric at this look (already
 *   spent across looks and split across the verdict's tests).
 * @param final whether this is the last look (only then can a metric be "suspicious").
 */
export function judgeMetric(
  input: MetricInput,
  alpha: number,
  final: boolean,
  settings: JudgeSettings = DEFAULT_JUDGE_SETTINGS,
): MetricAssessment {
  const prepared = prepareMetric(input, final, settings);
  return decideMetric(
    input,
    prepared,
    pValuesOf(prepared).map(() => alpha),
    final,
    settings,
  );
}

/** Runs the metric's tests (as many as testsFor says when it is judged). */
export function prepareMetric(
  input: MetricInput,
  final: boolean,
  settings: JudgeSettings = DEFAULT_JUDGE_SETTINGS,
): PreparedMetric {
  const { metric, signal } = input;
  const nb = input.baseline.length;
  const no = input.observation.length;
  if (nb < settings.minBaselinePoints) {
    const status: MetricStatus = nb === 0 ? 'no-baseline' : 'too-little-data';
    const reason =
      nb === 0
        ? `${metric}: no baseline before the change (a new metric?), not judged`
        : `${metric}: only ${nb} baseline points before the change (need ${settings.minBaselinePoints}), not judged`;
    return { kind: 'not-judged', assessment: notJudged(metric, status, reason) };
  }
  if (no < settings.minObservationPoints) {
    const reason =
      no === 0
        ? `${metric}: no data since the change`
        : `${metric}: only ${no} points since the change (need ${settings.minObservationPoints}), not judged yet`;
    return {
      kind: 'not-judged',
      assessment: notJudged(metric, final ? 'vanished' : 'too-little-data', reason),
    };
  }
  // A metric that stops reporting well before the end of the observation (the service crashed,
  // or its exporter did) is not evidence of health.
  const silent = input.silentForMs ?? 0;
  if (final && silent > Math.max(3 * input.intervalMs, 0.2 * (input.observationMs ?? 0))) {
    return {
      kind: 'not-judged',
      assessment: notJudged(
        metric,
        'vanished',
        `${metric}: stopped reporting ${formatDuration(silent)} before the end of the observation`,
      ),
    };
  }
  const tests: TestResult[] = [];
  if (signal.spec.kind === 'error_ratio' && usesRateTest(input)) tests.push(rateTest(input));
  else {
    const rho = settings.autocorrelation ? Math.max(0, robustLag1Autocorrelation(input.baseline)) : 0;
    const factor = Math.max(0.1, effectiveSizeFactor(rho, input.baseline.length, input.observation.length));
    tests.push(locationTest(input, factor, settings));
    if (spreadJudged(input, settings)) tests.push(spreadTest(input, factor));
  }
  return { kind: 'tested', tests };
}

/** The p-values of a prepared metric's tests, in order (none when it is not judged). */
export function pValuesOf(prepared: PreparedMetric): number[] {
  return prepared.kind === 'tested' ? prepared.tests.map((t) => t.p) : [];
}

/**
 * Decides a prepared metric with one significance level per test (alphas[i] for test i): a test
 * is significant when its p-value is at most its level.
 */
export function decideMetric(
  input: MetricInput,
  prepared: PreparedMetric,
  alphas: readonly number[],
  final: boolean,
  settings: JudgeSettings = DEFAULT_JUDGE_SETTINGS,
): MetricAssessment {
  if (prepared.kind === 'not-judged') return prepared.assessment;
  const { metric } = input;
  const tests = prepared.tests;
  const alphaOf = (t: TestResult) => alphas[tests.indexOf(t)] ?? 0;
  const significant = (t: TestResult) => t.p <= alphaOf(t);
  const longEnough = (input.observationMs ?? Infinity) >= settings.minFailObservationMs;
  const failing = longEnough ? tests.filter((t) => significant(t) && t.practical) : [];
  if (failing.length > 0) {
    // Most decisive failure first: smallest p, then largest effect.
    // A moved location or error rate explains more than a changed spread, so it leads the reason.
    const leading = failing.some((t) => t.test !== 'variance')
      ? failing.filter((t) => t.test !== 'variance')
      : failing;
    const worst = leading.reduce((a, b) =>
      b.p < a.p || (b.p === a.p && b.effectMultiple > a.effectMultiple) ? b : a,
    );
    const extra =
      failing.length > 1
        ? `; also ${failing
            .filter((t) => t !== worst)
            .map((t) => t.test)
            .join(', ')}`
        : '';
    const score = Math.round(
      25 /
        (1 +
          0.5 * Math.log10(Math.max(1, alphaOf(worst) / Math.max(worst.p, 1e-300))) +
          0.5 * (worst.effectMultiple - 1)),
    );
    return {
      judgement: judgement(metric, 'fail', worst, worst.reason + extra),
      status: 'fail',
      score: clamp(score, 0, 30),
    };
  }
  const reasonOf = (t: TestResult) => (significant(t) ? t.reason + t.shortfall : t.reason);
  const badness = (t: TestResult) => badnessOf(t.p, alphaOf(t), t.effectFraction, t.floorFraction);
  const suspicious = final ? tests.filter((t) => t.practical && t.p <= settings.suspiciousAlpha) : [];
  const lead = tests.reduce((a, b) => (badness(b) > badness(a) ? b : a));
  const score = Math.round(100 - 70 * badness(lead));
  if (suspicious.length > 0) {
    const s = suspicious.reduce((a, b) => (b.p < a.p ? b : a));
    return {
      judgement: judgement(
        metric,
        'inconclusive',
        s,
        `${reasonOf(s)}; not conclusive at this look's significance level (α = ${sig(alphaOf(s), 2)})`,
      ),
      status: 'suspicious',
      score: clamp(score, 31, 60),
    };
  }
  return {
    judgement: judgement(metric, 'pass', lead, reasonOf(lead)),
    status: 'pass',
    score: clamp(score, 31, 100),
  };
}

function notJudged(metric: string, status: MetricStatus, reason: string): MetricAssessment {
  return {
    judgement: {
      metric,
      outcome: 'inconclusive',
      test: 'none',
      pValue: null,
      effect: null,
      baselineValue: null,
      observedValue: null,
      reason,
    },
    status,
    score: 50,
  };
}

function judgement(metric: string, outcome: VerdictOutcome, t: TestResult, reason: string): MetricJudgement {
  return {
    metric,
    outcome,
    test: t.test,
    pValue: finiteOrNull(t.p),
    effect: finiteOrNull(t.effect),
    baselineValue: finiteOrNull(t.baselineValue),
    observedValue: finiteOrNull(t.observedValue),
    reason,
  };
}

/** Evidence (p against α) times practical size (effect and floor), 0 … 1. */
function badnessOf(p: number, alpha: number, effectFraction: number, floorFraction: number): number {
  const evidence = p <= alpha ? 1 : p >= 1 ? 0 : clamp(Math.log(p) / Math.log(alpha), 0, 1);
  return evidence * clamp(effectFraction, 0, 1) * clamp(floorFraction, 0, 1);
}

/**
 * How much of a two-sample comparison's information autocorrelated samples keep: the variance of
 * the difference of two means of nb and no AR(1) samples (lag-1 correlation ρ) against that of
 * independent ones. The mean of n samples has its variance inflated by
 * g(n) = 1 + 2 Σₖ₌₁ⁿ⁻¹ (1 − k/n) ρᵏ, which tends to (1 + ρ)/(1 − ρ) for long runs but is smaller
 * for the few points of an early look (a pair of points shares one lag, not infinitely many).
 */
export function effectiveSizeFactor(rho: number, nb: number, no: number): number {
  if (!(rho > 0)) return 1;
  const g = (n: number) => {
    let sum = 0;
    let power = 1;
    for (let k = 1; k < n; k++) {
      power *= rho;
      if (power < 1e-12) break;
      sum += (1 - k / n) * power;
    }
    return 1 + 2 * sum;
  };
  return (1 / nb + 1 / no) / (g(nb) / nb + g(no) / no);
}

/** Shrink a one-sided p-value's z by √factor (effective sample size for autocorrelated data). */
function deflate(p: number, factor: number): number {
  if (factor >= 1 || !(p < 0.5)) return p;
  const z = -normalQuantile(p);
  return normalSf(z * Math.sqrt(factor));
}

function locationTest(input: MetricInput, factor: number, settings: JudgeSettings): TestResult {
  const { signal, metric } = input;
  const spec = signal.spec;
  const up = spec.badDirection === 'up';
  const mw = mannWhitney(input.baseline, input.observation);
  const p = deflate(up ? mw.pGreater : mw.pLess, factor);
  const mb = median(input.baseline);
  const mo = median(input.observation);
  // Error ratios are mostly zeros with the odd spike: their medians and Hodges-Lehmann shift
  // are 0 even when errors clearly rose, so their effect is measured on the means.
  const useMeans = spec.kind === 'error_ratio';
  const base = useMeans ? mean(input.baseline) : mb;
  const shift = useMeans
    ? mean(input.observation) - base
    : hodgesLehmannShift(input.baseline, input.observation);
  const badShift = up ? shift : -shift;
  const effect = base !== 0 ? badShift / Math.abs(base) : badShift > 0 ? Infinity : 0;
  const floorOk = badShift >= spec.absoluteFloor && badShift > 0;
  const effectOk = effect >= spec.minEffect;
  // Still shifted at the end: the latest third of the observation, by half the practical size.
  const needed = Math.max(spec.absoluteFloor, spec.minEffect * Math.abs(base));
  const recent = latestThird(input.observation);
  const recentLevel = useMeans ? mean(recent) : median(recent);
  const persists = !settings.persistence || (up ? recentLevel - base : base - recentLevel) >= 0.5 * needed;
  const shown = useMeans ? { from: base, to: base + shift, what: 'mean ' } : { from: mb, to: mo, what: '' };
  const moved = shown.to > shown.from ? 'rose' : shown.to < shown.from ? 'fell' : 'held';
  const movement =
    moved === 'held'
      ? `held at ${formatFor(signal, shown.from)}`
      : `${moved} from ${formatFor(signal, shown.from)} to ${formatFor(signal, shown.to)} (${formatChange(shown.from, shown.to)})`;
  const reason = `${metric} ${shown.what}${movement}, ${formatP(p)}`;
  let shortfall = '';
  if (!(effectOk && floorOk) && badShift > 0) {
    shortfall = effectOk
      ? `, below the absolute floor of ${formatFor(signal, spec.absoluteFloor)}`
      : `, below the minimum effect of ${Math.round(spec.minEffect * 100)}%`;
  } else if (effectOk && floorOk && !persists) {
    shortfall = `, but back to ${formatFor(signal, recentLevel)} in the latest ${recent.length} point${recent.length > 1 ? 's' : ''}`;
  }
  const effectFraction = spec.minEffect > 0 ? effect / spec.minEffect : badShift > 0 ? 1 : 0;
  const floorFraction = spec.absoluteFloor > 0 ? badShift / spec.absoluteFloor : badShift > 0 ? 1 : 0;
  return {
    test: 'mann-whitney',
    p,
    practical: effectOk && floorOk && persists,
    effect,
    effectMultiple: Math.min(10, Number.isFinite(effectFraction) ? effectFraction : 10),
    effectFraction,
    floorFraction,
    baselineValue: shown.from,
    observedValue: shown.to,
    reason,
    shortfall,
  };
}

function spreadTest(input: MetricInput, factor: number): TestResult {
  const { signal, metric } = input;
  const spec = signal.spec;
  const up = spec.badDirection === 'up';
  const rs = rankScaleTest(input.baseline, input.observation);
  const p = deflate(rs.pGreater, factor);
  const ratio = rs.spreadX > 0 ? rs.spreadY / rs.spreadX : rs.spreadY > 0 ? Infinity : 1;
  const q = up ? 0.9 : 0.1;
  const tb = quantile(input.baseline, q);
  const to = quantile(input.observation, q);
  const mb = median(input.baseline);
  const mo = median(input.observation);
  // A spread increase is a regression when the bad tail moved by a practically large amount.
  const tailShift = up ? to - tb : tb - to;
  const needed = Math.max(spec.absoluteFloor, spec.minEffect * Math.abs(mb));
  const minRatio = spec.minSpreadRatio ?? Infinity;
  const practical = ratio >= minRatio && tailShift >= needed && tailShift > 0;
  const pct = Math.round(q * 100);
  const spreadText = rs.logScale
    ? `typical deviation ×${sig(Math.exp(rs.spreadX), 3)} → ×${sig(Math.exp(rs.spreadY), 3)}`
    : `typical deviation ${formatFor(signal, rs.spreadX)} → ${formatFor(signal, rs.spreadY)}`;
  // A flat baseline (every point alike) has no spread to multiply: say so rather than "×Infinity".
  const headline = !Number.isFinite(ratio)
    ? 'began to vary: the baseline was flat'
    : `${ratio >= minRatio ? 'became erratic: spread' : 'spread'} ×${sig(ratio, 2)}`;
  const reason =
    `${metric} ${headline} (${spreadText}), ` +
    `${pct}th percentile ${formatFor(signal, tb)} → ${formatFor(signal, to)}, median ${formatFor(signal, mb)} → ${formatFor(signal, mo)}, ${formatP(p)}`;
  const effectFraction = Number.isFinite(ratio) ? (ratio - 1) / Math.max(1e-9, minRatio - 1) : 1;
  const floorFraction = needed > 0 ? tailShift / needed : tailShift > 0 ? 1 : 0;
  return {
    test: 'variance',
    p,
    practical,
    effect: ratio - 1,
    effectMultiple: Math.min(10, Number.isFinite(effectFraction) ? effectFraction : 10),
    effectFraction,
    floorFraction,
    baselineValue: rs.spreadX,
    observedValue: rs.spreadY,
    reason,
    shortfall: '',
  };
}

/** The latest third of a series (at least one point). */
function latestThird(values: ArrayLike<number>): number[] {
  const n = values.length;
  const out: number[] = [];
  for (let i = n - Math.max(1, Math.ceil(n / 3)); i < n; i++) out.push(values[i]!);
  return out;
}

function rateTest(input: MetricInput): TestResult {
  const { signal, metric } = input;
  const spec = signal.spec;
  const intervalMin = input.intervalMs / 60_000;
  const perRequest = hasRequests(input);
  const b = eventsAndExposure(input, input.baseline, input.baselineRequests, perRequest, intervalMin);
  const o = eventsAndExposure(input, input.observation, input.observationRequests, perRequest, intervalMin);
  const dispersion = poissonDispersion(b.counts, b.exposures);
  const r = poissonRateTest({
    baselineEvents: b.events,
    baselineExposure: b.exposure,
    observedEvents: o.events,
    observedExposure: o.exposure,
    dispersion,
  });
  const p = r.pGreater;
  const rb = b.exposure > 0 ? b.events / b.exposure : 0;
  const ro = o.exposure > 0 ? o.events / o.exposure : 0;
  const effect = rb > 0 ? ro / rb - 1 : ro > 0 ? Infinity : 0;
  const floor = perRequest ? spec.absoluteFloor : (spec.eventFloorPerMinute ?? 0);
  const rise = ro - rb;
  const practical = effect >= spec.minEffect && rise >= floor && rise > 0;
  const ratioText = rb > 0 ? `, ×${sig(ro / rb, 2)}` : '';
  let reason: string;
  if (perRequest) {
    reason =
      `${metric}: error ratio ${ro > rb ? 'rose' : ro < rb ? 'fell' : 'held'} from ${formatRatio(rb)} (${count(b.events)} of ${count(b.exposure)} requests) ` +
      `to ${formatRatio(ro)} (${count(o.events)} of ${count(o.exposure)})${ratioText}, ${formatP(p)}`;
  } else {
    reason =
      `${metric}: errors ${ro > rb ? 'rose' : ro < rb ? 'fell' : 'held'} from ${count(b.events)} in ${sig(b.exposure, 3)} min (${sig(rb, 2)}/min) ` +
      `to ${count(o.events)} in ${sig(o.exposure, 3)} min (${sig(ro, 2)}/min)${ratioText}, ${formatP(p)}`;
  }
  if (dispersion > 1.5) reason += ` (bursty baseline: dispersion ${sig(dispersion, 2)})`;
  let shortfall = '';
  if (!practical && rise > 0) {
    shortfall =
      effect >= spec.minEffect
        ? ', below the absolute floor'
        : `, below the minimum effect of ${Math.round(spec.minEffect * 100)}%`;
  }
  const effectFraction = spec.minEffect > 0 ? effect / spec.minEffect : rise > 0 ? 1 : 0;
  const floorFraction = floor > 0 ? rise / floor : rise > 0 ? 1 : 0;
  return {
    test: 'rate',
    p,
    practical,
    effect,
    effectMultiple: Math.min(10, Number.isFinite(effectFraction) ? effectFraction : 10),
    effectFraction,
    floorFraction,
    baselineValue: rb,
    observedValue: ro,
    reason,
    shortfall,
  };
}

/**
 * Events and exposure per point. With request counts: events = errors (count, rate × interval,
 * or ratio × requests) out of requests. Without: events per point over time in minutes.
 */
function eventsAndExposure(
  input: MetricInput,
  values: ArrayLike<number>,
  requests: ArrayLike<number> | null | undefined,
  perRequest: boolean,
  intervalMin: number,
): { events: number; exposure: number; counts: number[]; exposures: number[] } {
  const { signal } = input;
  const counts: number[] = [];
  const exposures: number[] = [];
  const intervalS = intervalMin * 60;
  for (let i = 0; i < values.length; i++) {
    const v = Math.max(0, values[i]!);
    if (perRequest) {
      const req = requests?.[i];
      if (req === undefined || !Number.isFinite(req) || req <= 0) continue;
      const errors =
        signal.mode === 'ratio' ? Math.min(1, v) * req : signal.mode === 'rate' ? v * intervalS : v;
      counts.push(Math.min(errors, req));
      exposures.push(req);
    } else {
      counts.push(signal.mode === 'rate' ? v * intervalS : v);
      exposures.push(intervalMin);
    }
  }
  let events = 0;
  let exposure = 0;
  for (let i = 0; i < counts.length; i++) {
    events += counts[i]!;
    exposure += exposures[i]!;
  }
  return { events, exposure, counts, exposures };
}

function formatRatio(r: number): string {
  return `${sig(r * 100, 3)}%`;
}

function count(v: number): string {
  return Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v).toLocaleString('en-US') : sig(v, 3);
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
