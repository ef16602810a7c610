// Reading Nezha-layout RCA data (FSE'23, IntelligentDDS/Nezha, MIT licence) from wherever it
// lies — never copied into the repo. A day folder holds:
// - `<day>-fault_list.json` (required: the labels): {hour: [{inject_time (UTC), inject_timestamp,
//   inject_pod, inject_type}]}. Where the two times disagree (one OnlineBoutique fault, by a
//   minute) inject_timestamp is used: it matches the metrics.
// - `metric/<pod>_metric.csv`: one row a minute per pod; time from the `Time` column (the
//   `TimeStamp` column is offset in some pod files).
// - optional `metric/front_service.csv`: the entry service's user-facing view (success rate,
//   latency percentiles), part of the entry service's telemetry.
// - optional `metric/dependency.csv`: Source,Target call edges (targets that are no service —
//   node IPs, the load generator — are dropped).
// - optional `metric/source_50.csv`, `metric/destination_50.csv`: per call edge (`caller_callee`
//   columns) the median latency as the caller and as the callee report it — the service-graph
//   view; read as rows of the caller with points labelled client/server.
// A missing optional file means fewer signals, never a failure. Columns that hold one value in
// every row of a file carry no information and are not replayed (OnlineBoutique's
// `PodSuccessRate(%)` is 0 in every row of every pod: a collection defect).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Edge } from '#core';

export type FaultType = string;

/** Fault types that behave like a bad deploy (used for the code-level figures only, never as input). */
export const CODE_FAULTS: readonly FaultType[] = ['return', 'exception'];

export interface Fault {
  /** e.g. 2022-08-22#07 (day and 1-based order of injection). */
  readonly id: string;
  readonly day: string;
  readonly at: number;
  readonly pod: string;
  readonly service: string;
  readonly type: FaultType;
}

export interface MetricRow {
  readonly service: string;
  /** Pod name, `front_service` for the user-facing view, `edges:<metric>` for edge files. */
  readonly source: string;
  readonly at: number;
  readonly values: ReadonlyMap<string, number>;
}

export interface NezhaDay {
  readonly day: string;
  readonly dir: string;
  readonly faults: readonly Fault[];
  /** Every row of every metric file of the day, in time order. */
  readonly rows: readonly MetricRow[];
  /** Application services (those with a pod metric file), sorted. */
  readonly services: readonly string[];
  /** The day's dependency.csv, when it has one. */
  readonly dependencyFile: string | null;
  readonly edgeFiles: readonly string[];
  readonly start: number;
  readonly end: number;
  /** What was left out or missing, for the report. */
  readonly notes: readonly string[];
}

/** Edge-latency metric names: the callee's latency as its callers see it (network included), and as it reports it. */
export const EDGE_METRICS = {
  source: 'CallerObservedLatencyP50(s)',
  destination: 'ServerReportedLatencyP50(s)',
} as const;

const ID_COLUMNS: ReadonlySet<string> = new Set([
  'Time',
  'TimeStamp',
  'time',
  'timestamp',
  'PodName',
  'ServiceName',
]);

/** The day folders under `data`: itself when it is one, else its sub-folders that are (two levels deep). */
export function findDays(data: string): string[] {
  if (!existsSync(data)) throw new Error(`no such folder: ${data}`);
  if (faultList(data)) return [data];
  const out: string[] = [];
  for (const name of readdirSync(data).sort()) {
    const sub = join(data, name);
    if (!statSync(sub).isDirectory()) continue;
    if (faultList(sub)) out.push(sub);
    else
      for (const inner of readdirSync(sub).sort())
        if (statSync(join(sub, inner)).isDirectory() && faultList(join(sub, inner)))
          out.push(join(sub, inner));
  }
  if (out.length === 0)
    throw new Error(`no Nezha-layout day folder (one with a *fault_list*.json) in ${data}`);
  return out;
}

