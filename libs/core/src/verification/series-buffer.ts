// A time-ordered, bounded buffer of (timestamp, value) points for one series, in one typed
// array of (timestamp, value) pairs — a point's two numbers share a cache line, and a series
// touched once per scrape among thousands misses the cache per array: 16 bytes a point (up to twice that in slack) and no per-point objects, so 45 minutes
// of 10-second points cost about 4.3–8.6 KB per series. Out-of-order points (within the lateness bound) are inserted in
// place; a point with a timestamp already present replaces it, which makes redelivered
// batches (at-least-once input) idempotent.

export class SeriesBuffer {
  /** Point i is at [2i] (timestamp) and [2i + 1] (value). */
  private data: Float64Array;
  private start = 0;
  private end = 0;
  /** Points dropped because the buffer was full (oldest first). */
  overflowed = 0;

  constructor(
    private readonly maxPoints: number,
    initialCapacity = 32,
  ) {
    const cap = Math.max(2, Math.min(initialCapacity, maxPoints));
    this.data = new Float64Array(2 * cap);
  }

  get length(): number {
    return this.end - this.start;
  }

  get firstTimestamp(): number {
    return this.length > 0 ? this.data[2 * this.start]! : NaN;
  }

  get lastTimestamp(): number {
    return this.length > 0 ? this.data[2 * (this.end - 1)]! : NaN;
  }

  /** Approximate memory held, in bytes. */
  get bytes(): number {
    return this.data.byteLength + 64;
  }

  insert(t: number, v: number): void {
    const n = this.length;
    if (n > 0 && t <= this.data[2 * (this.end - 1)]!) {
      const i = this.lowerBound(t);
      if (i < this.end && this.data[2 * i] === t) {
        this.data[2 * i + 1] = v;
        return;
      }
      if (i === this.start && n >= this.maxPoints) {
        // Older than everything in a full buffer: it would be evicted at once.
        this.overflowed++;
        return;
      }
      this.makeRoom();
      const j = this.lowerBound(t);
      this.data.copyWithin(2 * (j + 1), 2 * j, 2 * this.end);
      this.data[2 * j] = t;
      this.data[2 * j + 1] = v;
      this.end++;
      return;
    }
    this.makeRoom();
    this.data[2 * this.end] = t;
    this.data[2 * this.end + 1] = v;
    this.end++;
  }

  /** Drop points older than t. */
  pruneBefore(t: number): void {
    while (this.start < this.end && this.data[2 * this.start]! < t) this.start++;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Points with from ≤ ts < to, copied. */
  range(from: number, to: number): { ts: number[]; values: number[] } {
    const i0 = this.lowerBound(from);
    const i1 = this.lowerBound(to);
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = i0; i < i1; i++) {
      ts.push(this.data[2 * i]!);
      values.push(this.data[2 * i + 1]!);
    }
    return { ts, values };
  }

  /** Value at exactly t, or the nearest within ±tolerance; NaN when none. */
  valueNear(t: number, tolerance: number): number {
    const i = this.lowerBound(t);
    let best = NaN;
    let bestDist = Infinity;
    for (const k of [i - 1, i]) {
      if (k < this.start || k >= this.end) continue;
      const d = Math.abs(this.data[2 * k]! - t);
      if (d <= tolerance && d < bestDist) {
        bestDist = d;
        best = this.data[2 * k + 1]!;
      }
    }
    return best;
  }

  /** Median spacing of the last points (the series' resolution); NaN with fewer than 2 points. */
  typicalInterval(sample = 32): number {
    const n = this.length;
    if (n < 2) return NaN;
    const from = Math.max(this.start + 1, this.end - sample);
    const gaps: number[] = [];
    for (let i = from; i < this.end; i++) gaps.push(this.data[2 * i]! - this.data[2 * (i - 1)]!);
    gaps.sort((a, b) => a - b);
    return gaps[gaps.length >> 1]!;
  }

  private lowerBound(t: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[2 * mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private makeRoom(): void {
    if (this.length >= this.maxPoints) {
      this.start++;
      this.overflowed++;
    }
    const capacity = this.data.length / 2;
    if (this.end < capacity) return;
    const n = this.length;
    // Compact when at least half the array is dead space (amortised O(1) per point), else grow
    // up to twice the point limit.
    if (this.start >= capacity / 2 || capacity >= 2 * this.maxPoints) {
      this.data.copyWithin(0, 2 * this.start, 2 * this.end);
    } else {
      const data = new Float64Array(2 * Math.min(2 * this.maxPoints, capacity * 2));
      data.set(this.data.subarray(2 * this.start, 2 * this.end));
      this.data = data;
    }
    this.start = 0;
    this.end = n;
  }
}
