import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './backoff.js';

describe('retry backoff', () => {
  it('doubles per attempt up to the cap, jittered within the upper half of each step', () => {
    const policy = { initialMs: 100, maxMs: 1_000 };
    // [attempt, random draw, delay]
    const cases: [number, number, number][] = [
      [1, 0, 50],
      [1, 1, 100],
      [3, 1, 400],
      [10, 1, 1_000],
      [10, 0, 500],
      [5_000, 1, 1_000], // far past the cap: no overflow to Infinity
    ];
    for (const [attempt, draw, delay] of cases)
      assert.equal(
        backoffDelay(policy, attempt, () => draw),
        delay,
        `attempt ${attempt}, draw ${draw}`,
      );
  });
});
