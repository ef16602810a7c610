// ClickHouse unavailable for a while under a running recorder: every write fails as a server that
// is down fails (transient errors — the one place a stand-in is used, since a store cannot be
// taken down and brought back in-process). Nothing is committed meanwhile, nothing is
// dead-lettered; once it is back the recorder catches up by itself, every row exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreError, type ClickHouseStore, type InsertOptions, type QueryParams } from '#storage';
import { aChange, aTelemetryBatch, eventually } from '#testing';
import { countRows, recorderHarness, type RecorderHarness } from './recorder-test-support.js';

/** The real store, or — while `down` — the errors of a server that does not answer. */
class SwitchableStore implements ClickHouseStore {
  down = false;
  refused = 0;
  constructor(private readonly inner: ClickHouseStore) {}
  get driver() {
    return this.inner.driver;
  }
  private check(): void {
    if (!this.down) return;
    this.refused++;
    throw new StoreError('connect ECONNREFUSED 127.0.0.1:8123 (ClickHouse down for the test)', true, {
      code: 'ECONNREFUSED',
    });
  }
  async query<T>(sql: string, params?: QueryParams): Promise<T[]> {
    this.check();
    return this.inner.query<T>(sql, params);
  }
  async command(sql: string, params?: QueryParams): Promise<void> {
    this.check();
    return this.inner.command(sql, params);
  }
  async insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
    this.check();
    return this.inner.insert(table, rows, options);
  }
  ping(): Promise<boolean> {
    return Promise.resolve(!this.down);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const BATCHES = 40;
const POINTS = 25;
const CHANGES = 30;

describe('recorder while ClickHouse is unavailable', () => {
  let h: RecorderHarness;
  let store: SwitchableStore;

  before(async () => {
    h = await recorderHarness(['telemetry', 'change'], (inner) => (store = new SwitchableStore(inner)));
  });
  after(() => h.close());

  it('loses nothing, dead-letters nothing, and catches up by itself', async () => {
    store.down = true;
    await h.start();
    const now = Date.now();
    await h.publish(
      'telemetry',
      Array.from({ length: BATCHES }, (_, b) =>
        aTelemetryBatch({
          id: `tb-${b}`,
          service: `svc-${b % 5}`,
          points: Array.from({ length: POINTS }, (_, p) => ({
            metric: 'requests',
            value: p,
            timestamp: now - 600_000 + b * 1000 + p,
            unit: null,
            labels: {},
          })),
        }),
      ),
    );
    await h.publish(
      'change',
      Array.from({ length: CHANGES }, (_, i) => aChange({ id: `chg-${i}`, service: `svc-${i % 5}` })),
    );

    // Down: the recorder keeps trying (the batch runner retries with backoff), writes nothing.
    await eventually(async () => assert.ok(store.refused >= 20, `refused ${store.refused} calls so far`));
    const direct = h.ch.store;
    assert.equal(await countRows(direct, 'SELECT count() AS n FROM telemetry_points'), 0);

    store.down = false;
    await eventually(async () => {
      assert.equal(await countRows(direct, 'SELECT count() AS n FROM telemetry_points'), BATCHES * POINTS);
      assert.equal(await countRows(direct, 'SELECT count() AS n FROM changes'), CHANGES);
    });
    assert.equal(
      await countRows(direct, 'SELECT sum(value_count) AS n FROM telemetry_rollup_1m'),
      BATCHES * POINTS,
    );
    assert.deepEqual(
      h.results.flatMap((r) => r.rejected ?? []),
      [],
      'an unavailable ClickHouse is not a reason to dead-letter anything',
    );
  });

  it('pauses a partition whose batch went in only after retries', async () => {
    let failures = 2;
    const original = store.insert.bind(store);
    store.insert = async (table, rows, options) => {
      if (table === 'changes' && failures-- > 0) {
        throw new StoreError('Too many parts (test)', true, { code: 'TOO_MANY_PARTS' });
      }
      return original(table, rows, options);
    };
    const before = h.results.length;
    await h.publish('change', [aChange({ id: 'chg-late', service: 'svc-late' })]);
    await eventually(async () =>
      assert.equal(await countRows(h.ch.store, "SELECT count() AS n FROM changes WHERE id = 'chg-late'"), 1),
    );
    const after = h.results.slice(before).filter((r) => (r.pauseMs ?? 0) > 0);
    assert.ok(after.length >= 1, 'the batch that needed retries asked for a pause');
  });
});
