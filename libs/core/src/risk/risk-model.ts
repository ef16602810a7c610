// The risk model: log-odds = intercept + service level + Σ weight × feature, probability =
// σ(log-odds). Each feature's contribution (weight × value) is a reason's weight, so the reasons
// add up to the answer. Default weights encode judgement before there is history; `fitRiskModel`
// re-estimates them from the fleet's own recorded outcomes:
//   - MAP logistic regression centred on the defaults (logistic.ts), on past changes only;
//   - outcomes that have not had time to show are not read as clean: a change of age a with no
//     failure on record has likelihood 1 − p·F(a) (it may fail yet), one with a failure p·F(a),
//     F the maturity curve learnt from the same history (label-maturity.ts);
//   - recent changes may weigh more than old ones (a half-life), as practice drifts;
//   - each service gets its own level, shrunk towards the fleet's by as much as services really
//     differ (a random intercept, the spread estimated from the data), so a new service starts
//     at the fleet's level and a long record speaks for itself;
//   - how far those levels are to be trusted ahead is learnt from the model's own track record:
//     the changes each earlier fit scored, with their outcomes as known now, say how much of the
//     levels it had carried over (level-trust.ts); a level is used at that share;
//   - a service's changes of one quarter share its state then, so their outcomes say less about
//     the features' weights than as many independent ones: the weights' evidence is counted at
//     1/d, d the design effect of those clusters measured on the fit's own score.
//   - optionally (`predictive: 'mean-rate'`, not the default), a probability averaged over the
//     fit's Laplace posterior rather than σ of its log-odds; measured in eval/risk/REPORT.md.
// The backtest in eval/risk measures how well ranked and calibrated the result is on real
// change histories.
import type { Change, RiskReason } from '#contracts';
import type { Policy } from '../policy/policy.js';
import type { ChangeHistory } from './change-history.js';
import {
  changeFeatures,
  describeFactor,
  FACTOR_OF,
  FEATURES,
  type ChangeFeatures,
  type Feature,
} from './features.js';
import { labelMaturity, MATURE, maturityAt, type MaturityCurve } from './label-maturity.js';
import { learnLevelTrust, type LevelTrust } from './level-trust.js';
import type { TrainingExample } from './training-example.js';
import { fitLogistic, outcomeScore, predictiveRate, sigmoid, type LogisticFit } from './logistic.js';

/** A service's own level in a fitted model: log-odds from the fleet's, after pooling. */
export interface ServiceLevel {
  readonly offset: number;
  /** Its changes and failures (as known) in the fit. */
  readonly changes: number;
  readonly failures: number;
}

export interface RiskModel {
  readonly intercept: number;
  readonly weights: Readonly<Record<Feature, number>>;
  /** Per-service levels; a service not listed is at the fleet's level. Absent: no pooling. */
  readonly services?: Readonly<Record<string, ServiceLevel>>;
  /**
   * The share of each service's level a prediction uses (default 1): the levels are estimated on
   * the past; this says how much of them the fits' own track record showed to carry over.
   */
  readonly levelTrust?: number;
  /**
   * How a probability is read from the fit: `plug-in` (default) — σ of the log-odds at the
   * fitted weights; `mean-rate` — the rate averaged over the weights' and the level's posterior
   * uncertainty (the fit's Laplace posterior, `fit.posterior`), E[σ(z)], z ~ N(log-odds, v).
   */
  readonly predictive?: Predictive;
  /** Absent for the default model. */
  readonly fit?: {
    readonly examples: number;
    readonly failures: number;
    readonly from: number;
    readonly to: number;
    readonly iterations: number;
    readonly converged: boolean;
    /** How outcomes came to light in the fit's history. */
    readonly maturity: MaturityCurve;
    /** Recency half-life of the examples' weights, null when all weigh the same. */
    readonly halfLifeMs: number | null;
    /** Standard deviation of the services' levels (log-odds), null without pooling. */
    readonly serviceSpread: number | null;
    /**
     * By how much the outcomes' spread between clusters (a service's quarter) exceeded that of
     * independent outcomes, for the features' weights: their evidence was counted at 1/d (≤ 1:
     * in full). Absent when the fit counted every outcome on its own.
     */
    readonly designEffect?: number;
    /** How `levelTrust` was learnt; absent when no earlier fits were given. */
    readonly trust?: LevelTrust;
    /** The weights' and levels' Laplace posterior, for `predictive: 'mean-rate'`. */
    readonly posterior?: Posterior;
  };
}

