// The buckets a budget asks its source for, and the budget from them: coarse buckets in the
// middle of a window, minutes at its ends, never across a window or slice edge — and the same
// budget as from every minute one by one, for every budgeting method.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CountBucket } from './budget.js';
import { budgetOf } from './budget.js';
import { bucketPlan, budgetNow, burnDown, countsNow, type SloCountsSource } from './counts.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './duration.js';
import type { Indicator, SloObjective, SloWindow } from './model.js';
import type { BudgetingMethod } from './openslo-schema.js';
import { windowAt } from './window.js';

const utc = (text: string) => Date.parse(text);
const INDICATOR: Indicator = {
  kind: 'threshold',
  metric: { service: 's', environment: 'production', metric: 'm', labels: {} },
  op: 'lt',
  value: 1,
};

/** Minutes with counts drawn from a fixed pattern; answers any grid by summing them. */
class MinuteSource implements SloCountsSource {
  readonly asked: [number, number, number][] = [];
  counts(_: Indicator, fromMs: number, toMs: number, bucketMs: number): Promise<CountBucket[]> {
    this.asked.push([fromMs, toMs, bucketMs]);
    const out: CountBucket[] = [];
    for (let start = fromMs; start < toMs; start += bucketMs) {
      let good = 0;
      let total = 0;
      for (let t = start; t < start + bucketMs; t += MINUTE_MS) {
        const m = t / MINUTE_MS;
        if (m % 7 === 3) continue; // a gap
        const n = 10 + (m % 5);
        total += n;
        good += m % 11 === 0 ? n - 4 : n;
      }
      if (total > 0) out.push({ start, good, total });
    }
    return Promise.resolve(out);
  }
}

describe('SLO counts plan', () => {
  it('a 28-day rolling window: minutes to the first hour, hours, minutes since the last hour', () => {
    const until = utc('2026-03-15T12:34:00Z');
    const spans = bucketPlan({ start: until - 28 * DAY_MS, end: until }, until);
    assert.deepEqual(
      spans.map((s) => [
        new Date(s.from).toISOString(),
        new Date(s.to).toISOString(),
        s.bucketMs / MINUTE_MS,
      ]),
      [
        ['2026-02-15T12:34:00.000Z', '2026-02-15T13:00:00.000Z', 1],
        ['2026-02-15T13:00:00.000Z', '2026-03-15T12:00:00.000Z', 60],
        ['2026-03-15T12:00:00.000Z', '2026-03-15T12:34:00.000Z', 1],
      ],
    );
  });

  it('daily slices of a month in Kolkata (+5:30): half hours, so no bucket crosses a slice edge', () => {
    const month: SloWindow = {
      kind: 'calendar',
      duration: { value: 1, unit: 'M' },
      timeZone: 'Asia/Kolkata',
      start: { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 },
    };
    const window = windowAt(month, utc('2026-03-10T00:00:00Z'));
    const spans = bucketPlan(window, utc('2026-03-10T00:00:00Z'), DAY_MS);
    assert.deepEqual(
      spans.map((s) => s.bucketMs / MINUTE_MS),
      [30],
    );
    assert.equal(spans[0]!.from, window.start);
  });

  it('refuses windows and slices off the minute', () => {
    assert.throws(() => bucketPlan({ start: 30_000, end: HOUR_MS }, HOUR_MS), RangeError);
    assert.throws(() => bucketPlan({ start: 0, end: HOUR_MS }, HOUR_MS, 90_000), RangeError);
  });
});

describe('budgetNow', () => {
  const at = utc('2026-03-15T12:34:56Z');
  const objectives: [BudgetingMethod, SloObjective][] = [
    ['Occurrences', { name: 'o', target: 0.99 }],
    ['Timeslices', { name: 't', target: 0.9, sliceMs: HOUR_MS, sliceTarget: 0.98, sliceOp: 'gte' }],
    ['RatioTimeslices', { name: 'r', target: 0.95, sliceMs: 15 * MINUTE_MS }],
  ];
  const windows: SloWindow[] = [
    { kind: 'rolling', duration: { value: 7, unit: 'd' }, ms: 7 * DAY_MS },
    {
      kind: 'calendar',
      duration: { value: 1, unit: 'M' },
      timeZone: 'Europe/Berlin',
      start: { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 },
    },
  ];

  for (const window of windows)
    for (const [method, objective] of objectives)
      it(`${method} over a ${window.kind} window: the budget of every minute one by one`, async () => {
        const source = new MinuteSource();
        const definition = { indicator: INDICATOR, window, budgeting: method };
        const state = await budgetNow(definition, objective, at, source);
        // Slices of a rolling window start on its start, a minute that moves: minutes throughout.
        const coarse = window.kind === 'calendar' || method === 'Occurrences';
        assert.equal(
          source.asked.some(([, , ms]) => ms > MINUTE_MS),
          coarse,
        );
        const until = utc('2026-03-15T12:34:00Z');
        const bounds = windowAt(window, window.kind === 'rolling' ? until : at);
        const minutes = await new MinuteSource().counts(INDICATOR, bounds.start, until, MINUTE_MS);
        const expected = budgetOf(method, objective, {
          window: bounds,
          at: until,
          bucketMs: MINUTE_MS,
          buckets: minutes,
        });
        assert.ok(expected.totalEvents > 0 && expected.consumed > 0);
        assert.equal(state.goodEvents, expected.goodEvents);
        assert.equal(state.totalEvents, expected.totalEvents);
        assert.ok(
          Math.abs(state.consumed - expected.consumed) < 1e-9,
          `${state.consumed} vs ${expected.consumed}`,
        );
        assert.deepEqual(state.slices, expected.slices);

        const points = burnDown(method, objective, await countsNow(definition, objective, at, source));
        // Occurrences: a point per bucket through the last minute; slices: one per slice judged.
        const step = method === 'Occurrences' ? MINUTE_MS : objective.sliceMs!;
        assert.ok(until - points.at(-1)!.at < step);
        assert.ok(Math.abs(points.at(-1)!.consumed - expected.consumed) < 1e-9);
        assert.ok(points.every((p, i) => i === 0 || p.at > points[i - 1]!.at));
      });
});
