// Cluster variants of the migrations, derived from the same files rather than kept by hand:
//   CREATE TABLE t (…) ENGINE = XMergeTree(args) …
//     → CREATE TABLE t_local ON CLUSTER '{cluster}' (…)
//         ENGINE = ReplicatedXMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', args) …
//       CREATE TABLE t ON CLUSTER '{cluster}' AS t_local
//         ENGINE = Distributed('{cluster}', currentDatabase(), t_local, <sharding key>)
//   CREATE MATERIALIZED VIEW v TO t AS SELECT … FROM s
//     → CREATE MATERIALIZED VIEW v ON CLUSTER '{cluster}' TO t_local AS SELECT … FROM s_local
//   DROP VIEW IF EXISTS v → the same ON CLUSTER '{cluster}' (a view made again with more columns)
//   ALTER TABLE t …  → the same ALTER on t_local and on t, both ON CLUSTER (storage-only changes —
//                       codecs, TTL, settings — on t_local alone: the Distributed table stores nothing)
// Queries and inserts keep using the plain names (now Distributed tables), so the repositories
// and the recorder run unchanged. Versions of one record must live on one shard for FINAL to
// see them together: the sharding keys below hash the record's identity. See
// docs/clickhouse-cluster.md.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitSqlStatements } from '../migrations/sql-split.js';
import { TABLES } from '../records/tables.js';

export interface ClusterDdlOptions {
  /** Cluster name or macro (default `{cluster}`). */
  readonly cluster?: string;
  /** ZooKeeper/Keeper path of each replicated table (default with the shard, database and table macros). */
  readonly zooPath?: string;
  /** Replica name or macro (default `{replica}`). */
  readonly replica?: string;
  /** Suffix of the local (replicated) tables (default `_local`). */
  readonly localSuffix?: string;
  /** Sharding key per table; tables not listed are spread with rand(). */
  readonly shardingKeys?: Readonly<Record<string, string>>;
}

/**
 * How rows spread over shards. Every version of a mutable record (ReplacingMergeTree) must land
 * on the same shard, so FINAL sees them together: hash its identity. Telemetry goes by series
 * owner (service, metric), so a series query touches one shard.
 */
export const DEFAULT_SHARDING_KEYS: Readonly<Record<string, string>> = {
  [TABLES.telemetryPoints]: 'cityHash64(service, metric)',
  [TABLES.telemetryRollup1m]: 'cityHash64(service, metric)',
  [TABLES.telemetryRollup1h]: 'cityHash64(service, metric)',
  [TABLES.changes]: 'cityHash64(id)',
  [TABLES.alerts]: 'cityHash64(id)',
  [TABLES.verdicts]: 'cityHash64(change_id)',
  [TABLES.incidents]: 'cityHash64(id)',
  [TABLES.incidentEvents]: 'cityHash64(id)',
  [TABLES.incidentCommands]: 'cityHash64(incident_id)',
  [TABLES.incidentVersions]: 'cityHash64(id)',
  [TABLES.problems]: 'cityHash64(id)',
  [TABLES.problemCommands]: 'cityHash64(problem_id)',
  [TABLES.problemVersions]: 'cityHash64(id)',
  [TABLES.assessments]: 'cityHash64(change_id)',
  [TABLES.deadLetters]: 'rand()',
  [TABLES.recorderIntents]: 'cityHash64(topic, partition)',
};

interface Resolved {
  readonly cluster: string;
  readonly zooPath: string;
  readonly replica: string;
  readonly suffix: string;
  readonly keys: Readonly<Record<string, string>>;
}

function resolve(options: ClusterDdlOptions): Resolved {
  return {
    cluster: options.cluster ?? '{cluster}',
    zooPath: options.zooPath ?? '/clickhouse/tables/{shard}/{database}/{table}',
    replica: options.replica ?? '{replica}',
    suffix: options.localSuffix ?? '_local',
    keys: { ...DEFAULT_SHARDING_KEYS, ...options.shardingKeys },
  };
}

const CREATE_TABLE = /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)\s*\(/i;
const CREATE_VIEW = /^CREATE\s+MATERIALIZED\s+VIEW\s+IF\s+NOT\s+EXISTS\s+(\w+)\s+TO\s+(\w+)\s+AS\s/i;
const ALTER_TABLE = /^ALTER\s+TABLE\s+(\w+)\s/i;
const DROP_VIEW = /^DROP\s+VIEW\s+IF\s+EXISTS\s+(\w+)\s*$/i;
/** ALTERs that change how data is stored, not which columns there are. */
const STORAGE_ONLY = /\bMODIFY\s+(?:TTL|SETTING)\b|\bCODEC\s*\(/i;
const ENGINE = /\bENGINE\s*=\s*(\w*MergeTree)(?:[ \t]*\(([^)]*)\))?/i;

/** Names of the tables the given migration texts create (views excluded). */
export function createdTables(texts: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const text of texts) {
    for (const { sql } of splitSqlStatements(text)) {
      const match = CREATE_TABLE.exec(stripComments(sql).trim());
      if (match) names.add(match[1]!);
    }
  }
  return names;
}