export type Predictive = 'plug-in' | 'mean-rate';

/** The fit's uncertainty: the inverse of its penalised likelihood's curvature at the solution. */
export interface Posterior {
  /** Covariance of [intercept, …weights in FEATURES order]. */
  readonly covariance: readonly (readonly number[])[];
  /** Per service in the fit: its level's variance and covariance with the weights. */
  readonly levels: Readonly<
    Record<string, { readonly variance: number; readonly withWeights: readonly number[] }>
  >;
}

/**
 * Judgement before history: the service's smoothed rate is the baseline (weights 1 on the
 * fleet and service terms), and each departure from a routine change moves the log-odds by
 * a modest amount in the direction the change-management literature and experience agree on.
 */
export const DEFAULT_RISK_MODEL: RiskModel = {
  intercept: 0,
  weights: {
    'fleet-base': 1,
    'service-failure-rate': 1,
    'open-problems': 0.3,
    'recent-incidents': 0.4,
    'kind:config': 0.2,
    'kind:feature_flag': -0.2,
    'kind:infrastructure': 0.3,
    'kind:database_migration': 0.6,
    'kind:rollback': -0.7,
    'kind:other': 0,
    size: 0.15,
    'size-unknown': 0.1,
    'off-hours': 0.3,
    weekend: 0.4,
    'freeze-window': 0.3,
    'rollout:canary': -0.4,
    'rollout:progressive': -0.3,
    'rollout:blue_green': -0.3,
    'rollout:all_at_once': 0.3,
    manual: 0.4,
    'tests-failed': 1,
    'no-test-evidence': 0.2,
    'similar-kind': 0.5,
    'similar-component': 0.5,
    'similar-config-key': 0.5,
    // Change content (Kamei et al.; Mockus & Weiss): bigger, more spread out, fixes and
    // files with many hands are riskier; experienced authors and old, settled files less so.
    'content-unknown': 0,
    files: 0.1,
    directories: 0.1,
    subsystems: 0.1,
    entropy: 0.2,
    'lines-before': 0.05,
    commits: 0.05,
    developers: 0.1,
    'files-age': -0.05,
    'prior-changes': 0.05,
    'author-experience': -0.05,
    'author-recent-experience': -0.05,
    'author-subsystem-experience': -0.05,
    fix: 0.2,
    revert: -0.2,
  },
};

export interface RiskEstimate {
  readonly logOdds: number;
  readonly probability: number;
  /** One reason per factor group, the baseline first, then by |weight|. */
  readonly reasons: RiskReason[];
}

export function predictLogOdds(model: RiskModel, values: readonly number[], service?: string): number {
  let z = model.intercept + (service === undefined ? 0 : levelOf(model, service));
  for (let j = 0; j < FEATURES.length; j++) z += model.weights[FEATURES[j]!] * values[j]!;
  return z;
}

/**
 * The posterior variance of the log-odds as predictions use it: xᵀΣx over [1, values], plus the
 * service's level at the learnt trust t (t² times its variance, 2t times its covariance with
 * the weights); a service the fit has not seen has the services' spread as its level's sd. 0
 * without a posterior (the default model, or a fit made with `predictive: 'plug-in'`).
 */
export function logOddsVariance(model: RiskModel, values: readonly number[], service?: string): number {
  const posterior = model.fit?.posterior;
  if (!posterior) return 0;
  const x = [1, ...values];
  let v = 0;
  for (let j = 0; j < x.length; j++) {
    if (x[j] === 0) continue;
    const row = posterior.covariance[j]!;
    let s = 0;
    for (let k = 0; k < x.length; k++) s += row[k]! * x[k]!;
    v += x[j]! * s;
  }
  if (service !== undefined && model.services) {
    const t = model.levelTrust ?? 1;
    const level = posterior.levels[service];
    if (level) {
      let c = 0;
      for (let j = 0; j < x.length; j++) c += level.withWeights[j]! * x[j]!;
      v += t * t * level.variance + 2 * t * c;
    } else v += t * t * (model.fit?.serviceSpread ?? 0) ** 2;
  }
  return Math.max(0, v);
}