function faultList(dir: string): string | undefined {
  return readdirSync(dir).find((f) => /fault_list.*\.json$/.test(f));
}

/** `frontend-579b9bff58-t2dbm` → `frontend`. */
export function serviceOfPod(pod: string): string {
  const parts = pod.split('-');
  return parts.length > 2 ? parts.slice(0, -2).join('-') : pod;
}

/** `2022-08-22 03:51:19.799087274 +0000 UTC m=+0.30` → epoch ms (UTC). */
export function parseNezhaTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(text.trim());
  const t = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ?? ''}Z`) : NaN;
  if (!Number.isFinite(t)) throw new Error(`bad Nezha time ${text}`);
  return t;
}

interface RawFault {
  readonly inject_time: string;
  readonly inject_timestamp: string;
  readonly inject_pod: string;
  readonly inject_type: FaultType;
}

export interface LoadOptions {
  /** The entry service: front_service.csv is its telemetry. */
  readonly front: string;
  /** Read the per-edge latencies (when present), as the caller's telemetry labelled client/server. */
  readonly edges: boolean;
}

export function loadDay(dir: string, options: LoadOptions): NezhaDay {
  const day = basename(dir);
  const notes: string[] = [];
  const listFile = faultList(dir)!;
  const raw = JSON.parse(readFileSync(join(dir, listFile), 'utf8')) as Record<string, RawFault[]>;
  const faults = Object.values(raw)
    .flat()
    .map((f) => ({
      at: Number(f.inject_timestamp) * 1000 || Date.parse(`${f.inject_time.replace(' ', 'T')}Z`),
      f,
    }))
    .sort((a, b) => a.at - b.at)
    .map(({ at, f }, i): Fault => {
      const iso = Date.parse(`${f.inject_time.replace(' ', 'T')}Z`);
      if (Number.isFinite(iso) && iso !== at)
        notes.push(
          `${f.inject_pod} ${f.inject_type}: inject_time ${f.inject_time} and inject_timestamp ${new Date(at).toISOString()} disagree; inject_timestamp used`,
        );
      return {
        id: `${day}#${String(i + 1).padStart(2, '0')}`,
        day,
        at,
        pod: f.inject_pod,
        service: serviceOfPod(f.inject_pod),
        type: f.inject_type,
      };
    });

  const metricDir = existsSync(join(dir, 'metric')) ? join(dir, 'metric') : dir;
  const files = readdirSync(metricDir).sort();
  const rows: MetricRow[] = [];
  const services = new Set<string>();
  const constant = new Map<string, number>();
  for (const file of files.filter((f) => f.endsWith('_metric.csv'))) {
    const source = file.slice(0, -'_metric.csv'.length);
    const service = serviceOfPod(source);
    services.add(service);
    rows.push(...readMetricFile(join(metricDir, file), service, source, constant));
  }
  if (services.size === 0) throw new Error(`no <pod>_metric.csv files in ${metricDir}`);
  if (files.includes('front_service.csv'))
    rows.push(
      ...readMetricFile(join(metricDir, 'front_service.csv'), options.front, 'front_service', constant),
    );
  else notes.push('no front_service.csv: the entry service is seen through its pod metrics only');
  for (const [column, n] of constant)
    notes.push(`${column} holds one value in every row of ${n} file${n > 1 ? 's' : ''}: not replayed there`);
  const edgeFiles: string[] = [];
  for (const [file, metric] of [
    ['source_50.csv', EDGE_METRICS.source],
    ['destination_50.csv', EDGE_METRICS.destination],
  ] as const) {
    if (!files.includes(file)) {
      notes.push(`no ${file}: no per-edge latencies of that side`);
      continue;
    }
    if (!options.edges) continue;
    edgeFiles.push(join(metricDir, file));
    rows.push(...readEdgeFile(join(metricDir, file), metric, services));
  }
  rows.sort((a, b) => a.at - b.at || a.source.localeCompare(b.source));
  const dependency = files.includes('dependency.csv') ? join(metricDir, 'dependency.csv') : null;
  return {
    day,
    dir,
    faults,
    rows,
    services: [...services].sort(),
    dependencyFile: dependency,
    edgeFiles,
    start: rows[0]!.at,
    end: rows.at(-1)!.at,
    notes,
  };
}

