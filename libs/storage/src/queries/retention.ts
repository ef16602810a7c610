// Telemetry retention from configuration. A migration cannot read configuration, so the tables
// are created with default TTLs (30 days raw, 90 days of minutes, 2 years of hours) and this
// brings them to the configured ones: idempotent (nothing happens while they match), cheap to
// run at every start, and safe when several recorders start at once (the same ALTER twice).
import type { Logger } from '#observability';
import type { ClickHouseStore } from '../port.js';
import { TABLES } from '../records/tables.js';
import { clusterMigration, type ClusterDdlOptions } from './cluster-ddl.js';
import { sqlFiles } from './sql-files.js';

export interface TelemetryRetention {
  /** Raw points, milliseconds (whole seconds count). */
  readonly rawMs?: number;
  readonly rollup1mMs?: number;
  readonly rollup1hMs?: number;
}

export interface RetentionChange {
  readonly table: string;
  readonly fromSeconds: number | null;
  readonly toSeconds: number;
}

const TABLE_OF = {
  rawMs: TABLES.telemetryPoints,
  rollup1mMs: TABLES.telemetryRollup1m,
  rollup1hMs: TABLES.telemetryRollup1h,
} as const;

const UNIT_SECONDS: Record<string, number> = {
  Second: 1,
  Minute: 60,
  Hour: 3600,
  Day: 86_400,
  Week: 604_800,
};

/** The TTL of a table in seconds, read from its engine definition; null when it has none we understand. */
export function ttlSeconds(engineFull: string): number | null {
  const match = /\bTTL\b[^,]*?\btoInterval(Second|Minute|Hour|Day|Week)\((?:_CAST\()?(\d+)/.exec(engineFull);
  if (!match) return null;
  return Number(match[2]) * UNIT_SECONDS[match[1]!]!;
}

/**
 * On a cluster (`cluster` set: the tables are the generated replicated `<table>_local` behind
 * Distributed ones) the TTL lives on the local tables and changes on every node at once.
 */
export async function applyTelemetryRetention(
  store: ClickHouseStore,
  retention: TelemetryRetention,
  logger?: Logger,
  cluster?: string,
): Promise<RetentionChange[]> {
  const sql = sqlFiles({
    current: 'retention/table-ttls',
    rawMs: 'retention/telemetry-points',
    rollup1mMs: 'retention/telemetry-rollup-1m',
    rollup1hMs: 'retention/telemetry-rollup-1h',
  });
  const wanted = (Object.keys(TABLE_OF) as (keyof typeof TABLE_OF)[]).filter(
    (key) => retention[key] !== undefined,
  );
  if (wanted.length === 0) return [];
  const local = cluster ? { cluster, suffix: '_local' } : undefined;
  const rows = await store.query<{ name: string; engine_full: string }>(sql.current, {
    tables: wanted.map((key) => TABLE_OF[key] + (local?.suffix ?? '')),
  });
  const current = new Map(
    rows.map((row) => [
      row.name.slice(0, row.name.length - (local?.suffix.length ?? 0)),
      ttlSeconds(row.engine_full),
    ]),
  );
  const changes: RetentionChange[] = [];
  for (const key of wanted) {
    const table = TABLE_OF[key];
    const seconds = Math.round(retention[key]! / 1000);
    if (!(seconds >= 1)) throw new RangeError(`retention of ${table} must be at least one second`);
    if (!current.has(table)) throw new Error(`table ${table} does not exist: run the migrations first`);
    const before = current.get(table) ?? null;
    if (before === seconds) continue;
    await store.command(local ? onCluster(sql[key], seconds, { cluster: local.cluster }) : sql[key], {
      seconds,
    });
    logger?.info('telemetry retention changed', { table, fromSeconds: before, toSeconds: seconds });
    changes.push({ table, fromSeconds: before, toSeconds: seconds });
  }
  return changes;
}

/**
 * The cluster form of a retention statement, from the same generator as the migrations. The
 * seconds are written in: an ON CLUSTER statement is re-parsed on every node, where the query's
 * parameters are not known (the value is an integer computed above, never text from outside).
 */
export function onCluster(statement: string, seconds: number, options: ClusterDdlOptions): string {
  if (!Number.isSafeInteger(seconds)) throw new RangeError(`retention ${seconds} s is not a whole number`);
  const tables = new Set(Object.values(TABLE_OF));
  return clusterMigration(statement, tables, options)
    .trim()
    .replace(/;$/, '')
    .replaceAll('{seconds:UInt64}', String(seconds));
}
