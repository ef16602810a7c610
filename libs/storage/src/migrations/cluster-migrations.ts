// `aftershock migrate --cluster NAME`: the cluster form of every migration (generated from the
// same files by queries/cluster-ddl.ts, never kept by hand) applied by the one migrator step,
// after the database exists on every node. The ledger and lease live on the node the migrator
// talks to; every generated statement is idempotent, so a run through another node re-applies
// nothing harmful.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseStore } from '../port.js';
import { writeClusterMigrations } from '../queries/cluster-ddl.js';
import { defaultMigrationsDir } from './migration-files.js';
import { runMigrations, type MigrationResult, type RunMigrationsOptions } from './migrator.js';

const CLUSTER_NAME = /^[\w.{}-]+$/;

/**
 * The cluster name as it may be written into `ON CLUSTER '…'` (which takes no query parameter):
 * letters, digits, `_ . - { }` (a `{cluster}` macro) only.
 */
export function checkClusterName(name: string): string {
  if (!CLUSTER_NAME.test(name)) {
    throw new RangeError(`cluster name "${name}" may hold only letters, digits and _ . - { }`);
  }
  return name;
}

export interface ClusterMigrationOptions extends Omit<RunMigrationsOptions, 'migrationsDir'> {
  /** A cluster of the server's remote_servers, whose nodes define the {shard} and {replica} macros. */
  readonly cluster: string;
  /** The database the store uses, created on every node of the cluster first. */
  readonly database: string;
}

export async function runClusterMigrations(
  store: ClickHouseStore,
  options: ClusterMigrationOptions,
): Promise<MigrationResult> {
  const { cluster, database, ...rest } = options;
  if (store.driver !== 'http') {
    throw new RangeError(
      'a cluster needs a ClickHouse server (CLICKHOUSE_URL); embedded chDB has no cluster',
    );
  }
  const name = checkClusterName(cluster);
  await store.command(`CREATE DATABASE IF NOT EXISTS {db:Identifier} ON CLUSTER '${name}'`, { db: database });
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-cluster-migrations-'));
  try {
    await writeClusterMigrations(defaultMigrationsDir(), dir, { cluster: name });
    return await runMigrations(store, { ...rest, migrationsDir: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