/** The probability of a change with these feature values, as the model's `predictive` reads it. */
export function probabilityOf(model: RiskModel, values: readonly number[], service?: string): number {
  return probabilityAt(model, predictLogOdds(model, values, service), values, service);
}

/** The probability at a log-odds already predicted for these values. */
function probabilityAt(
  model: RiskModel,
  logOdds: number,
  values: readonly number[],
  service: string | undefined,
): number {
  return model.predictive === 'mean-rate'
    ? predictiveRate(logOdds, logOddsVariance(model, values, service))
    : sigmoid(logOdds);
}

export function estimateRisk(model: RiskModel, change: Change, features: ChangeFeatures): RiskEstimate {
  const logOdds = predictLogOdds(model, features.values, change.service);
  const byFactor = new Map<string, number>();
  if (model.intercept !== 0) byFactor.set('baseline', model.intercept);
  if (model.services) byFactor.set('service-level', levelOf(model, change.service));
  FEATURES.forEach((f, j) => {
    const factor = FACTOR_OF[f];
    byFactor.set(factor, (byFactor.get(factor) ?? 0) + model.weights[f] * features.values[j]!);
  });
  const reasons = [...byFactor]
    .map(([factor, weight]) => ({
      factor,
      detail:
        factor === 'service-level'
          ? describeServiceLevel(model, change.service)
          : describeFactor(factor, change, features.facts),
      weight: round(weight),
    }))
    .sort(
      (a, b) =>
        Number(b.factor === 'baseline') - Number(a.factor === 'baseline') ||
        Math.abs(b.weight) - Math.abs(a.weight),
    );
  return { logOdds, probability: probabilityAt(model, logOdds, features.values, change.service), reasons };
}

/** The service's level as predictions use it: its fitted level at the learnt trust. */
export function levelOf(model: RiskModel, service: string): number {
  return (model.services?.[service]?.offset ?? 0) * (model.levelTrust ?? 1);
}

function describeServiceLevel(model: RiskModel, service: string): string {
  const level = model.services?.[service];
  const spread = model.fit?.serviceSpread;
  if (!level) return `${service} is new to the model: the fleet’s level applies`;
  const used = levelOf(model, service);
  const trust = model.levelTrust ?? 1;
  return (
    `${service}’s own record in the fit (${level.failures} of ${level.changes} changes failed) puts it ` +
    `${used >= 0 ? '+' : '−'}${Math.abs(used).toFixed(2)} log-odds from the fleet, ` +
    `pooled with the fleet${spread ? ` (services differ by ±${spread.toFixed(2)})` : ''}` +
    (trust < 1 ? `, at ${Math.round(trust * 100)}% as earlier fits’ levels carried over that far` : '')
  );
}

export interface TrainingOptions {
  /** How far back to take examples (default 90 days). */
  readonly windowMs?: number;
  /** Features already computed (e.g. stored with each change's assessment at arrival). */
  readonly featuresOf?: (change: Change) => readonly number[] | undefined;
}

/**
 * Examples for a fit at `now`: changes that started in [now − window, now − settle], with
 * their features as of their own start and their failure as known at `now`.
 */
export function trainingSet(
  history: ChangeHistory,
  policy: Policy,
  now: number,
  options: TrainingOptions = {},
): TrainingExample[] {
  const windowMs = options.windowMs ?? 90 * 86_400_000;
  const settled = now - history.settings.settleMs;
  return history.changesBetween(now - windowMs, settled + 1).map((change) => ({
    changeId: change.id,
    service: change.service,
    values: options.featuresOf?.(change) ?? changeFeatures(change, history, policy).values,
    startedAt: change.startedAt,
    failedAt: history.failure(change.id, now)?.knownAt ?? null,
  }));
}

