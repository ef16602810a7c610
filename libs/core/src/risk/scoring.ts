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
