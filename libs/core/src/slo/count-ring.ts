// Good/total counts per fixed-width time bucket over a bounded span, with running sums so the
// sum over any window inside the span costs two reads, however long the window (3 days of
// 10-second buckets is 25,920 of them). Counts may arrive late, into any bucket still held.
export class CountRing {
  private readonly good: Float64Array;
  private readonly total: Float64Array;
  /** Absolute index (time / bucketMs) of the newest bucket held; cumulative sums end there. */
  private head: number | undefined;
  private first = 0;

  constructor(
    readonly bucketMs: number,
    readonly capacity: number,
  ) {
    this.good = new Float64Array(capacity);
    this.total = new Float64Array(capacity);
  }

  indexOf(at: number): number {
    return Math.floor(at / this.bucketMs);
  }

  /** Adds counts to the bucket holding `at`; false when that bucket is older than the span held. */
  add(at: number, good: number, total: number): boolean {
    const index = this.indexOf(at);
    if (this.head === undefined) {
      this.head = index;
      this.first = index;
      this.good[this.slot(index)] = 0;
      this.total[this.slot(index)] = 0;
    }
    if (index > this.head) this.advance(index);
    if (index <= this.head - this.capacity) return false;
    if (index < this.first) this.rebase(index);
    for (let i = index; i <= this.head; i++) {
      this.good[this.slot(i)]! += good;
      this.total[this.slot(i)]! += total;
    }
    return true;
  }

  /** Sums over the `n` buckets ending with bucket `last` (inclusive). */
  sum(last: number, n: number): { good: number; total: number } {
    const to = this.cumulative(last);
    const from = this.cumulative(last - n);
    return { good: to.good - from.good, total: to.total - from.total };
  }

  private cumulative(index: number): { good: number; total: number } {
    if (this.head === undefined || index < this.first) return { good: 0, total: 0 };
    const i = Math.min(index, this.head);
    if (i <= this.head - this.capacity) throw new RangeError('window longer than the span held');
    return { good: this.good[this.slot(i)]!, total: this.total[this.slot(i)]! };
  }

  private advance(index: number): void {
    const g = this.good[this.slot(this.head!)]!;
    const t = this.total[this.slot(this.head!)]!;
    for (let i = Math.max(this.head! + 1, index - this.capacity + 1); i <= index; i++) {
      this.good[this.slot(i)] = g;
      this.total[this.slot(i)] = t;
    }
    this.head = index;
  }

  /** Late data before the first bucket: the buckets between hold running sums of zero. */
  private rebase(index: number): void {
    for (let i = Math.max(index, this.head! - this.capacity + 1); i < this.first; i++) {
      this.good[this.slot(i)] = 0;
      this.total[this.slot(i)] = 0;
    }
    this.first = index;
  }

  private slot(index: number): number {
    return ((index % this.capacity) + this.capacity) % this.capacity;
  }
}
