// The record of applied migrations. A ReplacingMergeTree keyed by version: recording a version
// twice (a migrator killed between its last statement and its ledger row, then re-run) leaves
// one row, read with FINAL.
import type { ClickHouseStore } from '../port.js';

export const LEDGER_TABLE = 'schema_migrations';

const LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  version UInt32,
  name String,
  checksum String,
  applied_at DateTime64(3, 'UTC') DEFAULT now64(3),
  applied_by String,
  duration_ms UInt32
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`;

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

export async function ensureLedger(store: ClickHouseStore): Promise<void> {
  await store.command(LEDGER_DDL);
}

export async function appliedMigrations(store: ClickHouseStore): Promise<Map<number, AppliedMigration>> {
  const rows = await store.query<AppliedMigration>(
    `SELECT version, name, checksum FROM ${LEDGER_TABLE} FINAL ORDER BY version`,
  );
  return new Map(rows.map((row) => [Number(row.version), { ...row, version: Number(row.version) }]));
}

export async function recordMigration(
  store: ClickHouseStore,
  entry: AppliedMigration & { appliedBy: string; durationMs: number },
): Promise<void> {
  await store.insert(LEDGER_TABLE, [
    {
      version: entry.version,
      name: entry.name,
      checksum: entry.checksum,
      applied_by: entry.appliedBy,
      duration_ms: Math.round(entry.durationMs),
    },
  ]);
}
