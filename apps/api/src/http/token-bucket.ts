// Token buckets per key: each key may spend up to `burst` requests at once, refilled at
// `ratePerSecond`. Pure (the caller passes the time), so it is tested without waiting.

export interface BucketSettings {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly settings: BucketSettings) {}

  /** Takes one token of `key` at `now`; when none is left, says how long until one is. */
  take(key: string, now: number): TakeResult {
    const { ratePerSecond, burst } = this.settings;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) * ratePerSecond) / 1000);
    if (refilled >= 1) {
      this.buckets.set(key, { tokens: refilled - 1, at: now });
      return { ok: true };
    }
    this.buckets.set(key, { tokens: refilled, at: now });
    return { ok: false, retryAfterMs: Math.ceil(((1 - refilled) * 1000) / ratePerSecond) };
  }

  size(): number {
    return this.buckets.size;
  }
}