/**
 * The cluster form of one migration file's text. `tables`: every table the migrations create
 * (references to them in views and ALTERs are rewritten to the local tables).
 */
export function clusterMigration(
  text: string,
  tables: ReadonlySet<string>,
  options: ClusterDdlOptions = {},
): string {
  const o = resolve(options);
  const out: string[] = [];
  for (const { sql } of splitSqlStatements(text)) {
    const statement = stripComments(sql).trim();
    out.push(...rewrite(statement, tables, o));
  }
  return out.map((s) => `${s};\n`).join('\n');
}

function rewrite(statement: string, tables: ReadonlySet<string>, o: Resolved): string[] {
  const onCluster = `ON CLUSTER '${o.cluster}'`;
  const table = CREATE_TABLE.exec(statement);
  if (table) {
    const name = table[1]!;
    const local = `${name}${o.suffix}`;
    const engine = ENGINE.exec(statement);
    if (!engine) throw new Error(`CREATE TABLE ${name}: no *MergeTree engine to replicate`);
    const args = [`'${o.zooPath}'`, `'${o.replica}'`, ...(engine[2]?.trim() ? [engine[2].trim()] : [])];
    const replicated = `ENGINE = Replicated${engine[1]}(${args.join(', ')})`;
    const localSql = withoutDedupWindow(
      statement
        .replace(CREATE_TABLE, `CREATE TABLE IF NOT EXISTS ${local} ${onCluster}\n(`)
        .replace(ENGINE, replicated),
    );
    const key = o.keys[name] ?? 'rand()';
    const distributed =
      `CREATE TABLE IF NOT EXISTS ${name} ${onCluster} AS ${local}\n` +
      `ENGINE = Distributed('${o.cluster}', currentDatabase(), ${local}, ${key})`;
    return [localSql, distributed];
  }
  const view = CREATE_VIEW.exec(statement);
  if (view) {
    const [, name, target] = view;
    const head = `CREATE MATERIALIZED VIEW IF NOT EXISTS ${name} ${onCluster} TO ${target}${o.suffix} AS `;
    return [head + localReferences(statement.slice(view[0].length), tables, o.suffix)];
  }
  // A view made again with more columns: dropped on every server first.
  const drop = DROP_VIEW.exec(statement);
  if (drop) return [`DROP VIEW IF EXISTS ${drop[1]} ${onCluster}`];
  const alter = ALTER_TABLE.exec(statement);
  if (alter && tables.has(alter[1]!)) {
    const rest = statement.slice(alter[0].length);
    const local = `ALTER TABLE ${alter[1]}${o.suffix} ${onCluster} ${rest}`;
    if (STORAGE_ONLY.test(rest) && !/\bADD\s+COLUMN\b/i.test(rest)) return [local];
    // The local table holds the data; the Distributed one must show the same columns.
    return [local, `ALTER TABLE ${alter[1]} ${onCluster} ${rest}`];
  }
  throw new Error(`no cluster form for: ${statement.slice(0, 80)}…`);
}

/** `FROM t` / `JOIN t` → the local table, for tables the migrations create. */
function localReferences(select: string, tables: ReadonlySet<string>, suffix: string): string {
  return select.replace(/\b(FROM|JOIN)\s+(\w+)\b/gi, (whole, keyword: string, name: string) =>
    tables.has(name) ? `${keyword} ${name}${suffix}` : whole,
  );
}

/** Replicated tables deduplicate by themselves (replicated_deduplication_window). */
function withoutDedupWindow(statement: string): string {
  return statement
    .replace(/,\s*non_replicated_deduplication_window\s*=\s*\d+/i, '')
    .replace(/\bSETTINGS\s+non_replicated_deduplication_window\s*=\s*\d+\s*,\s*/i, 'SETTINGS ')
    .replace(/\s*\bSETTINGS\s+non_replicated_deduplication_window\s*=\s*\d+\s*$/i, '');
}

/** Drops `--` and `/* *\/` comments outside strings and quoted names. */
export function stripComments(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end - 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
      out += ' ';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let k = i + 1;
      while (k < sql.length && sql[k] !== ch) k += sql[k] === '\\' ? 2 : 1;
      out += sql.slice(i, k + 1);
      i = k;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Writes the cluster form of every migration in `fromDir` to `toDir` under the same file names,
 * for `runMigrations(store, { migrationsDir: toDir })` against the cluster.
 */
export async function writeClusterMigrations(
  fromDir: string,
  toDir: string,
  options: ClusterDdlOptions = {},
): Promise<string[]> {
  const files = (await readdir(fromDir)).filter((f) => f.endsWith('.sql')).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(fromDir, f), 'utf8')));
  const tables = createdTables(texts);
  await mkdir(toDir, { recursive: true });
  for (const [index, file] of files.entries()) {
    const header = `-- Cluster form of ${file}, generated by clusterMigration() (libs/storage/src/queries/cluster-ddl.ts).\n`;
    await writeFile(join(toDir, file), header + clusterMigration(texts[index]!, tables, options));
  }
  return files;
}
