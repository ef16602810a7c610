// SLO counts on the real engine, against figures computed by hand from a few points: per-interval
// ratios (from the minute and hour rollups, and from raw points, alike), counters across a reset,
// a bad-events numerator, a threshold, label matching, and a calendar month's edge in Berlin —
// then the budget and burn-down the core computes from them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  budgetNow,
  burnDown,
  countsNow,
  CountsUnavailableError,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  windowAt,
  type Indicator,
  type MetricQuery,
  type SloWindow,
} from '#core';
import type { ClickHouseStore } from '#storage';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { TABLES, type TelemetryPointRow } from '../records/index.js';
import { SloCountsRepository } from './slo.repository.js';

const S = 1000;
/** An hour two days ago: every point below sits within raw retention. */
const B = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * DAY_MS;

function point(
  metric: string,
  labels: Record<string, string>,
  ts: number,
  value: number,
  environment = 'production',
): TelemetryPointRow {
  return { service: 'shop', metric, environment, labels, ts, value, unit: null, resource: {} };
}

const query = (metric: string, labels: Record<string, string>): MetricQuery => ({
  service: 'shop',
  environment: 'production',
  metric,
  labels,
});

const ratio = (
  metric: string,
  events: Record<string, string>,
  numerator: 'good' | 'bad',
  counter: boolean,
): Indicator => ({
  kind: 'ratio',
  numerator,
  events: query(metric, { route: '/pay', ...events }),
  total: query(metric, { route: '/pay' }),
  counter,
});

/** Buckets as [minutes after `base`, good, total] for short assertions. */
const rel = (buckets: readonly { start: number; good: number; total: number }[], base = B) =>
  buckets.map((b) => [(b.start - base) / MINUTE_MS, b.good, b.total]);

