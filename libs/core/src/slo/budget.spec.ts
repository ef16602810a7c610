// Budget arithmetic against hand-computed cases, one per budgeting method and window kind,
// with the edges: buckets on the window's first instant count, buckets on its end do not, a
// bucket still open is not counted yet, and a calendar month in Berlin has 743 hourly slices
// in March (clocks spring forward) and 745 in October.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetOf, thresholdCounts, type CountBucket } from './budget.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js';
import type { SloObjective, SloWindow } from './model.js';
import { windowAt } from './window.js';

const utc = (text: string) => Date.parse(text);
const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

const berlinMonth: SloWindow = {
  kind: 'calendar',
  duration: { value: 1, unit: 'M' },
  timeZone: 'Europe/Berlin',
  start: { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 },
};

describe('error budget: Occurrences', () => {
  const objective: SloObjective = { name: 'available', target: 0.99 };
  const at = utc('2026-05-01T01:00:00Z');
  const rolling = windowAt({ kind: 'rolling', duration: { value: 1, unit: 'h' }, ms: HOUR_MS }, at);
  const ten = 10 * MINUTE_MS;
  const bucket = (k: number, good: number, total = 100): CountBucket => ({
    start: rolling.start + k * ten,
    good,
    total,
  });

  it('SLI = good / total over the rolling hour; 7 bad of 600 spend 7/6 of a 1% budget', () => {
    const buckets = [
      bucket(-1, 0), // before the window: not counted
      bucket(0, 100),
      bucket(1, 100),
      bucket(2, 98),
      bucket(3, 100),
      bucket(4, 95),
      bucket(5, 100),
      bucket(6, 0), // starts at the window's end: not counted
    ];
    const b = budgetOf('Occurrences', objective, { window: rolling, at, bucketMs: ten, buckets });
    assert.equal(b.totalEvents, 600);
    assert.equal(b.goodEvents, 593);
    close(b.sli, 593 / 600, 'sli');
    close(b.consumed, 7 / 6, 'consumed');
    close(b.remaining, 1 - 7 / 6, 'remaining');
  });

  it('counts nothing still open, spends nothing without events, and refuses a bucket across an edge', () => {
    const early = budgetOf('Occurrences', objective, {
      window: rolling,
      at: rolling.start + 25 * MINUTE_MS,
      bucketMs: ten,
      buckets: [bucket(0, 90), bucket(1, 90), bucket(2, 0)],
    });
    assert.equal(early.totalEvents, 200, 'the bucket from 20 to 30 minutes is still open at 25');
    const empty = budgetOf('Occurrences', objective, { window: rolling, at, bucketMs: ten, buckets: [] });
    assert.deepEqual([empty.sli, empty.consumed, empty.remaining], [undefined, 0, 1]);
    assert.throws(
      () =>
        budgetOf('Occurrences', objective, {
          window: rolling,
          at,
          bucketMs: ten,
          buckets: [{ start: rolling.start - 5 * MINUTE_MS, good: 1, total: 1 }],
        }),
      /crosses the window start/,
    );
  });

  it('a calendar month in its zone: events from 00:00 Berlin on the 1st count, 23:50 the day before does not', () => {
    const at = utc('2026-10-10T00:00:00Z');
    const window = windowAt(berlinMonth, at);
    const buckets: CountBucket[] = [
      { start: utc('2026-09-30T21:50:00Z'), good: 0, total: 50 }, // 23:50 on 30 September in Berlin
      { start: utc('2026-09-30T22:00:00Z'), good: 990, total: 1000 }, // 00:00 on 1 October
      { start: utc('2026-10-05T12:00:00Z'), good: 1996, total: 2000 },
    ];
    const b = budgetOf('Occurrences', { name: 'o', target: 0.999 }, { window, at, bucketMs: ten, buckets });
    assert.equal(b.totalEvents, 3000);
    close(b.sli, 2986 / 3000, 'sli');
    close(b.consumed, 14 / 3, 'consumed: 14 bad against a budget of 3');
  });
});

