// Applies the versioned migrations in order, once. Run it as exactly one step before the apps
// start (`aftershock migrate`: a Kubernetes Job or one init container), never from every
// replica. The lease stops a second migrator that starts anyway, and every statement is
// idempotent, so a migrator killed half-way simply runs again.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '#observability';
import type { ClickHouseStore } from '../port.js';
import {
  appliedMigrations,
  ensureLedger,
  recordMigration,
  type AppliedMigration,
} from './migration-ledger.js';
import { MigrationLease } from './migration-lease.js';
import { defaultMigrationsDir, loadMigrations, MigrationError, type Migration } from './migration-files.js';

export interface MigrationProgress {
  readonly version: number;
  /** Statements in the file. */
  readonly statements: number;
}

export interface RunMigrationsOptions {
  readonly logger?: Logger;
  /** Defaults to `libs/storage/migrations` of this repository. */
  readonly migrationsDir?: string;
  /** Called as each pending file starts (`applying 0002_x.sql`); applied ones are in the result. */
  readonly onProgress?: (file: string, progress: MigrationProgress) => void;
  /** How long to wait for another migrator holding the lease (default 2 min). */
  readonly lockWaitMs?: number;
  /** Lease lifetime without renewal; renewed after each file (default 10 min). */
  readonly lockTtlMs?: number;
}

export interface MigrationResult {
  /** Files applied by this run, in order. */
  readonly applied: string[];
  /** Files already applied before. */
  readonly skipped: string[];
}

export async function runMigrations(
  store: ClickHouseStore,
  options: RunMigrationsOptions = {},
): Promise<MigrationResult> {
  const migrations = await loadMigrations(options.migrationsDir ?? defaultMigrationsDir());
  await ensureLedger(store);
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lease = await MigrationLease.acquire(store, owner, {
    ttlMs: options.lockTtlMs ?? 600_000,
    waitMs: options.lockWaitMs ?? 120_000,
    pollMs: 500,
  });
  try {
    // Read the ledger only while holding the lease: a migrator that waited sees what the
    // previous one applied.
    const applied = await appliedMigrations(store);
    assertNoDrift(migrations, applied, options.logger);
    const result: MigrationResult = { applied: [], skipped: [] };
    for (const migration of migrations) {
      if (applied.has(migration.version)) {
        result.skipped.push(migration.file);
        continue;
      }
      options.onProgress?.(migration.file, {
        version: migration.version,
        statements: migration.statements.length,
      });
      const durationMs = await apply(store, migration);
      await recordMigration(store, { ...ledgerEntry(migration), appliedBy: owner, durationMs });
      result.applied.push(migration.file);
      options.logger?.info('migration applied', { file: migration.file, durationMs: Math.round(durationMs) });
      await lease.renew();
    }
    return result;
  } finally {
    await lease
      .release()
      .catch((error: unknown) => options.logger?.warn('migration lease release failed', { error }));
  }
}

async function apply(store: ClickHouseStore, migration: Migration): Promise<number> {
  const started = performance.now();
  for (const [index, statement] of migration.statements.entries()) {
    try {
      await store.command(statement.sql);
    } catch (error) {
      const at = `statement ${index + 1} (line ${statement.line})`;
      throw new MigrationError(migration.file, `${at} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return performance.now() - started;
}

/** An applied migration whose file changed is an error: history must not be rewritten. */
function assertNoDrift(
  migrations: readonly Migration[],
  applied: Map<number, AppliedMigration>,
  logger?: Logger,
): void {
  for (const migration of migrations) {
    const recorded = applied.get(migration.version);
    if (!recorded) continue;
    if (recorded.name !== migration.file) {
      throw new MigrationError(
        migration.file,
        `version ${migration.version} was applied as ${recorded.name}`,
      );
    }
    if (recorded.checksum !== migration.checksum) {
      throw new MigrationError(
        migration.file,
        `changed after it was applied (checksum ${recorded.checksum.slice(0, 12)}… recorded, ` +
          `${migration.checksum.slice(0, 12)}… now); add a new migration instead of editing this one`,
      );
    }
  }
  const known = new Set(migrations.map((m) => m.version));
  for (const recorded of applied.values()) {
    if (!known.has(recorded.version)) {
      logger?.warn('applied migration has no file here (is this an older build?)', { file: recorded.name });
    }
  }
}

function ledgerEntry(migration: Migration): AppliedMigration {
  return { version: migration.version, name: migration.file, checksum: migration.checksum };
}