describe('SLO counts', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;
  let repo: SloCountsRepository;
  let rawOnly: SloCountsRepository;
  // A calendar month in Berlin whose edge lies about ten days back (within raw retention).
  const tenDaysAgo = new Date(Date.now() - 10 * DAY_MS);
  const month: SloWindow = {
    kind: 'calendar',
    duration: { value: 1, unit: 'M' },
    timeZone: 'Europe/Berlin',
    start: {
      year: 2020,
      month: 1,
      day: Math.min(28, tenDaysAgo.getUTCDate()),
      hour: 0,
      minute: 0,
      second: 0,
    },
  };
  const edge = windowAt(month, tenDaysAgo.getTime()).start;

  before(async () => {
    ch = await migratedTestClickHouse();
    store = ch.store;
    repo = new SloCountsRepository(store);
    rawOnly = new SloCountsRepository(store, { rollups: false });
    const pay = (code: string) => ({ route: '/pay', code });
    await store.insert(TABLES.telemetryPoints, [
      // Per-interval counts: /pay ok and err series, and series that must not count.
      point('req', pay('ok'), B, 10),
      point('req', pay('ok'), B + 10 * S, 10),
      point('req', pay('ok'), B + 20 * S, 10),
      point('req', pay('err'), B + 30 * S, 1),
      point('req', pay('ok'), B + 60 * S, 20),
      point('req', pay('err'), B + 70 * S, 4),
      point('req', pay('ok'), B + 180 * S, 5),
      point('req', { route: '/cart', code: 'ok' }, B + 10 * S, 1000), // another route
      point('req', pay('err'), B + 40 * S, 500, 'staging'), // another environment
      point('other', pay('ok'), B, 7), // another metric
      // Counters: ok rises, resets at +90 s; err rises slowly; a point before the range for each.
      point('req_total', pay('ok'), B - 10 * S, 95),
      point('req_total', pay('ok'), B, 100),
      point('req_total', pay('ok'), B + 30 * S, 110),
      point('req_total', pay('ok'), B + 60 * S, 130),
      point('req_total', pay('ok'), B + 90 * S, 5),
      point('req_total', pay('ok'), B + 120 * S, 15),
      point('req_total', pay('err'), B - 10 * S, 7),
      point('req_total', pay('err'), B + 20 * S, 8),
      point('req_total', pay('err'), B + 80 * S, 8),
      point('req_total', pay('err'), B + 100 * S, 10),
      point('req_total', { route: '/cart', code: 'ok' }, B + 30 * S, 1_000_000),
      // Latency samples: judged against 250 ms.
      point('latency', { route: '/pay' }, B, 100),
      point('latency', { route: '/pay' }, B + 10 * S, 250),
      point('latency', { route: '/pay' }, B + 20 * S, 300),
      point('latency', { route: '/pay' }, B + 30 * S, 90),
      point('latency', { route: '/pay' }, B + 60 * S, 500),
      point('latency', { route: '/pay' }, B + 70 * S, 200),
      point('latency', { route: '/cart' }, B + 10 * S, 1),
      // Around the month's edge.
      point('edge_req', pay('ok'), edge - 70 * S, 7),
      point('edge_req', pay('err'), edge - 70 * S, 3),
      point('edge_req', pay('ok'), edge - 10 * S, 4),
      point('edge_req', pay('ok'), edge, 5),
      point('edge_req', pay('err'), edge + 10 * S, 1),
      point('edge_req', pay('ok'), edge + 50 * S, 2),
    ]);
  });
  after(() => ch.cleanup());

  it('sums per-interval counts of every matching series, by minute, from rollups and raw points alike', async () => {
    const good = ratio('req', { code: 'ok' }, 'good', false);
    const expected = [
      [0, 30, 31],
      [1, 20, 24],
      [3, 5, 5],
    ];
    assert.deepEqual(rel(await repo.counts(good, B, B + 10 * MINUTE_MS, MINUTE_MS)), expected);
    assert.deepEqual(rel(await rawOnly.counts(good, B, B + 10 * MINUTE_MS, MINUTE_MS)), expected);
    // Five minutes (minute rollups), and a whole hour (the hourly rollup).
    assert.deepEqual(rel(await repo.counts(good, B, B + 10 * MINUTE_MS, 5 * MINUTE_MS)), [[0, 55, 60]]);
    assert.deepEqual(rel(await repo.counts(good, B - HOUR_MS, B + HOUR_MS, HOUR_MS)), [[0, 55, 60]]);
    assert.deepEqual(rel(await rawOnly.counts(good, B - HOUR_MS, B + HOUR_MS, HOUR_MS)), [[0, 55, 60]]);
    // Events matched more widely than the total (any route's ok) are clamped to the total.
    const wide: Indicator = {
      kind: 'ratio',
      numerator: 'good',
      events: query('req', { code: 'ok' }),
      total: query('req', { route: '/pay' }),
      counter: false,
    };
    assert.deepEqual(rel(await repo.counts(wide, B, B + 2 * MINUTE_MS, MINUTE_MS)), [
      [0, 31, 31],
      [1, 20, 24],
    ]);
    // Half-open: the minute at B + 3 min is outside [B, B + 3 min).
    assert.deepEqual(rel(await repo.counts(good, B, B + 3 * MINUTE_MS, MINUTE_MS)), expected.slice(0, 2));
  });

  it('a bad-events numerator counts good as total − bad', async () => {
    const bad = ratio('req', { code: 'err' }, 'bad', false);
    assert.deepEqual(rel(await repo.counts(bad, B, B + 10 * MINUTE_MS, MINUTE_MS)), [
      [0, 30, 31],
      [1, 20, 24],
      [3, 5, 5],
    ]);
  });

  it('counts the increase of counters, a drop read as a reset, the point before the range included', async () => {
    const good = ratio('req_total', { code: 'ok' }, 'good', true);
    // ok: 95→100→110 (15), 130 and a reset to 5 (25), 15 (10); err: 7→8 (1), 8→8→10 (2).
    assert.deepEqual(rel(await repo.counts(good, B, B + 5 * MINUTE_MS, MINUTE_MS)), [
      [0, 15, 16],
      [1, 25, 27],
      [2, 10, 10],
    ]);
    // Split at B + 1 min: the same increases on either side of the split.
    assert.deepEqual(rel(await repo.counts(good, B + MINUTE_MS, B + 5 * MINUTE_MS, MINUTE_MS)), [
      [1, 25, 27],
      [2, 10, 10],
    ]);
    // Without the point before the range (no lookback), the first increase is unknown.
    const blind = new SloCountsRepository(store, { counterLookbackMs: 0 });
    assert.deepEqual(rel(await blind.counts(good, B, B + 5 * MINUTE_MS, MINUTE_MS)).slice(0, 1), [
      [0, 10, 10],
    ]);
  });

  it('a threshold counts each sample, good when it holds', async () => {
    const fast: Indicator = {
      kind: 'threshold',
      metric: query('latency', { route: '/pay' }),
      op: 'lte',
      value: 250,
    };
    assert.deepEqual(rel(await repo.counts(fast, B, B + 5 * MINUTE_MS, MINUTE_MS)), [
      [0, 3, 4],
      [1, 1, 2],
    ]);
    const slow: Indicator = { ...fast, op: 'gt' };
    assert.deepEqual(rel(await repo.counts(slow, B, B + 5 * MINUTE_MS, MINUTE_MS)), [
      [0, 1, 4],
      [1, 1, 2],
    ]);
    // Beyond raw retention it refuses rather than count what is left.
    const later = new SloCountsRepository(store, { now: () => B + 40 * DAY_MS });
    await assert.rejects(later.counts(fast, B, B + 5 * MINUTE_MS, MINUTE_MS), CountsUnavailableError);
  });

  it('refuses buckets off the minute grid', async () => {
    const good = ratio('req', { code: 'ok' }, 'good', false);
    await assert.rejects(repo.counts(good, B, B + 90 * S, 30 * S), RangeError);
    await assert.rejects(repo.counts(good, B + 30 * S, B + 5 * MINUTE_MS, MINUTE_MS), RangeError);
  });

  it('budget and burn-down of a rolling hour, by hand', async () => {
    const definition = {
      indicator: ratio('req', { code: 'ok' }, 'good', false),
      window: { kind: 'rolling', duration: { value: 1, unit: 'h' }, ms: HOUR_MS } as const,
      budgeting: 'Occurrences' as const,
    };
    const objective = { name: 'o', target: 0.9 };
    // At B + 10 min 30 s: [B − 50 min, B + 10 min); 55 good of 60, 5 bad of an allowed 6.
    const state = await budgetNow(definition, objective, B + 10 * MINUTE_MS + 30 * S, repo);
    assert.equal(state.goodEvents, 55);
    assert.equal(state.totalEvents, 60);
    assert.ok(Math.abs(state.remaining - 1 / 6) < 1e-12, `remaining ${state.remaining}`);
    const counts = await countsNow(definition, objective, B + 10 * MINUTE_MS + 30 * S, repo);
    const points = burnDown('Occurrences', objective, counts);
    assert.equal(points.length, 60);
    const at = (minutes: number) => points.find((p) => p.at === B + minutes * MINUTE_MS)!;
    assert.equal(at(0).consumed, 0); // nothing yet
    assert.ok(Math.abs(at(1).consumed - 1 / 3.1) < 1e-12); // 1 bad of 31, 3.1 allowed
    assert.ok(Math.abs(at(2).consumed - 5 / 5.5) < 1e-12);
    assert.ok(Math.abs(at(3).consumed - 5 / 5.5) < 1e-12); // a gap holds the line
    assert.ok(Math.abs(at(4).consumed - 5 / 6) < 1e-12);
  });

  it('a calendar month in Berlin counts from its edge: points a second before it belong to the last month', async () => {
    const good = ratio('edge_req', { code: 'ok' }, 'good', false);
    assert.deepEqual(rel(await repo.counts(good, edge - HOUR_MS, edge + HOUR_MS, MINUTE_MS), edge), [
      [-2, 7, 10],
      [-1, 4, 4],
      [0, 7, 8],
    ]);
    const definition = { indicator: good, window: month, budgeting: 'Occurrences' as const };
    const objective = { name: 'o', target: 0.8 };
    // Two minutes into the month: 7 good of 8, 1 bad of an allowed 1.6.
    const state = await budgetNow(definition, objective, edge + 2 * MINUTE_MS, repo);
    assert.equal(state.window.start, edge);
    assert.deepEqual([state.goodEvents, state.totalEvents], [7, 8]);
    assert.ok(Math.abs(state.consumed - 0.625) < 1e-12, `consumed ${state.consumed}`);
    // The month before, at its last instant: its last minute has not ended, so 7 good of 10.
    const last = await budgetNow(definition, objective, edge - 1, repo);
    assert.equal(last.window.end, edge);
    assert.deepEqual([last.goodEvents, last.totalEvents], [7, 10]);
  });
});