describe('error budget: Timeslices', () => {
  const objective: SloObjective = {
    name: 'fast',
    target: 0.99,
    sliceMs: HOUR_MS,
    sliceTarget: 0.95,
    sliceOp: 'gte',
  };

  /** One hourly bucket per slice of March in Berlin, with exceptions by slice number. */
  function march(except: Record<number, [number, number] | null>): CountBucket[] {
    const window = windowAt(berlinMonth, utc('2026-03-15T00:00:00Z'));
    const out: CountBucket[] = [
      { start: window.start - HOUR_MS, good: 0, total: 100 }, // 23:00 on 28 February: not March
      { start: window.end, good: 0, total: 100 }, // 00:00 on 1 April: not March
    ];
    for (let k = 0; k < 743; k++) {
      const given = except[k];
      if (given === null) continue;
      const [good, total] = given ?? [100, 100];
      out.push({ start: window.start + k * HOUR_MS, good, total });
    }
    return out;
  }

  it('March in Berlin: 743 hourly slices, budget 7.43 slices; 3 bad slices spend 3/7.43 of it', () => {
    const noData = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [100 + i, null]));
    const buckets = march({ ...noData, 5: [90, 100], 6: [94, 100], 7: [95, 100], 742: [0, 1] });
    const window = windowAt(berlinMonth, utc('2026-03-15T00:00:00Z'));
    const b = budgetOf('Timeslices', objective, { window, at: window.end, bucketMs: HOUR_MS, buckets });
    // Slice 7 at exactly 95% is good (gte); 5, 6 and the last hour of the month are bad.
    assert.deepEqual(b.slices, { inWindow: 743, withData: 733, noData: 10, good: 730, bad: 3 });
    close(b.sli, 730 / 733, 'sli');
    close(b.consumed, 3 / 7.43, 'consumed');
    close(b.remaining, 1 - 3 / 7.43, 'remaining');
  });

  it('judges only slices that have ended; op gt makes a slice at exactly the target bad', () => {
    const window = windowAt(berlinMonth, utc('2026-03-15T00:00:00Z'));
    const buckets = march({ 2: [95, 100], 100: [0, 100] });
    const mid = budgetOf('Timeslices', objective, {
      window,
      at: window.start + 100 * HOUR_MS + 30 * MINUTE_MS,
      bucketMs: HOUR_MS,
      buckets,
    });
    assert.deepEqual(mid.slices, { inWindow: 743, withData: 100, noData: 0, good: 100, bad: 0 });
    const strict = budgetOf(
      'Timeslices',
      { ...objective, sliceOp: 'gt' },
      { window, at: window.end, bucketMs: HOUR_MS, buckets },
    );
    assert.equal(strict.slices!.bad, 2);
  });

  it('daily slices over a 743-hour month: 31 slices, the last 23 hours long', () => {
    const window = windowAt(berlinMonth, utc('2026-03-15T00:00:00Z'));
    const daily = { ...objective, sliceMs: DAY_MS };
    const buckets: CountBucket[] = [{ start: window.start + 30 * DAY_MS + 22 * HOUR_MS, good: 0, total: 10 }];
    const b = budgetOf('Timeslices', daily, { window, at: window.end, bucketMs: HOUR_MS, buckets });
    assert.deepEqual(b.slices, { inWindow: 31, withData: 1, noData: 30, good: 0, bad: 1 });
    close(b.consumed, 1 / 0.31, 'one bad day of a 0.31-day budget');
    assert.throws(
      () =>
        budgetOf('Timeslices', objective, {
          window,
          at: window.end,
          bucketMs: HOUR_MS,
          buckets: [{ start: window.start + 30 * MINUTE_MS, good: 1, total: 1 }],
        }),
      /crosses a 3600-second slice edge/,
    );
  });

  it('a threshold indicator: samples at or under 300 ms are good', () => {
    assert.deepEqual(thresholdCounts([120, 300, 301, 900], 'lte', 300), { good: 2, total: 4 });
  });
});

describe('error budget: RatioTimeslices', () => {
  it('SLI is the mean of the slices’ ratios, slices without data left out', () => {
    const at = utc('2026-05-01T00:04:00Z');
    const window = windowAt({ kind: 'rolling', duration: { value: 4, unit: 'm' }, ms: 4 * MINUTE_MS }, at);
    const buckets: CountBucket[] = [
      { start: window.start, good: 10, total: 10 },
      { start: window.start + MINUTE_MS, good: 1, total: 2 },
      { start: window.start + 3 * MINUTE_MS, good: 900, total: 1000 },
    ];
    const objective: SloObjective = { name: 'r', target: 0.9, sliceMs: MINUTE_MS };
    const b = budgetOf('RatioTimeslices', objective, { window, at, bucketMs: MINUTE_MS, buckets });
    close(b.sli, (1 + 0.5 + 0.9) / 3, 'sli');
    close(b.consumed, (1 - 0.8) / 0.1, 'consumed');
    assert.deepEqual(b.slices, { inWindow: 4, withData: 3, noData: 1 });
    // The same counts as Occurrences weigh the big slice: 911/1012 good.
    const o = budgetOf('Occurrences', objective, { window, at, bucketMs: MINUTE_MS, buckets });
    close(o.sli, 911 / 1012, 'occurrences sli');
  });
});
