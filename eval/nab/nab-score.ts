// The NAB scoring rules (Lavin & Ahmad 2015, arXiv:1510.03336; numenta/NAB sweeper.py),
// standard profile: A_TP = 1, A_FP = −0.11, A_FN = −1.
// - The first 15% of each file (at most 750 rows) is a probationary period: detections there
//   are ignored.
// - A detection inside a labelled window scores A_TP·σ̃(position), σ̃ the scaled sigmoid
//   2/(1 + e^{5x}) − 1 of the relative position x ∈ [−1, 0) in the window (1 at its start,
//   ~0 at its end) normalised so the window start scores exactly A_TP; only the best (earliest)
//   detection in a window counts.
// - A detection outside every window scores A_FP·|σ̃(distance past the previous window / its
//   width)|: nearly free just after a window, the full −0.11 far from it or before any window.
// - Each window without a detection scores A_FN.
// - The corpus score is normalised: 100·(raw − null)/(perfect − null), where the null detector
//   detects nothing (−1 per window) and the perfect one detects every window at its start.

export interface NabProfile {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

export const STANDARD_PROFILE: NabProfile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };

export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
}

export interface FileScore {
  readonly raw: number;
  readonly windows: number;
  readonly detectedWindows: number;
  /** Scored detections inside windows (after probation), all of them, not only the first. */
  readonly truePositives: number;
  readonly falsePositives: number;
}

/**
 * Score one file.
 * @param timestamps row timestamps
 * @param windows labelled windows as [start, end] timestamps (inclusive)
 * @param detections indices of rows flagged as anomalous
 */
export function scoreFile(
  timestamps: readonly number[],
  windows: ReadonlyArray<readonly [number, number]>,
  detections: Iterable<number>,
  profile: NabProfile = STANDARD_PROFILE,
): FileScore {
  const n = timestamps.length;
  const probation = probationLength(n);
  // Windows as row-index ranges.
  const ranges = windows.map(
    ([a, b]) => [lowerBound(timestamps, a), Math.min(n - 1, lowerBound(timestamps, b + 1) - 1)] as const,
  );
  const flagged = new Set(detections);
  const maxTP = scaledSigmoid(-1);
  const best = new Array<number>(ranges.length).fill(NaN);
  let raw = 0;
  let tp = 0;
  let fp = 0;
  let w = 0; // next window
  let prev: readonly [number, number] | null = null;
  for (let i = 0; i < n; i++) {
    while (w < ranges.length && i > ranges[w]![1]) prev = ranges[w++]!;
    const cur = w < ranges.length && i >= ranges[w]![0] ? ranges[w]! : null;
    if (!flagged.has(i) || i < probation) continue;
    if (cur) {
      const width = cur[1] - cur[0] + 1;
      const position = -(cur[1] - i + 1) / width;
      const score = (scaledSigmoid(position) * profile.tpWeight) / maxTP;
      if (Number.isNaN(best[w]!) || score > best[w]!) best[w] = score;
      tp++;
    } else {
      let unweighted = -1;
      if (prev) {
        const width = prev[1] - prev[0] + 1;
        unweighted = scaledSigmoid(Math.abs(prev[1] - i) / Math.max(1, width - 1));
      }
      raw += unweighted * profile.fpWeight;
      fp++;
    }
  }
  let detected = 0;
  for (const b of best) {
    if (Number.isNaN(b)) raw -= profile.fnWeight;
    else {
      raw += b;
      detected++;
    }
  }
  return { raw, windows: ranges.length, detectedWindows: detected, truePositives: tp, falsePositives: fp };
}

/** Normalised corpus score (0 = detects nothing, 100 = perfect). */
export function normalisedScore(files: readonly FileScore[], profile: NabProfile = STANDARD_PROFILE): number {
  const raw = files.reduce((s, f) => s + f.raw, 0);
  const windows = files.reduce((s, f) => s + f.windows, 0);
  const nullScore = -profile.fnWeight * windows;
  const perfect = profile.tpWeight * windows;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** The first index of sorted `a` whose value is not below `t` (a.length if none). */
export function lowerBound(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
