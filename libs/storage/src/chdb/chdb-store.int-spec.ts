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
