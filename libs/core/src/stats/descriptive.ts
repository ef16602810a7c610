// Robust location and scale. Medians and MADs instead of means and standard deviations because
// telemetry is heavy-tailed: one stuck request or one GC pause must not move a baseline.

/** MAD × 1.4826 estimates σ for normal data. */
export const MAD_TO_SIGMA = 1.482602218505602;

/** Sample quantile, R's type 7 (linear interpolation between order statistics; numpy's default). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return quantileSorted(sorted, q);
}

/** Type-7 quantile of already sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Type-7 quantile in O(n) by selection on a scratch array, which it reorders. */
export function quantileSelect(a: Float64Array, q: number, n = a.length): number {
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const vLo = select(a, 0, n - 1, lo);
  if (h === lo || lo + 1 >= n) return vLo;
  // The next order statistic is the smallest value right of lo after selection.
  let vHi = Infinity;
  for (let i = lo + 1; i < n; i++) if (a[i]! < vHi) vHi = a[i]!;
  return vLo + (h - lo) * (vHi - vLo);
}

/** Median; O(n) by selection on a scratch copy, so callers' arrays stay untouched. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const a = Float64Array.from(values as ArrayLike<number>);
  return medianInPlace(a, n);
}

/** Median of the first n entries of a scratch array, which it reorders. */
export function medianInPlace(a: Float64Array, n = a.length): number {
  if (n === 0) return NaN;
  const mid = n >> 1;
  const upper = select(a, 0, n - 1, mid);
  if (n % 2 === 1) return upper;
  // The lower middle is the largest value left of the upper middle after selection.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

// Quickselect with a three-way (Dutch flag) partition: k-th smallest within a[lo..hi]. The
// three-way split keeps it linear on data with many equal values (mostly-zero error counts).
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  while (lo < hi) {
    const x = a[lo]!;
    const y = a[(lo + hi) >> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = a[i]!;
      if (v < pivot) swap(a, lt++, i++);
      else if (v > pivot) swap(a, i, gt--);
      else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Median absolute deviation from the median (raw; multiply by MAD_TO_SIGMA for σ). */
export function mad(values: ArrayLike<number>, center = median(values)): number {
  const n = values.length;
  if (n === 0) return NaN;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(values[i]! - center);
  return medianInPlace(d, n);
}

/**
 * A robust σ: 1.4826·MAD, falling back to 1.2533·(mean absolute deviation) when more than half
 * the values are identical (MAD = 0, e.g. mostly-zero error counts), so a series of zeros with
 * the odd error still has a usable, non-zero scale.
 */
export function robustSigma(values: ArrayLike<number>, center = median(values)): number {
  const m = mad(values, center);
  if (m > 0) return MAD_TO_SIGMA * m;
  const n = values.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(values[i]! - center);
  return (1.2533141373155 * s) / n;
}

export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  return s / n;
}

/** Unbiased sample variance (n − 1). */
export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i]! - m) ** 2;
  return s / (n - 1);
}

/**
 * Hodges-Lehmann estimate of the shift y − x: the median of all pairwise differences. The
 * estimator that goes with the Mann-Whitney test, and robust (29% breakdown). Large samples
 * use a deterministic subsample of `maxPairs` pairs, which keeps it O(maxPairs).
 */
export function hodgesLehmannShift(x: ArrayLike<number>, y: ArrayLike<number>, maxPairs = 50_000): number {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return NaN;
  const total = m * n;
  if (total <= maxPairs) {
    const diffs = new Float64Array(total);
    let k = 0;
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) diffs[k++] = y[j]! - x[i]!;
    return medianInPlace(diffs, total);
  }
  // Deterministic subsample: every y in turn, paired with x's visited by a prime step (which
  // reaches every x, unlike a plain stride that can keep hitting the same few).
  const step = m % 7919 === 0 ? 7927 : 7919;
  const diffs = new Float64Array(maxPairs);
  for (let k = 0; k < maxPairs; k++) diffs[k] = y[Math.floor((k * n) / maxPairs)]! - x[(k * step) % m]!;
  return medianInPlace(diffs, maxPairs);
}

/**
 * Lag-1 autocorrelation of a time-ordered series. Telemetry is autocorrelated (one slow minute
 * is followed by another), which makes independent-sample tests overconfident; the verifier
 * uses this to shrink its effective sample sizes.
 */
export function lag1Autocorrelation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 3) return 0;
  const m = mean(values);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    den += d * d;
    if (i > 0) num += d * (values[i - 1]! - m);
  }
  return den > 0 ? num / den : 0;
}

/**
 * Lag-1 autocorrelation that a step or a burst inside the series does not inflate: the smaller of
 * the classical estimate and the Gnanadesikan-Kettenring one, (S²(u) − S²(v)) / (S²(u) + S²(v))
 * with u = x_t + x_{t−1}, v = x_t − x_{t−1} and S the MAD (for AR(1) noise both estimate φ). A
 * previous incident's few minutes of high values in a baseline are not short-range dependence,
 * yet they drive the classical estimate to 0.6–0.7 on white noise; the robust one ignores them.
 */
export function robustLag1Autocorrelation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 4) return 0;
  const u = new Float64Array(n - 1);
  const v = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) {
    u[i - 1] = values[i]! + values[i - 1]!;
    v[i - 1] = values[i]! - values[i - 1]!;
  }
  const su = mad(u) ** 2;
  const sv = mad(v) ** 2;
  const robust = su + sv > 0 ? (su - sv) / (su + sv) : 0;
  return Math.min(lag1Autocorrelation(values), robust);
}

/** Index of the first element ≥ t in ascending values (values.length when there is none). */
export function lowerBound(values: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