/** Source,Target edges of a dependency file between known services (others — node IPs, load generators — dropped). */
export function readEdges(file: string, services: readonly string[]): Edge[] {
  const known = new Set(services);
  return readCsv(file)
    .map((r) => ({ from: r.Source ?? r.source ?? '', to: r.Target ?? r.target ?? '' }))
    .filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
}

function timeOf(r: Record<string, string>): number {
  const text = r.Time ?? r.time;
  if (text) return parseNezhaTime(text);
  const epoch = Number(r.TimeStamp ?? r.timestamp);
  if (Number.isFinite(epoch)) return epoch * 1000;
  throw new Error('a metric row without a Time column');
}

/** `constantColumns` counts, per column, the files in which it holds one value in every row (and so is left out). */
function readMetricFile(
  file: string,
  service: string,
  source: string,
  constantColumns: Map<string, number>,
): MetricRow[] {
  const records = readCsv(file);
  const constant = new Set<string>();
  for (const column of Object.keys(records[0] ?? {})) {
    if (ID_COLUMNS.has(column)) continue;
    const first = records[0]![column];
    if (records.length > 10 && records.every((r) => r[column] === first)) {
      constant.add(column);
      constantColumns.set(column, (constantColumns.get(column) ?? 0) + 1);
    }
  }
  return records.map((r) => {
    const values = new Map<string, number>();
    for (const [column, text] of Object.entries(r)) {
      if (ID_COLUMNS.has(column) || constant.has(column) || text === undefined || text === '') continue;
      const v = Number(text);
      if (Number.isFinite(v)) values.set(column, v);
    }
    return { service, source, at: timeOf(r), values };
  });
}

/**
 * One row per caller and minute: `<metric>{client=caller,server=callee}` for each of its callees,
 * as a service graph reports edges (the verifier judges an edge point as telemetry of its server).
 */
function readEdgeFile(file: string, metric: string, services: ReadonlySet<string>): MetricRow[] {
  const out: MetricRow[] = [];
  const pairs = new Map<string, [string, string] | null>();
  const pairOf = (column: string): [string, string] | null => {
    if (!pairs.has(column)) {
      // Service names may hold underscores too: take the split whose halves are both services.
      let found: [string, string] | null = null;
      for (let i = column.indexOf('_'); i > 0; i = column.indexOf('_', i + 1)) {
        const a = column.slice(0, i);
        const b = column.slice(i + 1);
        if (services.has(a) && services.has(b)) found = [a, b];
      }
      pairs.set(column, found);
    }
    return pairs.get(column)!;
  };
  for (const r of readCsv(file)) {
    const at = timeOf(r);
    const byCaller = new Map<string, Map<string, number>>();
    for (const [column, text] of Object.entries(r)) {
      const pair = pairOf(column);
      if (!pair || text === '') continue;
      const v = Number(text);
      if (!Number.isFinite(v)) continue;
      const [caller, callee] = pair;
      const values = byCaller.get(caller) ?? new Map<string, number>();
      values.set(`${metric}{client=${caller},server=${callee}}`, v);
      byCaller.set(caller, values);
    }
    for (const [caller, values] of byCaller)
      out.push({ service: caller, source: `edges:${metric}`, at, values });
  }
  return out;
}

/** These files are plain CSV: no quoting, no embedded commas. */
function readCsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = cells[i] ?? ''));
    return row;
  });
}

/** Unit from a Nezha column name: `PodServerLatencyP95(s)` → `s`, `CpuUsageRate(%)` → `%`. */
export function unitOf(column: string): string | null {
  return /\(([^)]*)\)$/.exec(column)?.[1] ?? null;
}
