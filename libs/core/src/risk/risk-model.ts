// The risk model: log-odds = intercept + Σ weight × feature, probability = σ(log-odds). Each
// feature's contribution (weight × value) is a reason's weight, so the reasons add up to the
// answer. Default weights encode judgement before there is history; `fitRiskModel` re-estimates
// them from the recorded history (MAP logistic regression centred on the defaults, see
// logistic.ts), and the backtest in eval/risk measures how well calibrated the result is.
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
import { fitLogistic, sigmoid } from './logistic.js';

export interface RiskModel {
  readonly intercept: number;
  readonly weights: Readonly<Record<Feature, number>>;
  /** Absent for the default model. */
  readonly fit?: {
    readonly examples: number;
    readonly failures: number;
    readonly from: number;
    readonly to: number;
    readonly iterations: number;
    readonly converged: boolean;
  };
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
  },
};

export interface RiskEstimate {
  readonly logOdds: number;
  readonly probability: number;
  /** One reason per factor group, the baseline first, then by |weight|. */
  readonly reasons: RiskReason[];
}

export function predictLogOdds(model: RiskModel, values: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < FEATURES.length; j++) z += model.weights[FEATURES[j]!] * values[j]!;
  return z;
}

export function estimateRisk(model: RiskModel, change: Change, features: ChangeFeatures): RiskEstimate {
  const logOdds = predictLogOdds(model, features.values);
  const byFactor = new Map<string, number>();
  if (model.intercept !== 0) byFactor.set('baseline', model.intercept);
  FEATURES.forEach((f, j) => {
    const factor = FACTOR_OF[f];
    byFactor.set(factor, (byFactor.get(factor) ?? 0) + model.weights[f] * features.values[j]!);
  });
  const reasons = [...byFactor]
    .map(([factor, weight]) => ({
      factor,
      detail: describeFactor(factor, change, features.facts),
      weight: round(weight),
    }))
    .sort(
      (a, b) =>
        Number(b.factor === 'baseline') - Number(a.factor === 'baseline') ||
        Math.abs(b.weight) - Math.abs(a.weight),
    );
  return { logOdds, probability: sigmoid(logOdds), reasons };
}

export interface TrainingExample {
  readonly changeId: string;
  readonly values: readonly number[];
  readonly failed: boolean;
}

export interface TrainingOptions {
  /** How far back to take examples (default 90 days). */
  readonly windowMs?: number;
  /** Features already computed (e.g. stored with each change's assessment at arrival). */
  readonly featuresOf?: (change: Change) => readonly number[] | undefined;
}

/**
 * Examples for a fit at `now`: changes that started in [now − window, now − settle], with
 * their features as of their own start and their outcome as known at `now`.
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
    values: options.featuresOf?.(change) ?? changeFeatures(change, history, policy).values,
    failed: history.failure(change.id, now) !== undefined,
  }));
}

export interface FitOptions {
  /** Weights the fit is pulled towards (default: DEFAULT_RISK_MODEL). */
  readonly prior?: RiskModel;
  /** Precision of the Gaussian prior on each weight (default 4: prior sd 0.5). */
  readonly lambda?: number;
  /** Below this many failures the prior is returned unchanged (default 20). */
  readonly minFailures?: number;
  readonly from?: number;
  readonly to?: number;
}

export function fitRiskModel(examples: readonly TrainingExample[], options: FitOptions = {}): RiskModel {
  const prior = options.prior ?? DEFAULT_RISK_MODEL;
  const failures = examples.filter((e) => e.failed).length;
  if (failures < (options.minFailures ?? 20) || failures === examples.length) return prior;
  const result = fitLogistic(
    examples.map((e) => e.values),
    examples.map((e) => e.failed),
    { prior: [prior.intercept, ...FEATURES.map((f) => prior.weights[f])], lambda: options.lambda ?? 4 },
  );
  const [intercept, ...rest] = result.weights;
  return {
    intercept: intercept!,
    weights: Object.fromEntries(FEATURES.map((f, j) => [f, rest[j]!])) as Record<Feature, number>,
    fit: {
      examples: examples.length,
      failures,
      from: options.from ?? Number.NaN,
      to: options.to ?? Number.NaN,
      iterations: result.iterations,
      converged: result.converged,
    },
  };
}

/** Convenience: the training set at `now`, fitted. */
export function fitFromHistory(
  history: ChangeHistory,
  policy: Policy,
  now: number,
  options: TrainingOptions & FitOptions = {},
): RiskModel {
  const windowMs = options.windowMs ?? 90 * 86_400_000;
  return fitRiskModel(trainingSet(history, policy, now, options), {
    ...options,
    from: now - windowMs,
    to: now - history.settings.settleMs,
  });
}

export function probabilityOf(model: RiskModel, values: readonly number[]): number {
  return sigmoid(predictLogOdds(model, values));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