export interface FitOptions {
  /** The instant of the fit: failures on record after it are not known (default: all are). */
  readonly now?: number;
  /** Weights the fit is pulled towards (default: DEFAULT_RISK_MODEL). */
  readonly prior?: RiskModel;
  /** Precision of the Gaussian prior on each weight (default 4: prior sd 0.5). */
  readonly lambda?: number;
  /** Below this many failures the prior is returned unchanged (default 20). */
  readonly minFailures?: number;
  /** How outcomes come to light (default: learnt from the examples; MATURE = known at once). */
  readonly maturity?: MaturityCurve;
  /** Recency half-life of the examples' weights (default: all weigh the same). */
  readonly halfLifeMs?: number;
  /**
   * Changes younger than the age by which this share of failures has come to light are left out
   * (default 0.25): they say little, and what they say is magnified by 1/F — the youngest
   * records of a new service or a new fleet would set its level.
   */
  readonly minMaturity?: number;
  /** Per-service levels, pooled towards the fleet (default true). */
  readonly servicePooling?: boolean;
  /** A previous fit to start from (a refit then takes a step or two). */
  readonly start?: RiskModel;
  /**
   * Earlier fits, each with its `fit.to`: their track record on the changes that came after
   * them sets how much of the service levels a prediction uses (see level-trust.ts). Absent:
   * all of them.
   */
  readonly earlier?: readonly RiskModel[];
  /**
   * How much the outcomes say about the features' weights: `clustered` (default) — as much as
   * their spread between clusters (a service's changes of one quarter) shows, the likelihood's
   * information divided by the design effect; `independent` — every outcome on its own.
   */
  readonly featureEvidence?: 'clustered' | 'independent';
  /** The level trust before its track record says anything (level-trust.ts; default `unknown`). */
  readonly levelTrustPrior?: 'unknown' | 'full';
  /** How predictions read a probability from the fit (RiskModel.predictive; default `plug-in`). */
  readonly predictive?: Predictive;
  readonly from?: number;
  readonly to?: number;
}

const MAX_ROUNDS = 12;
/** Relative: the services' spread is a nuisance, known to a few percent it is known enough. */
const SPREAD_TOLERANCE = 0.02;

