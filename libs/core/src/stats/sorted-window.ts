// The values of a sliding window kept in sorted order, so its order statistics (median, type-7
// quantiles, MAD) are read in O(1) … O(n/2) instead of a selection over a copy each time. Each
// slide is a binary search and one block move (replace), so a series model pays a few dozen
// nanoseconds per sample instead of re-selecting its whole window at every refresh. Results are
// exactly those of medianInPlace / quantileSelect (descriptive.ts) on the same values.
//
// Storage is the caller's typed array (its capacity is the window size): a Float32Array when the
// window itself keeps float32 values, as the anomaly model's does; values put in are expected to
// be representable in it. Meant for finite values; callers fall back to selection otherwise.
export class SortedWindow {
  private n = 0;

  constructor(private readonly a: Float32Array | Float64Array) {}

  get size(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.a.byteLength;
  }

  clear(): void {
    this.n = 0;
  }

  insert(x: number): void {
    if (this.n >= this.a.length) throw new RangeError('SortedWindow is full');
    const i = this.lowerBound(x);
    this.a.copyWithin(i + 1, i, this.n);
    this.a[i] = x;
    this.n++;
  }

  /** Removes one value equal to old (which must be present) and inserts x: one block move. */
  replace(old: number, x: number): void {
    const a = this.a;
    const i = this.lowerBound(old);
    if (!(i < this.n && a[i] === old)) throw new RangeError(`${old} is not in the window`);
    if (x > old) {
      const j = this.lowerBound(x) - 1; // x goes after everything smaller than it
      a.copyWithin(i, i + 1, j + 1);
      a[j] = x;
    } else {
      const j = this.lowerBound(x);
      a.copyWithin(j + 1, j, i);
      a[j] = x;
    }
  }

  /** The k-th smallest value (0-based). */
  at(k: number): number {
    return this.a[k]!;
  }

  /** As medianInPlace: the middle value, or the mean of the two middle values. */
  median(): number {
    const n = this.n;
    if (n === 0) return NaN;
    const mid = n >> 1;
    const upper = this.a[mid]!;
    return n % 2 === 1 ? upper : (this.a[mid - 1]! + upper) / 2;
  }

  /** As quantileSelect: R's type 7. */
  quantile(q: number): number {
    const n = this.n;
    if (n === 0) return NaN;
    const h = (n - 1) * Math.min(1, Math.max(0, q));
    const lo = Math.floor(h);
    const vLo = this.a[lo]!;
    if (h === lo || lo + 1 >= n) return vLo;
    const vHi = this.a[lo + 1]!;
    return vLo + (h - lo) * (vHi - vLo);
  }

  /**
   * Median of |x − center| over the window (the raw MAD), as medianInPlace of those deviations:
   * the deviations below and above center are two sorted runs, merged up to the middle.
   */
  medianDeviation(center: number): number {
    const n = this.n;
    if (n === 0) return NaN;
    const a = this.a;
    const mid = n >> 1;
    let left = this.lowerBound(center) - 1; // walks down: center − a[left] grows
    let right = left + 1; // walks up: a[right] − center grows
    let previous = NaN;
    let current = NaN;
    for (let k = 0; k <= mid; k++) {
      const dl = left >= 0 ? Math.abs(a[left]! - center) : Infinity;
      const dr = right < n ? Math.abs(a[right]! - center) : Infinity;
      previous = current;
      if (dl <= dr) {
        current = dl;
        left--;
      } else {
        current = dr;
        right++;
      }
    }
    return n % 2 === 1 ? current : (previous + current) / 2;
  }

  /** First index whose value is not below x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.a[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
