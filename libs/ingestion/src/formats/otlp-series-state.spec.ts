import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OtlpSeriesState, type CumulativeOps } from './otlp-series-state.js';

const S = 1_000_000_000n;
const T = 1_793_620_800n * S;
const ops: CumulativeOps<number> = {
  subtract: (c, p) => (c >= p ? c - p : undefined),
  same: (a, b) => a === b,
};
const FIVE_MIN = 300n * S;

describe('OtlpSeriesState', () => {
  it('gives the increase since the previous point', () => {
    const state = new OtlpSeriesState();
    assert.deepEqual(
      state.advanceCumulative('a', 's', { startNs: T - 3600n * S, timeNs: T, value: 10 }, ops, FIVE_MIN),
      {
        kind: 'first',
      },
    );
    assert.deepEqual(
      state.advanceCumulative(
        'a',
        's',
        { startNs: T - 3600n * S, timeNs: T + 60n * S, value: 70 },
        ops,
        FIVE_MIN,
      ),
      { kind: 'increase', fromNs: T, toNs: T + 60n * S, increase: 60, reason: 'continued' },
    );
  });

  it('treats a drop without a new start time as a restart right after the previous point', () => {
    const state = new OtlpSeriesState();
    state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T, value: 100 }, ops, FIVE_MIN);
    assert.deepEqual(
      state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T + 10n * S, value: 4 }, ops, FIVE_MIN),
      {
        kind: 'increase',
        fromNs: T,
        toNs: T + 10n * S,
        increase: 4,
        reason: 'reset',
      },
    );
  });

  it('refuses out-of-order points and replays the latest point delivered again', () => {
    const state = new OtlpSeriesState();
    state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T, value: 1 }, ops, FIVE_MIN);
    const second = state.advanceCumulative(
      'a',
      's',
      { startNs: 0n, timeNs: T + 60n * S, value: 7 },
      ops,
      FIVE_MIN,
    );
    assert.deepEqual(state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T, value: 1 }, ops, FIVE_MIN), {
      kind: 'stale',
    });
    assert.equal(
      state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T + 60n * S, value: 7 }, ops, FIVE_MIN),
      second,
    );
    assert.deepEqual(
      state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T + 60n * S, value: 8 }, ops, FIVE_MIN),
      {
        kind: 'stale',
      },
    );
  });

  it('evicts the least recently used entry beyond maxSeries, and counts it', () => {
    const state = new OtlpSeriesState({ maxSeries: 3 });
    // Entries: the stream 's', then series a and b (3 in all).
    state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T, value: 1 }, ops, FIVE_MIN);
    state.advanceCumulative('b', 's', { startNs: 0n, timeNs: T, value: 1 }, ops, FIVE_MIN);
    assert.equal(state.size, 3);
    // Seeing a again makes b the least recently used of the series; c evicts b.
    state.advanceCumulative('a', 's', { startNs: 0n, timeNs: T + S * 60n, value: 2 }, ops, FIVE_MIN);
    state.advanceCumulative('c', 's', { startNs: 0n, timeNs: T + S * 60n, value: 1 }, ops, FIVE_MIN);
    assert.equal(state.size, 3);
    assert.equal(state.evictions, 1);
    // b comes back with no history and, its stream having lost a series, is not taken for new.
    assert.deepEqual(
      state.advanceCumulative('b', 's', { startNs: 0n, timeNs: T + S * 120n, value: 50 }, ops, FIVE_MIN),
      {
        kind: 'first',
      },
    );
    assert.ok(state.size <= 3);
  });

  it('rejects a maxSeries that is not a positive integer', () => {
    assert.throws(() => new OtlpSeriesState({ maxSeries: 0 }), /maxSeries/);
    assert.throws(() => new OtlpSeriesState({ maxSeries: 1.5 }), /maxSeries/);
  });

  it('remembers delta series times for points with no start time', () => {
    const state = new OtlpSeriesState();
    assert.equal(state.deltaStart('d', T), undefined);
    assert.equal(state.deltaStart('d', T + 10n * S), T);
    assert.equal(state.deltaStart('d', T + 5n * S), undefined); // out of order: no interval
    assert.equal(state.deltaStart('d', T + 20n * S), T + 10n * S);
  });
});
