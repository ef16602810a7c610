// Migrations against the real engine: applied once, re-runs change nothing, edited history is
// refused, a failed file re-runs cleanly, and two migrators never apply the same file twice.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { testClickHouse, type TestClickHouse } from '#testing/infra';
import type { ClickHouseStore } from '../port.js';
import { MigrationError } from './migration-files.js';
import { LEASE_TABLE, MigrationLockedError } from './migration-lease.js';
import { runMigrations } from './migrator.js';

let ch: TestClickHouse;
let dir: string;

beforeEach(async () => {
  ch = await testClickHouse();
  dir = await mkdtemp(join(tmpdir(), 'aftershock-migrations-'));
});
afterEach(async () => {
  await ch.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Everything that defines this database's schema, in a stable order. */
async function schema(store: ClickHouseStore): Promise<unknown[]> {
  const tables = await store.query(
    `SELECT name, engine, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name`,
  );
  const columns = await store.query(
    `SELECT table, name, type, default_expression, compression_codec FROM system.columns
     WHERE database = currentDatabase() ORDER BY table, position`,
  );
  return [tables, columns];
}

const file = (name: string, sql: string) => writeFile(join(dir, name), sql);
const tableNames = async (store: ClickHouseStore) =>
  (
    await store.query<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    )
  ).map((r) => r.name);

describe('runMigrations (shipped migrations)', () => {
  it('applies every file once; a second run applies nothing and leaves the schema as it was', async () => {
    const progress: string[] = [];
    const first = await runMigrations(ch.store, { onProgress: (name) => progress.push(name) });
    assert.ok(first.applied.includes('0001_init.sql'));
    assert.deepEqual(first.skipped, []);
    assert.deepEqual(progress, first.applied);
    const before = await schema(ch.store);

    const second = await runMigrations(ch.store);
    assert.deepEqual(second.applied, []);
    assert.deepEqual(second.skipped, first.applied);
    assert.deepEqual(await schema(ch.store), before);
    const [ledger] = await ch.store.query<{ n: string }>('SELECT count() AS n FROM schema_migrations FINAL');
    assert.equal(Number(ledger!.n), first.applied.length);
  });

  it('creates dead_letters as designed', async () => {
    await runMigrations(ch.store);
    const [table] = await ch.store.query<{
      engine: string;
      partition_key: string;
      sorting_key: string;
      create_table_query: string;
    }>(
      `SELECT engine, partition_key, sorting_key, create_table_query FROM system.tables
       WHERE database = currentDatabase() AND name = 'dead_letters'`,
    );
    assert.equal(table!.engine, 'MergeTree');
    assert.equal(table!.partition_key, 'toDate(received_at)');
    assert.equal(table!.sorting_key, 'source, received_at');
    assert.match(table!.create_table_query, /TTL toDateTime\(received_at\) \+ toIntervalDay\(30\)/);
    assert.match(table!.create_table_query, /ttl_only_drop_parts = 1/);
    assert.match(table!.create_table_query, /non_replicated_deduplication_window = 1000/);
  });
});

describe('runMigrations (history)', () => {
  it('refuses an applied file that changed, naming it, and applies nothing after it', async () => {
    await file('0001_a.sql', 'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;');
    await runMigrations(ch.store, { migrationsDir: dir });
    await file('0001_a.sql', 'CREATE TABLE IF NOT EXISTS a (x UInt16) ENGINE = MergeTree ORDER BY x;');
    await file('0002_b.sql', 'CREATE TABLE IF NOT EXISTS b (x UInt8) ENGINE = MergeTree ORDER BY x;');
    await assert.rejects(
      runMigrations(ch.store, { migrationsDir: dir }),
      (error: unknown) =>
        error instanceof MigrationError &&
        error.file === '0001_a.sql' &&
        /changed after it was applied/.test(error.message),
    );
    assert.equal((await tableNames(ch.store)).includes('b'), false);
  });

  it('names file, statement and line of a failing statement; the fixed file then applies from the top', async () => {
    const good = 'CREATE TABLE IF NOT EXISTS c (x UInt8) ENGINE = MergeTree ORDER BY x;\n';
    await file('0001_c.sql', `${good}\nALTER TABLE c ADD COLUMN IF NOT EXISTS y NoSuchType;\n`);
    await assert.rejects(
      runMigrations(ch.store, { migrationsDir: dir }),
      (error: unknown) =>
        error instanceof MigrationError && /0001_c\.sql: statement 2 \(line 3\) failed/.test(error.message),
    );
    await file('0001_c.sql', `${good}\nALTER TABLE c ADD COLUMN IF NOT EXISTS y UInt8;\n`);
    const rerun = await runMigrations(ch.store, { migrationsDir: dir });
    assert.deepEqual(rerun.applied, ['0001_c.sql']);
  });
});

describe('runMigrations (two migrators)', () => {
  it('lets one migrator apply each file while the other waits, then finds nothing to do', async () => {
    for (let v = 1; v <= 3; v++) {
      await file(
        `000${v}_t${v}.sql`,
        `CREATE TABLE IF NOT EXISTS t${v} (x UInt8) ENGINE = MergeTree ORDER BY x;`,
      );
    }
    const results = await Promise.all([
      runMigrations(ch.store, { migrationsDir: dir }),
      runMigrations(ch.store, { migrationsDir: dir }),
    ]);
    const applied = results.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, ['0001_t1.sql', '0002_t2.sql', '0003_t3.sql']);
    assert.ok(results.some((r) => r.applied.length === 0 && r.skipped.length === 3));
    const [ledger] = await ch.store.query<{ rows: string }>('SELECT count() AS rows FROM schema_migrations');
    assert.equal(Number(ledger!.rows), 3, 'each version recorded once');
  });

  it('gives up with the holder named while a live lease is held elsewhere; an expired one is ignored', async () => {
    await file('0001_a.sql', 'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;');
    await runMigrations(ch.store, { migrationsDir: dir }); // creates the lease table
    const lease = (owner: string, expires: string) =>
      ch.store.command(
        `INSERT INTO ${LEASE_TABLE} SELECT {owner:String}, now64(6) - INTERVAL 1 HOUR, ${expires}, now64(6)`,
        { owner },
      );
    await lease('ghost-from-yesterday', 'now64(6) - INTERVAL 1 MINUTE');
    assert.deepEqual((await runMigrations(ch.store, { migrationsDir: dir })).skipped, ['0001_a.sql']);

    await lease('other-host:42', 'now64(6) + INTERVAL 1 HOUR');
    await assert.rejects(
      runMigrations(ch.store, { migrationsDir: dir, lockWaitMs: 300 }),
      (error: unknown) => error instanceof MigrationLockedError && error.holder.owner === 'other-host:42',
    );
  });
});
