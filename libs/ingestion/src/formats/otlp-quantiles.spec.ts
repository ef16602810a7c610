import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededUniform } from '#core';
import {
  explicitBucketQuantile,
  exponentialQuantile,
  sparseBuckets,
  subtractExponential,
  type ExpDistribution,
} from './otlp-quantiles.js';

/** Nearest-rank quantile of sorted values: the ceil(q·N)-th smallest (the first for q = 0). */
function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

function explicitHistogram(values: readonly number[], bounds: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    let i = bounds.findIndex((b) => v <= b);
    if (i < 0) i = bounds.length;
    counts[i]!++;
  }
  return counts;
}

/** Index of the exponential bucket holding v > 0 at `scale`: base^i < v <= base^(i+1). */
function expIndex(v: number, scale: number): number {
  return Math.ceil(Math.log2(v) * 2 ** scale) - 1;
}

function expDistribution(values: readonly number[], scale: number): ExpDistribution {
  const counts = new Map<number, number>();
  for (const v of values) {
    const i = expIndex(v, scale);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const offset = Math.min(...counts.keys());
  const dense = new Array<number>(Math.max(...counts.keys()) - offset + 1).fill(0);
  for (const [i, c] of counts) dense[i - offset] = c;
  return {
    scale,
    zeroCount: 0,
    zeroThreshold: 0,
    positive: sparseBuckets({ offset, counts: dense }, scale),
    negative: [],
  };
}

describe('explicitBucketQuantile', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    // 10 values in (0, 1], 30 in (1, 2], 10 in (2, 4]: the median (rank 25) is half-way into (1, 2].
    assert.equal(explicitBucketQuantile(0.5, [1, 2, 4], [10, 30, 10, 0]), 1.5);
    assert.equal(explicitBucketQuantile(0.9, [1, 2, 4], [10, 30, 10, 0]), 3);
  });

  it('takes the first bucket from zero (or min) and stops at the last bound without max', () => {
    assert.equal(explicitBucketQuantile(0.5, [10], [4, 0]), 5);
    assert.equal(explicitBucketQuantile(0.5, [10], [4, 0], 6), 8);
    assert.equal(explicitBucketQuantile(0.99, [1, 2], [0, 0, 5]), 2);
    assert.equal(explicitBucketQuantile(0.5, [1, 2], [0, 0, 5], undefined, 4), 3);
    assert.equal(explicitBucketQuantile(0.5, [-5], [2, 0]), -5);
  });

  it('clamps to min and max, and gives nothing without observations', () => {
    assert.equal(explicitBucketQuantile(0.99, [100, 500], [0, 1, 0], 1, 180), 180);
    assert.equal(explicitBucketQuantile(0.5, [1, 2], [0, 0, 0]), undefined);
    assert.equal(explicitBucketQuantile(0.5, [], []), undefined);
    assert.equal(explicitBucketQuantile(0.5, [], [7], 2, 4), 3);
    assert.equal(explicitBucketQuantile(0.5, [], [7]), undefined);
  });

  it('is within one bucket width of the true (nearest-rank) quantile', () => {
    const random = seededUniform(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 400);
      const values = Array.from({ length: n }, () => Math.exp(random() * 6 - 3));
      const sorted = [...values].sort((a, b) => a - b);
      const bounds = [
        ...new Set(Array.from({ length: 1 + Math.floor(random() * 15) }, () => +(random() * 10).toFixed(3))),
      ]
        .filter((b) => b > 0)
        .sort((a, b) => a - b);
      if (bounds.length === 0) continue;
      const counts = explicitHistogram(values, bounds);
      const min = sorted[0]!;
      const max = sorted[sorted.length - 1]!;
      for (const q of [0.5, 0.95, 0.99]) {
        const estimate = explicitBucketQuantile(q, bounds, counts, min, max)!;
        const truth = nearestRank(sorted, q);
        let i = bounds.findIndex((b) => truth <= b);
        if (i < 0) i = bounds.length;
        const lo = i === 0 ? min : bounds[i - 1]!;
        const hi = i === bounds.length ? max : bounds[i]!;
        assert.ok(
          Math.abs(estimate - truth) <= hi - lo + 1e-12,
          `q=${q}: estimate ${estimate}, truth ${truth}, bucket (${lo}, ${hi}]`,
        );
      }
    }
  });
});

