// How good probabilistic predictions are, measured: Brier score (mean squared error of the
// probability), its skill against always predicting the base rate, AUC (the chance a failed
// change was given a higher probability than a fine one; ties count half), and a reliability
// table (predictions sorted into equal-count bins: mean predicted vs observed rate).

export interface Prediction {
  readonly probability: number;
  readonly failed: boolean;
}

export interface ReliabilityBin {
  readonly count: number;
  readonly lowest: number;
  readonly highest: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

export interface Scores {
  readonly count: number;
  readonly failures: number;
  readonly baseRate: number;
  readonly brier: number;
  /** Brier score of always predicting the base rate. */
  readonly brierReference: number;
  /** 1 − brier / reference: 0 = no better than the base rate, 1 = perfect. */
  readonly brierSkill: number;
  readonly auc: number;
  /** Mean predicted probability minus the observed rate (calibration-in-the-large). */
  readonly meanBias: number;
  /** Count-weighted mean |predicted − observed| over the reliability bins (ECE). */
  readonly calibrationError: number;
  readonly reliability: readonly ReliabilityBin[];
}

export function brierScore(predictions: readonly Prediction[]): number {
  if (predictions.length === 0) return Number.NaN;
  return predictions.reduce((s, p) => s + (p.probability - (p.failed ? 1 : 0)) ** 2, 0) / predictions.length;
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) statistic, ties averaged. */
export function auc(predictions: readonly Prediction[]): number {
  const sorted = [...predictions].sort((a, b) => a.probability - b.probability);
  const positives = sorted.filter((p) => p.failed).length;
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.probability === sorted[i]!.probability) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.failed) rankSum += meanRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Equal-count bins by predicted probability (deciles by default). */
export function reliabilityTable(predictions: readonly Prediction[], bins = 10): ReliabilityBin[] {
  const sorted = [...predictions].sort((a, b) => a.probability - b.probability);
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const slice = sorted.slice(
      Math.floor((b * sorted.length) / bins),
      Math.floor(((b + 1) * sorted.length) / bins),
    );
    if (slice.length === 0) continue;
    out.push({
      count: slice.length,
      lowest: slice[0]!.probability,
      highest: slice.at(-1)!.probability,
      meanPredicted: slice.reduce((s, p) => s + p.probability, 0) / slice.length,
      observedRate: slice.filter((p) => p.failed).length / slice.length,
    });
  }
  return out;
}

export function score(predictions: readonly Prediction[], bins = 10): Scores {
  const count = predictions.length;
  const failures = predictions.filter((p) => p.failed).length;
  const baseRate = count ? failures / count : Number.NaN;
  const brier = brierScore(predictions);
  const brierReference = baseRate * (1 - baseRate);
  const reliability = reliabilityTable(predictions, bins);
  const meanPredicted = count ? predictions.reduce((s, p) => s + p.probability, 0) / count : Number.NaN;
  return {
    count,
    failures,
    baseRate,
    brier,
    brierReference,
    brierSkill: 1 - brier / brierReference,
    auc: auc(predictions),
    meanBias: meanPredicted - baseRate,
    calibrationError:
      reliability.reduce((s, b) => s + b.count * Math.abs(b.meanPredicted - b.observedRate), 0) / count,
    reliability,
  };
}

/** What a review budget catches: the share of failing changes reviewed, and of all changes read. */
export interface Review {
  readonly recall: number;
  readonly reviewedShare: number;
}

/**
 * Effort-aware review: changes reviewed in order of risk per changed line (the chance a reviewed
 * line finds a failure) until `effort` of all changed lines are read. A change with no changed
 * lines costs nothing to review. Where a few huge changes hold most lines, a fifth of the lines
 * covers most changes: `reviewedShare` says how many were read.
 */
