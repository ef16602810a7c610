// Telemetry storage on the real engine: the rollups agree with the raw points (min, max and count
// exactly, sums to rounding, quantiles within the t-digest's stated 1% of rank), a replayed insert
// counts once in the rollups too, and retention drops expired partitions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededUniform } from '#core';
import type { ClickHouseStore } from '#storage';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { TABLES, toTelemetryPointRows, type TelemetryPointRow } from '../records/index.js';
import { applyTelemetryRetention, ttlSeconds } from './retention.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The stated quantile error of the rollups: within this much of rank. */
const RANK_ERROR = 0.01;
const LEVELS = [0.5, 0.9, 0.95, 0.99] as const;

/** Latency-like values: log-normal, heavy tail, millisecond precision. */
function points(service: string, start: number, end: number, seed: number): TelemetryPointRow[] {
  const next = seededUniform(seed);
  const out: TelemetryPointRow[] = [];
  for (let t = start; t < end; t += 1000 + Math.floor(next() * 9000)) {
    for (const route of ['/a', '/b']) {
      const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      const value = Math.round(Math.exp(3 + 0.8 * normal + (route === '/b' ? 1 : 0)) * 1000) / 1000;
      out.push(
        ...toTelemetryPointRows({
          id: 'x',
          service,
          environment: 'production',
          resource: {},
          points: [{ metric: 'latency', value, timestamp: t, unit: 'ms', labels: { route } }],
        }),
      );
    }
  }
  return out;
}

/** The exact quantiles bracketing level p ± RANK_ERROR in sorted values. */
function bracket(sorted: readonly number[], p: number): [number, number] {
  const n = sorted.length;
  const lo = Math.max(0, Math.floor((p - RANK_ERROR) * (n - 1)));
  const hi = Math.min(n - 1, Math.ceil((p + RANK_ERROR) * (n - 1)));
  return [sorted[lo]!, sorted[hi]!];
}

interface Bucket {
  key: string;
  n: string;
  lo: number;
  hi: number;
  total: number;
  qs: number[];
  raw: number[];
}

