import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from './token-bucket.js';

describe('TokenBuckets', () => {
  it('allows a burst, then one request per refill interval, per key', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3 });
    const t = 1_000_000;
    assert.deepEqual(
      [1, 2, 3].map(() => buckets.take('a', t).ok),
      [true, true, true],
    );
    assert.deepEqual(buckets.take('a', t), { ok: false, retryAfterMs: 500 });
    assert.equal(buckets.take('b', t).ok, true, 'another key has its own bucket');
    assert.deepEqual(buckets.take('a', t + 250), { ok: false, retryAfterMs: 250 });
    assert.equal(buckets.take('a', t + 500).ok, true);
    assert.equal(buckets.take('a', t + 500).ok, false);
  });

  it('refills up to the burst only', () => {
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 2 });
    buckets.take('a', 0);
    buckets.take('a', 0);
    const later = 60_000;
    assert.deepEqual(
      [1, 2, 3].map(() => buckets.take('a', later).ok),
      [true, true, false],
    );
  });
});