export function effortAwareReview(
  predictions: readonly (Prediction & { readonly lines: number })[],
  effort = 0.2,
): Review {
  const failures = predictions.filter((p) => p.failed).length;
  const total = predictions.reduce((s, p) => s + p.lines, 0);
  if (failures === 0 || total === 0) return { recall: Number.NaN, reviewedShare: Number.NaN };
  const order = [...predictions].sort(
    (a, b) => b.probability / Math.max(1, b.lines) - a.probability / Math.max(1, a.lines),
  );
  let spent = 0;
  let caught = 0;
  let read = 0;
  for (const p of order) {
    if (spent + p.lines > effort * total) break;
    spent += p.lines;
    read++;
    if (p.failed) caught++;
  }
  return { recall: caught / failures, reviewedShare: read / predictions.length };
}

/** The share of failing changes among the riskiest `share` of changes (a review budget in changes). */
export function recallAtChangeShare(predictions: readonly Prediction[], share = 0.2): number {
  const failures = predictions.filter((p) => p.failed).length;
  if (failures === 0) return Number.NaN;
  const order = [...predictions].sort((a, b) => b.probability - a.probability);
  const reviewed = order.slice(0, Math.round(share * predictions.length));
  return reviewed.filter((p) => p.failed).length / failures;
}

/** One point of the gate's trade-off: "approve without review below risk r". */
export interface GatePoint {
  /** Changes with a predicted risk below this skip review. */
  readonly threshold: number;
  /** Share of all changes that would skip review. */
  readonly skipShare: number;
  /** Share of the failing changes that would have slipped through unreviewed. */
  readonly slipShare: number;
  readonly skipped: number;
  readonly slipped: number;
}

/**
 * The trade-off a change manager chooses: for each threshold r, how many changes skip review
 * and how many failing changes slip through with them.
 */
export function gateCurve(predictions: readonly Prediction[], thresholds: readonly number[]): GatePoint[] {
  const failures = predictions.filter((p) => p.failed).length;
  return thresholds.map((threshold) => {
    let skipped = 0;
    let slipped = 0;
    for (const p of predictions) {
      if (p.probability >= threshold) continue;
      skipped++;
      if (p.failed) slipped++;
    }
    return {
      threshold,
      skipShare: predictions.length ? skipped / predictions.length : Number.NaN,
      slipShare: failures ? slipped / failures : Number.NaN,
      skipped,
      slipped,
    };
  });
}

/** The gate point that lets (at most) `share` of the changes skip review: the lowest-risk ones. */
export function gateAtSkipShare(predictions: readonly Prediction[], share: number): GatePoint {
  const sorted = [...predictions].sort((a, b) => a.probability - b.probability);
  const n = Math.floor(share * sorted.length);
  const threshold = n < sorted.length ? sorted[n]!.probability : Number.POSITIVE_INFINITY;
  return gateCurve(predictions, [threshold])[0]!;
}

/** Thresholds at the given shares of changes skipping review (the curve's x positions). */
export function thresholdsAtShares(predictions: readonly Prediction[], shares: readonly number[]): number[] {
  const sorted = predictions.map((p) => p.probability).sort((a, b) => a - b);
  return shares.map((s) => {
    const n = Math.floor(s * sorted.length);
    return n < sorted.length ? sorted[n]! : Number.POSITIVE_INFINITY;
  });
}

/** Thresholds a gate trade-off is shown at: a spread of r, and the policy's own class boundaries. */
export const GATE_THRESHOLDS: readonly number[] = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];

export interface GateTradeOff {
  readonly changes: number;
  readonly failures: number;
  readonly curve: readonly GatePoint[];
  readonly scores: Scores;
}

/** The trade-off of "approve below r" at the thresholds given (and GATE_THRESHOLDS), with the scores. */
export function gateTradeOff(
  predictions: readonly Prediction[],
  extra: readonly number[] = [],
): GateTradeOff {
  const thresholds = [...new Set([...GATE_THRESHOLDS, ...extra])].sort((a, b) => a - b);
  const scores = score(predictions);
  return {
    changes: scores.count,
    failures: scores.failures,
    curve: gateCurve(predictions, thresholds),
    scores,
  };
}