describe('telemetry storage', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;

  before(async () => {
    ch = await migratedTestClickHouse();
    store = ch.store;
  });
  after(() => ch.cleanup());

  it('rollups agree with the raw points, and a replayed insert counts once', async () => {
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const start = end - 3 * HOUR;
    const rows = points('rollups', start, end, 7);
    // Several inserts (several parts, several rollup rows per bucket until merged), one replayed.
    const third = Math.ceil(rows.length / 3);
    for (let i = 0; i < 3; i++) {
      await store.insert(TABLES.telemetryPoints, rows.slice(i * third, (i + 1) * third), {
        dedupToken: `rollup-test-${i}`,
      });
    }
    await store.insert(TABLES.telemetryPoints, rows.slice(0, third), { dedupToken: 'rollup-test-0' });

    for (const [table, unit] of [
      [TABLES.telemetryRollup1m, 'toStartOfMinute'],
      [TABLES.telemetryRollup1h, 'toStartOfHour'],
    ] as const) {
      const rollup = await store.query<Omit<Bucket, 'raw'>>(
        `SELECT concat(toString(series), '@', toString(bucket)) AS key, sum(value_count) AS n, min(value_min) AS lo,
                max(value_max) AS hi, sum(value_sum) AS total,
                quantilesTDigestMerge(0.5, 0.9, 0.95, 0.99)(value_quantiles) AS qs
         FROM ${table} WHERE service = 'rollups' GROUP BY series, bucket ORDER BY key`,
      );
      const raw = await store.query<{ key: string; raw: number[] }>(
        `SELECT concat(toString(series), '@', toString(${unit}(ts))) AS key, arraySort(groupArray(value)) AS raw
         FROM telemetry_points WHERE service = 'rollups' GROUP BY key ORDER BY key`,
      );
      assert.equal(rollup.length, raw.length, `${table}: one bucket per raw bucket`);
      assert.equal(
        rollup.reduce((n, b) => n + Number(b.n), 0),
        rows.length,
        `${table}: every point counted once`,
      );
      for (const [i, bucket] of rollup.entries()) {
        const values = raw[i]!.raw;
        assert.equal(bucket.key, raw[i]!.key);
        assert.equal(Number(bucket.n), values.length, `${table} ${bucket.key}: count`);
        assert.equal(bucket.lo, values[0], `${table} ${bucket.key}: min`);
        assert.equal(bucket.hi, values.at(-1), `${table} ${bucket.key}: max`);
        const sum = values.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(bucket.total - sum) <= 1e-9 * Math.abs(sum), `${table} ${bucket.key}: sum`);
        for (const [k, p] of LEVELS.entries()) {
          const [lo, hi] = bracket(values, p);
          const q = bucket.qs[k]!;
          assert.ok(q >= lo && q <= hi, `${table} ${bucket.key}: p${p * 100} = ${q} outside [${lo}, ${hi}]`);
        }
      }
    }

    // Over the whole range, merged from minute digests: thousands of points per series.
    const merged = await store.query<{ series: string; qs: number[] }>(
      `SELECT toString(series) AS series, quantilesTDigestMerge(0.5, 0.9, 0.95, 0.99)(value_quantiles) AS qs
       FROM telemetry_rollup_1m WHERE service = 'rollups' GROUP BY series ORDER BY series`,
    );
    const exact = await store.query<{ series: string; raw: number[] }>(
      `SELECT toString(series) AS series, arraySort(groupArray(value)) AS raw
       FROM telemetry_points WHERE service = 'rollups' GROUP BY series ORDER BY series`,
    );
    for (const [i, row] of merged.entries()) {
      const values = exact[i]!.raw;
      assert.ok(values.length > 1500);
      for (const [k, p] of LEVELS.entries()) {
        const [lo, hi] = bracket(values, p);
        assert.ok(
          row.qs[k]! >= lo && row.qs[k]! <= hi,
          `whole range p${p * 100} = ${row.qs[k]} outside [${lo}, ${hi}]`,
        );
      }
    }
  });

  it('retention follows configuration, idempotently, and drops expired partitions', async () => {
    // Retention runs on the engine's clock, so the ages are measured from it.
    const [engine] = await store.query<{ now: string }>(`SELECT toUnixTimestamp64Milli(now64(3)) AS now`);
    const now = Number(engine!.now);
    const old = points('retention', now - 10 * DAY, now - 10 * DAY + 10 * MINUTE, 1);
    const recent = points('retention', now - DAY, now - DAY + 10 * MINUTE, 2);
    await store.insert(TABLES.telemetryPoints, [...old, ...recent]);
    const count = async () =>
      Number(
        (
          await store.query<{ n: string }>(
            `SELECT count() AS n FROM telemetry_points WHERE service = 'retention'`,
          )
        )[0]!.n,
      );
    assert.equal(await count(), old.length + recent.length, 'both inside the default 30 days');

    const changes = await applyTelemetryRetention(store, { rawMs: 5 * DAY, rollup1mMs: 60 * DAY });
    assert.deepEqual(
      changes.map((c) => [c.table, c.fromSeconds, c.toSeconds]),
      [
        [TABLES.telemetryPoints, 30 * 86_400, 5 * 86_400],
        [TABLES.telemetryRollup1m, 90 * 86_400, 60 * 86_400],
      ],
    );
    assert.deepEqual(
      await applyTelemetryRetention(store, { rawMs: 5 * DAY, rollup1mMs: 60 * DAY }),
      [],
      'no-op when it matches',
    );

    await store.command('OPTIMIZE TABLE telemetry_points FINAL');
    assert.equal(await count(), recent.length, 'the partition older than 5 days is gone');
    // Its part is dropped whole (ttl_only_drop_parts): at most an empty part is left for the cleanup.
    const oldDay = new Date(now - 10 * DAY).toISOString().slice(0, 10);
    const [left] = await store.query<{ rows: string }>(
      `SELECT sum(rows) AS rows FROM system.parts
       WHERE database = currentDatabase() AND table = 'telemetry_points' AND active AND partition = {day:String}`,
      { day: oldDay },
    );
    assert.equal(Number(left?.rows ?? 0), 0, `partition ${oldDay} holds no rows`);
  });

  it('reads the TTL of an engine definition', () => {
    assert.equal(
      ttlSeconds('MergeTree ORDER BY x TTL toDateTime(ts) + toIntervalDay(30) SETTINGS a = 1'),
      30 * 86_400,
    );
    assert.equal(
      ttlSeconds("MergeTree TTL toDateTime(ts) + toIntervalSecond(_CAST(86400, 'UInt64'))"),
      86_400,
    );
    assert.equal(ttlSeconds('MergeTree ORDER BY x'), null);
  });
});