describe('exponentialQuantile', () => {
  it('interpolates geometrically: base^(index + fraction)', () => {
    // scale 0: base 2; bucket 1 is (2, 4]. 4 values there: the median is at fraction 0.5 → 2^1.5.
    const d: ExpDistribution = { scale: 0, zeroCount: 0, zeroThreshold: 0, positive: [[1, 4]], negative: [] };
    assert.equal(exponentialQuantile(0.5, d), 2 ** 1.5);
    assert.equal(exponentialQuantile(0.5, d, 3.5), 3.5);
  });

  it('orders negative buckets, the zero bucket and positive buckets', () => {
    const d: ExpDistribution = {
      scale: 0,
      zeroCount: 2,
      zeroThreshold: 0.001,
      positive: [[0, 1]],
      negative: [[0, 1]],
    };
    // Ascending: [-2, -1) once, 0 twice, (1, 2] once.
    assert.equal(exponentialQuantile(0.1, d), -(2 ** 0.6));
    assert.equal(exponentialQuantile(0.5, d), 0);
    assert.equal(exponentialQuantile(1, d), 2);
    assert.equal(exponentialQuantile(0.5, { ...d, zeroCount: 0, positive: [], negative: [] }), undefined);
  });

  it('has a relative error below base − 1 against the true quantile', () => {
    const random = seededUniform(11);
    for (const scale of [0, 2, 3, 5, 8]) {
      const base = 2 ** (2 ** -scale);
      for (let trial = 0; trial < 40; trial++) {
        const values = Array.from({ length: 1 + Math.floor(random() * 500) }, () =>
          Math.exp(random() * 8 - 4),
        );
        const sorted = [...values].sort((a, b) => a - b);
        const distribution = expDistribution(values, scale);
        for (const q of [0.5, 0.95, 0.99]) {
          const estimate = exponentialQuantile(q, distribution)!;
          const truth = nearestRank(sorted, q);
          assert.ok(
            Math.abs(estimate - truth) / truth <= base - 1 + 1e-9,
            `scale ${scale} q=${q}: estimate ${estimate}, truth ${truth}`,
          );
        }
      }
    }
  });
});

describe('subtractExponential', () => {
  it('gives the interval distribution, across a scale change', () => {
    const random = seededUniform(3);
    const before = Array.from({ length: 300 }, () => Math.exp(random() * 4 - 2));
    const during = Array.from({ length: 120 }, () => Math.exp(random() * 6 - 3));
    const previous = expDistribution(before, 4);
    // The producer halved its resolution as the range grew: the cumulative histogram is at scale 3.
    const current = expDistribution([...before, ...during], 3);
    assert.deepEqual(subtractExponential(current, previous), expDistribution(during, 3));
  });

  it('sees a restart when a bucket goes down or the zero threshold changes', () => {
    const d: ExpDistribution = { scale: 2, zeroCount: 1, zeroThreshold: 0, positive: [[3, 5]], negative: [] };
    assert.equal(subtractExponential({ ...d, positive: [[3, 4]] }, d), undefined);
    assert.equal(subtractExponential({ ...d, positive: [[4, 9]] }, d), undefined);
    assert.equal(subtractExponential({ ...d, zeroCount: 0 }, d), undefined);
    assert.equal(subtractExponential({ ...d, zeroThreshold: 1e-9 }, d), undefined);
    assert.deepEqual(subtractExponential({ ...d, positive: [[3, 7]] }, d), {
      ...d,
      zeroCount: 0,
      positive: [[3, 2]],
    });
  });

  it('merges dense buckets when lowering the scale, also for negative indices', () => {
    assert.deepEqual(sparseBuckets({ offset: -3, counts: [1, 0, 2, 4, 1] }, 2, 1), [
      [-2, 1],
      [-1, 2],
      [0, 5],
    ]);
  });
});
