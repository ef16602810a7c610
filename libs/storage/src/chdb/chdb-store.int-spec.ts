// What only the embedded driver has: one engine per process, shared by every store on its
// directory, and a closed store that reports a transient (retryable) error.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { drainPending } from 'chdb';
import { StoreError } from '../port.js';
import { ChdbStore } from './chdb-store.js';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'aftershock-chdb-store-'));
});
after(async () => {
  await drainPending();
  await rm(dataDir, { recursive: true, force: true });
});

describe('ChdbStore', () => {
  it('shares one engine between stores on the same directory; the last close ends it', async () => {
    const a = await ChdbStore.open({ dataDir, database: 'shared' });
    const b = await ChdbStore.open({ dataDir, database: 'shared' });
    await a.command('CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = MergeTree ORDER BY x');
    await a.insert('t', [{ x: 1 }]);
    await a.close();
    assert.deepEqual(await b.query('SELECT x FROM t'), [{ x: 1 }]);
    await b.close();
  });

  it('moves the watermark of a table once a write to it is over, seen by every store on the engine', async () => {
    const a = await ChdbStore.open({ dataDir, database: 'marks' });
    const b = await ChdbStore.open({ dataDir, database: 'marks' });
    try {
      await a.command('CREATE TABLE IF NOT EXISTS w1 (x UInt8) ENGINE = MergeTree ORDER BY x');
      await a.command('CREATE TABLE IF NOT EXISTS w2 (x UInt8) ENGINE = MergeTree ORDER BY x');
      const before = { w1: await b.watermark(['w1']), w2: await b.watermark(['w2']) };
      assert.equal(await b.watermark(['w1']), before.w1, 'unchanged without a write');
      await a.insert('w1', [{ x: 1 }]);
      assert.notEqual(await b.watermark(['w1']), before.w1, 'a write through another store moves it');
      assert.equal(await b.watermark(['w2']), before.w2, 'another table keeps its own');
      const inserted = await b.watermark(['w1', 'w2']);
      await a.command('INSERT INTO w2 SELECT 2');
      assert.notEqual(await b.watermark(['w1', 'w2']), inserted, 'a statement may touch any table');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps each database its own when stores on one directory use different ones', async () => {
    const a = await ChdbStore.open({ dataDir, database: 'db_a' });
    const b = await ChdbStore.open({ dataDir, database: 'db_b' });
    const [ra] = await a.query<{ db: string }>('SELECT currentDatabase() AS db');
    const [rb] = await b.query<{ db: string }>('SELECT currentDatabase() AS db');
    assert.deepEqual([ra!.db, rb!.db], ['db_a', 'db_b']);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a second data directory in the same process, saying why', async () => {
    const a = await ChdbStore.open({ dataDir, database: 'one' });
    try {
      await assert.rejects(
        ChdbStore.open({ dataDir: join(dataDir, 'elsewhere'), database: 'one' }),
        (error: unknown) =>
          error instanceof StoreError && /one data directory per process/.test(error.message),
      );
    } finally {
      await a.close();
    }
  });

  it('resolves the last close only once a query still running on the engine has finished', async () => {
    // An orderly stop ends in process.exit right after the store closes: an engine torn down
    // under a query still on a pool thread crashes the process (SIGSEGV) instead of exiting 0.
    const store = await ChdbStore.open({ dataDir, database: 'draining' });
    let settled = false;
    const running = store
      .query('SELECT max(sleepEachRow(0.05)) AS s FROM numbers(8)')
      .finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20)); // on the pool thread by now
    await store.close();
    assert.equal(settled, true, 'close resolved while the query was still running');
    assert.deepEqual(await running, [{ s: 0 }]);
  });

  it('reports calls on a closed store as transient and answers ping with false', async () => {
    const store = await ChdbStore.open({ dataDir, database: 'closing' });
    await store.close();
    assert.equal(await store.ping(), false);
    await assert.rejects(
      store.query('SELECT 1'),
      (error: unknown) => error instanceof StoreError && error.transient,
    );
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await assert.rejects(ChdbStore.open({ dataDir, database: 'x; DROP' }), /invalid database name/);
  });
});