export function fitRiskModel(all: readonly TrainingExample[], options: FitOptions = {}): RiskModel {
  const prior = options.prior ?? DEFAULT_RISK_MODEL;
  const now = options.now ?? Number.POSITIVE_INFINITY;
  const ageOf = (e: TrainingExample) => (Number.isFinite(now) ? now - e.startedAt : Number.POSITIVE_INFINITY);
  const maturity =
    options.maturity ??
    (Number.isFinite(now)
      ? labelMaturity(
          all.map((e) => ({ startedAt: e.startedAt, knownAt: e.failedAt })),
          now,
        )
      : MATURE);
  const minMaturity = options.minMaturity ?? 0.25;
  const examples = all.filter((e) => maturityAt(maturity, ageOf(e)) >= minMaturity);
  const failed = examples.map((e) => e.failedAt !== null && e.failedAt <= now);
  const failures = failed.filter(Boolean).length;
  if (failures < (options.minFailures ?? 20) || failures === examples.length) return prior;
  const mature = examples.map((e) => maturityAt(maturity, ageOf(e)));
  const halfLife = options.halfLifeMs ?? null;
  const weights = halfLife === null ? undefined : examples.map((e) => 0.5 ** (ageOf(e) / halfLife));
  const xs = examples.map((e) => e.values);
  const pooling = options.servicePooling ?? true;
  const services = pooling ? [...new Set(examples.map((e) => e.service))].sort() : [];
  const groupOf = new Map(services.map((s, m) => [s, m]));
  const group = examples.map((e) => groupOf.get(e.service) ?? -1);
  const priorVector = [prior.intercept, ...FEATURES.map((f) => prior.weights[f])];
  // The intercept is the fleet's level, which the data sets, not judgement: barely held.
  const lambda = priorVector.map((_, j) => (j === 0 ? 1e-4 : (options.lambda ?? 4)));

  // The weights and levels for the services' spread as it stands, then the spread from the
  // levels, until the spread settles (without pooling: one fit).
  const rounds = (precision: readonly number[], from: Rounds): Rounds => {
    let { w, u, spread, posterior } = from;
    let iterations = 0;
    let converged = false;
    let previousStep: number | null = null;
    for (let round = 1; round <= MAX_ROUNDS && !converged; round++) {
      const fit = fitLogistic(xs, failed, {
        prior: priorVector,
        lambda: precision,
        weights,
        maturity: mature,
        groups: pooling ? { of: group, count: services.length, lambda: 1 / spread ** 2 } : undefined,
        start: w,
        startLevels: u,
        maxIterations: 50,
        tolerance: 1e-6,
      });
      iterations += fit.iterations;
      w = [...fit.weights];
      u = [...fit.levels];
      posterior = fit;
      let spreadChange = 0;
      if (pooling) {
        let next = levelSpread(u, fit.levelInformation, 1 / spread ** 2);
        // The spread's fixed point is approached geometrically: Aitken's Δ² jumps ahead.
        const step = next - spread;
        if (previousStep !== null && step !== 0) {
          const ratio = step / previousStep;
          if (ratio > 0 && ratio < 0.95) next = clampSpread(spread + step / (1 - ratio));
        }
        previousStep = step;
        spreadChange = Math.abs(next - spread) / spread;
        spread = next;
      }
      converged = fit.converged && spreadChange < SPREAD_TOLERANCE;
    }
    return { w, u, spread, posterior, iterations: from.iterations + iterations, converged };
  };
  const start = options.start?.fit ? options.start : undefined;
  let result = rounds(lambda, {
    w: start ? [start.intercept, ...FEATURES.map((f) => start.weights[f])] : priorVector,
    u: services.map((s) => start?.services?.[s]?.offset ?? 0),
    spread: start?.fit?.serviceSpread ?? DEFAULT_SPREAD,
    posterior: undefined,
    iterations: 0,
    converged: false,
  });
  // Outcomes are not independent draws: a service's changes of the same months share its state
  // then, so the likelihood overstates what they say about the features' weights. The design
  // effect d measures by how much, and the weights are refitted with their evidence counted at
  // 1/d (their prior d times as strong: for the weights, the likelihood to the power 1/d).
  let designEffect: number | undefined;
  if ((options.featureEvidence ?? 'clustered') === 'clustered') {
    designEffect = clusterDesignEffect(
      xs,
      failed,
      mature,
      weights,
      result,
      group,
      examples.map((e) => `${e.service}\u0000${Math.floor(e.startedAt / CLUSTER_MS)}`),
    );
    if (designEffect > 1) {
      const d = designEffect;
      result = rounds(
        lambda.map((l, j) => (j === 0 ? l : l * d)),
        result,
      );
    }
  }
  const { w, u, spread, iterations, converged, posterior } = result;
  const predictive = options.predictive ?? DEFAULT_PREDICTIVE;
  const [intercept, ...rest] = w;
  const trust =
    pooling && options.earlier
      ? learnLevelTrust(examples, options.earlier, {
          now,
          maturity,
          halfLifeMs: halfLife,
          prior: options.levelTrustPrior,
        })
      : undefined;
  return {
    ...(trust ? { levelTrust: trust.trust } : {}),
    ...(predictive === 'plug-in' ? {} : { predictive }),
    intercept: intercept!,
    weights: Object.fromEntries(FEATURES.map((f, j) => [f, rest[j]!])) as Record<Feature, number>,
    ...(pooling
      ? {
          services: Object.fromEntries(
            services.map((s, m) => [
              s,
              {
                offset: u[m]!,
                changes: group.filter((g) => g === m).length,
                failures: group.filter((g, i) => g === m && failed[i]).length,
              },
            ]),
          ),
        }
      : {}),
    fit: {
      examples: examples.length,
      failures,
      from: options.from ?? Number.NaN,
      to: options.to ?? Number.NaN,
      iterations,
      converged,
      maturity,
      halfLifeMs: halfLife,
      serviceSpread: pooling ? spread : null,
      ...(designEffect === undefined ? {} : { designEffect }),
      ...(trust ? { trust } : {}),
      ...(posterior && predictive !== 'plug-in'
        ? {
            posterior: {
              covariance: posterior.covariance,
              levels: Object.fromEntries(services.map((s, m) => [s, posterior.levelPosterior[m]!])),
            },
          }
        : {}),
    },
  };
}

/** How fits read a probability unless told (FitOptions.predictive). */
export const DEFAULT_PREDICTIVE: Predictive = 'plug-in';

interface Rounds {
  readonly w: number[];
  readonly u: number[];
  readonly spread: number;
  /** The last fit's Laplace posterior. */
  readonly posterior: Pick<LogisticFit, 'covariance' | 'levelPosterior'> | undefined;
  readonly iterations: number;
  readonly converged: boolean;
}

/** The clusters of the design effect: a service's changes of the same quarter. */
const CLUSTER_MS = 91 * 86_400_000;

/**
 * The design effect of clustered outcomes on the features' weights: for each feature, the
 * spread of its score (Σ v·r·x, r the likelihood's residual) summed within clusters, over what
 * it would be were every outcome independent (Σ v²·c·x², c the likelihood's curvature) — the
 * sandwich's meat over its independent counterpart — averaged over the features that vary. 1:
 * the outcomes are as independent as the likelihood takes them; d: they say 1/d as much.
 */
