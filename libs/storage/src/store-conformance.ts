// What every ClickHouseStore driver must do alike, as one suite: store.int-spec.ts runs it on
// the engine testClickHouse() provides, http/http-store.int-spec.ts on the HTTP driver's code
// path. Values survive bound parameters and inserts, dedup tokens work, and failures come back
// as StoreErrors that say whether a retry can help.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runMigrations } from './migrations/migrator.js';
import { StoreError, type ClickHouseStore } from './port.js';

export interface OpenedStore {
  readonly store: ClickHouseStore;
  cleanup(): Promise<void>;
}

const AWKWARD = `it's a "quote", a back\\slash, a tab\t, a newline\n, {braces} and unicode: déjà vu ✓`;

export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(name, () => {
    let opened: OpenedStore;
    let store: ClickHouseStore;
    before(async () => {
      opened = await open();
      store = opened.store;
    });
    after(() => opened.cleanup());

    it('answers ping', async () => {
      assert.equal(await store.ping(), true);
    });

    it('binds parameters of every common type and returns them intact', async () => {
      // calendar-independent: the instants only round-trip through a query, no table keeps them.
      const at = new Date('2026-11-26T10:11:12.345Z');
      const [row] = await store.query<Record<string, unknown>>(
        `SELECT {s:String} AS s, {at:DateTime64(3, 'UTC')} AS at, {m:Map(String, String)} AS m,
                {tags:Array(String)} AS tags, {nums:Array(Int32)} AS nums, {big:UInt64} AS big,
                {times:Array(DateTime64(3, 'UTC'))} AS times, {maybe:Nullable(String)} AS maybe`,
        {
          s: AWKWARD,
          at,
          m: { "k'ey": AWKWARD, plain: 'v' },
          tags: ["o'ne", 'two\\', ''],
          nums: [1, -2, 3],
          big: 18446744073709551615n,
          times: [at, new Date('2026-01-01T00:00:00Z')], // calendar-independent: as above
          maybe: null,
        },
      );
      assert.deepEqual(row, {
        s: AWKWARD,
        at: '2026-11-26 10:11:12.345', // calendar-independent: as above
        m: { "k'ey": AWKWARD, plain: 'v' },
        tags: ["o'ne", 'two\\', ''],
        nums: [1, -2, 3],
        big: '18446744073709551615',
        times: ['2026-11-26 10:11:12.345', '2026-01-01 00:00:00.000'], // calendar-independent: as above
        maybe: null,
      });
    });

    it('never lets a parameter change the statement', async () => {
      const rows = await store.query(`SELECT 1 AS one WHERE {v:String} = 'x'`, { v: "x' OR 1 = 1 --" });
      assert.deepEqual(rows, []);
    });

    it('inserts rows as objects (Dates, Maps, arrays, bigints) and reads them back', async () => {
      await store.command(
        `CREATE TABLE IF NOT EXISTS round_trip (
           id String, at DateTime64(3, 'UTC'), labels Map(String, String), values Array(Float64), big UInt64
         ) ENGINE = MergeTree ORDER BY id`,
      );
      const at = new Date(Date.now() - 5_000);
      await store.insert('round_trip', [
        { id: 'a', at, labels: { "o'k": AWKWARD }, values: [1.5, -2], big: 18446744073709551615n },
        { id: 'b', at: at.toISOString(), labels: {}, values: [], big: 0 },
      ]);
      const rows = await store.query<Record<string, unknown>>(
        `SELECT id, toUnixTimestamp64Milli(at) AS ms, labels, values, big FROM round_trip
         WHERE id IN {ids:Array(String)} ORDER BY id`,
        { ids: ['a', 'b'] },
      );
      assert.deepEqual(rows, [
        {
          id: 'a',
          ms: String(at.getTime()),
          labels: { "o'k": AWKWARD },
          values: [1.5, -2],
          big: '18446744073709551615',
        },
        { id: 'b', ms: String(at.getTime()), labels: {}, values: [], big: '0' },
      ]);
    });

    it('returns no rows for an empty result and accepts an empty insert', async () => {
      assert.deepEqual(await store.query('SELECT 1 WHERE 0'), []);
      await store.insert('round_trip', []);
    });

    it('writes an insert retried with the same dedup token once; another token is new data', async () => {
      await store.command(
        `CREATE TABLE IF NOT EXISTS dedup_check (id UInt32) ENGINE = MergeTree ORDER BY id
         SETTINGS non_replicated_deduplication_window = 100`,
      );
      const rows = [{ id: 1 }, { id: 2 }];
      await store.insert('dedup_check', rows, { dedupToken: 'batch-1' });
      await store.insert('dedup_check', rows, { dedupToken: 'batch-1' });
      await store.insert('dedup_check', rows, { dedupToken: 'batch-2' });
      const [row] = await store.query<{ n: string }>('SELECT count() AS n FROM dedup_check');
      assert.equal(row!.n, '4');
    });

    it('moves the watermark of a table once a write to it is over, and only of that table', async () => {
      const watermark = store.watermark!.bind(store);
      for (const t of ['mark_a', 'mark_b'])
        await store.command(`CREATE TABLE IF NOT EXISTS ${t} (id UInt32) ENGINE = MergeTree ORDER BY id`);
      const a = await watermark(['mark_a']);
      const b = await watermark(['mark_b']);
      assert.equal(await watermark(['mark_a']), a, 'unchanged without a write');
      await store.insert('mark_a', [{ id: 1 }]);
      assert.notEqual(await watermark(['mark_a']), a);
      const afterInsert = await watermark(['mark_a']);
      await store.insert('mark_a', [{ id: 2 }]);
      assert.notEqual(await watermark(['mark_a']), afterInsert, 'every write, not only the first');
      assert.equal(await watermark(['mark_b']), b, 'the other table keeps its own');
    });

    it('reports bad SQL, unknown tables and bad data as permanent errors', async () => {
      const permanent = (names: string[]) => (error: unknown) =>
        error instanceof StoreError && !error.transient && names.includes(error.code ?? '');
      await assert.rejects(store.query('SELEC 1'), permanent(['SYNTAX_ERROR', '62']));
      await assert.rejects(store.query('SELECT * FROM no_such_table'), permanent(['UNKNOWN_TABLE', '60']));
      await assert.rejects(
        store.insert('round_trip', [{ id: 'c', at: 'not a time' }]),
        (error: unknown) =>
          error instanceof StoreError && !error.transient && /round_trip/.test(error.message),
      );
      await assert.rejects(store.insert('round_trip', [{ id: 'd', nope: 1 }]), StoreError);
      await assert.rejects(store.insert('round_trip; DROP TABLE x', [{ id: 'e' }]), /invalid table name/);
    });

    it('applies the shipped migrations once', async () => {
      const first = await runMigrations(store);
      const second = await runMigrations(store);
      assert.deepEqual(second, { applied: [], skipped: [...first.skipped, ...first.applied] });
    });
  });
}
