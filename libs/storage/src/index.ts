export * from './port.js';
export { createClickHouseStore } from './create-store.js';
export { ChdbStore, type ChdbStoreOptions } from './chdb/chdb-store.js';
export { HttpStore, type HttpStoreOptions } from './http/http-store.js';
export { BatchWriter, type BatchWriterOptions, type FlushInfo } from './batch-writer.js';
export type { RetryPolicy } from './retry-policy.js';
export {
  runMigrations,
  type MigrationProgress,
  type MigrationResult,
  type RunMigrationsOptions,
} from './migrations/migrator.js';
export { defaultMigrationsDir, MigrationError } from './migrations/migration-files.js';
export { MigrationLockedError } from './migrations/migration-lease.js';
export {
  checkClusterName,
  runClusterMigrations,
  type ClusterMigrationOptions,
} from './migrations/cluster-migrations.js';
export * from './queries/index.js';
export * from './records/index.js';