export function clusterDesignEffect(
  xs: readonly (readonly number[])[],
  failed: readonly boolean[],
  mature: readonly number[],
  v: readonly number[] | undefined,
  fit: Pick<Rounds, 'w' | 'u'>,
  group: readonly number[],
  cluster: readonly string[],
): number {
  const { w, u } = fit;
  const k = w.length - 1;
  const independent = new Float64Array(k);
  const sums = new Map<string, Float64Array>();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    let z = w[0]! + (group[i]! >= 0 ? u[group[i]!]! : 0);
    for (let j = 0; j < k; j++) z += w[j + 1]! * x[j]!;
    const p = sigmoid(z);
    const f = mature[i]!;
    const vi = v?.[i] ?? 1;
    const { residual: r, curvature: c } = outcomeScore(failed[i]!, f, p);
    let sum = sums.get(cluster[i]!);
    if (!sum) sums.set(cluster[i]!, (sum = new Float64Array(k)));
    for (let j = 0; j < k; j++) {
      const xj = x[j]!;
      if (xj === 0) continue;
      independent[j]! += vi * vi * c * xj * xj;
      sum[j]! += vi * r * xj;
    }
  }
  const meat = new Float64Array(k);
  for (const sum of sums.values()) for (let j = 0; j < k; j++) meat[j]! += sum[j]! ** 2;
  let total = 0;
  let features = 0;
  for (let j = 0; j < k; j++) {
    if (!(independent[j]! > 1e-9)) continue;
    total += meat[j]! / independent[j]!;
    features++;
  }
  return features ? total / features : 1;
}

const DEFAULT_SPREAD = 0.5;
const MIN_SPREAD = 0.05;
const MAX_SPREAD = 2;

/**
 * How much services really differ (τ, the sd of their levels), by the method of moments: the
 * spread of the services' own estimates less their sampling variance. A MAP level û under
 * precision λ is the service's own estimate shrunk by I/(I + λ), I its information.
 */
function levelSpread(levels: readonly number[], information: readonly number[], lambda: number): number {
  if (levels.length < 3) return DEFAULT_SPREAD;
  let sum = 0;
  for (let m = 0; m < levels.length; m++) {
    const info = information[m]!;
    if (info <= 0) continue;
    const own = (levels[m]! * (info + lambda)) / info;
    sum += own ** 2 - 1 / info;
  }
  return clampSpread(Math.sqrt(Math.max(0, sum / levels.length)));
}

function clampSpread(tau: number): number {
  return Math.min(MAX_SPREAD, Math.max(MIN_SPREAD, tau));
}

export interface HistoryFitOptions extends TrainingOptions, Omit<FitOptions, 'now' | 'from' | 'to'> {}

/** Convenience: the training set at `now`, fitted. */
export function fitFromHistory(
  history: ChangeHistory,
  policy: Policy,
  now: number,
  options: HistoryFitOptions = {},
): RiskModel {
  const windowMs = options.windowMs ?? 90 * 86_400_000;
  return fitRiskModel(trainingSet(history, policy, now, options), {
    ...options,
    now,
    from: now - windowMs,
    to: now - history.settings.settleMs,
  });
}

/** A fit every two weeks over a 90-day history: the track record a gate keeps. */
export const DEFAULT_TRACK_RECORD = { everyMs: 14 * 86_400_000, count: 6 } as const;

/**
 * The fits a gate would have made every `everyMs` over the last `count` periods, oldest first,
 * each learning from those before it: the track record from which a new fit learns how far to
 * trust the service levels (level-trust.ts), rebuilt from the history (after a restart too).
 */
export function trackRecordFits(
  history: ChangeHistory,
  policy: Policy,
  now: number,
  {
    everyMs = DEFAULT_TRACK_RECORD.everyMs,
    count = DEFAULT_TRACK_RECORD.count,
    ...options
  }: HistoryFitOptions & { readonly everyMs?: number; readonly count?: number } = {},
): RiskModel[] {
  const fits: RiskModel[] = [];
  for (let k = count; k >= 1; k--) {
    const model = fitFromHistory(history, policy, now - k * everyMs, { ...options, earlier: [...fits] });
    if (model.fit) fits.push(model);
  }
  return fits;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
