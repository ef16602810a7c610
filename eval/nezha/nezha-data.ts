// Reading the Nezha OnlineBoutique RCA data (FSE'23, IntelligentDDS/Nezha, MIT licence) from the
// shared datasets folder — never copied into the repo: ../shared/datasets relative to the
// project root, or the AFTERSHOCK_DATASETS environment variable.
//
// Per day (rca_data/<day>/):
// - <day>-fault_list.json: {hour: [{inject_time (UTC), inject_timestamp, inject_pod, inject_type}]}.
//   The two times agree except for one fault (2022-08-22 recommendationservice cpu_consumed:
//   inject_time 07:10:43, inject_timestamp 07:09:43); the metrics show the CPU rising in the
//   row at 07:10:19, so inject_timestamp is the one used.
// - metric/<pod>_metric.csv: one row a minute per pod. Time comes from the `Time` column (the
//   `TimeStamp` column is offset in some pod files, e.g. 1861140279 for 1661140279).
// - metric/front_service.csv: the user-facing view of the frontend (success rate, latency).
// - metric/dependency.csv: Source,Target call edges (some targets are node IPs: dropped).
// - metric/source_50.csv, destination_50.csv: per call edge (`caller_callee` columns), the median
//   latency in seconds as the caller (source) and the callee (destination) report it — the
//   service-graph view. Loaded on request (loadDay(day, {edges: true}), the headline does) as
//   rows of the caller with points labelled client/server, as a service graph reports edges.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '#config';
import type { Edge } from '#core';

export type FaultType = 'cpu_contention' | 'cpu_consumed' | 'network_delay' | 'return' | 'exception';

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
  /** Pod name, or `front_service` for the user-facing frontend view. */
  readonly source: string;
  readonly at: number;
  readonly values: ReadonlyMap<string, number>;
}

export interface NezhaDay {
  readonly day: string;
  readonly faults: readonly Fault[];
  /** Every row of every metric file of the day, in time order. */
  readonly rows: readonly MetricRow[];
  readonly edges: readonly Edge[];
  /** Application services (those with a pod metric file), sorted. */
  readonly services: readonly string[];
  readonly start: number;
  readonly end: number;
}

/**
 * Columns not replayed. `PodSuccessRate(%)` is 0 in every row of every pod on both days (a
 * collection defect of the data set: the frontend's own success rate in front_service.csv is
 * 100% most of the time), which the verifier would read as a constant 100% error ratio.
 */
export const DROPPED_COLUMNS: ReadonlySet<string> = new Set([
  'Time',
  'TimeStamp',
  'PodName',
  'ServiceName',
  'PodSuccessRate(%)',
]);

export function datasetsDir(): string {
  const dir = process.env.AFTERSHOCK_DATASETS ?? projectPath('..', 'shared', 'datasets');
  if (!existsSync(dir)) throw new Error(`datasets not found at ${dir}; set AFTERSHOCK_DATASETS`);
  return dir;
}

export function nezhaDir(): string {
  return join(datasetsDir(), 'nezha-onlineboutique', 'rca_data');
}

export function nezhaDays(): string[] {
  return readdirSync(nezhaDir())
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
}

/** `frontend-579b9bff58-t2dbm` → `frontend`. */
export function serviceOfPod(pod: string): string {
  return pod.split('-').slice(0, -2).join('-');
}

/** `2022-08-22 03:51:19.799087274 +0000 UTC m=+0.30` → epoch ms (UTC). */
export function parseNezhaTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(text.trim());
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
  /** Also read the per-edge latencies, as the caller's telemetry labelled client/server. */
  readonly edges?: boolean;
}

/** Edge-latency metric names: the callee's latency as its callers see it (network included), and as it reports it. */
export const EDGE_METRICS = {
  source: 'CallerObservedLatencyP50(s)',
  destination: 'ServerReportedLatencyP50(s)',
} as const;

export function loadDay(day: string, options: LoadOptions = {}): NezhaDay {
  const dir = join(nezhaDir(), day);
  const raw = JSON.parse(readFileSync(join(dir, `${day}-fault_list.json`), 'utf8')) as Record<
    string,
    RawFault[]
  >;
  const faults = Object.values(raw)
    .flat()
    .map((f) => ({ at: Number(f.inject_timestamp) * 1000, f }))
    .sort((a, b) => a.at - b.at)
    .map(({ at, f }, i): Fault => {
      const iso = Date.parse(`${f.inject_time.replace(' ', 'T')}Z`);
      if (iso !== at) {
        process.stderr.write(
          `note: ${day} ${f.inject_pod} ${f.inject_type}: inject_time ${f.inject_time} and inject_timestamp ${new Date(at).toISOString()} disagree; using inject_timestamp (it matches the metrics)\n`,
        );
      }
      return {
        id: `${day}#${String(i + 1).padStart(2, '0')}`,
        day,
        at,
        pod: f.inject_pod,
        service: serviceOfPod(f.inject_pod),
        type: f.inject_type,
      };
    });

  const metricDir = join(dir, 'metric');
  const rows: MetricRow[] = [];
  const services: string[] = [];
  for (const file of readdirSync(metricDir).sort()) {
    let service: string;
    let source: string;
    if (file.endsWith('_metric.csv')) {
      source = file.slice(0, -'_metric.csv'.length);
      service = serviceOfPod(source);
      services.push(service);
    } else if (file === 'front_service.csv') {
      source = 'front_service';
      service = 'frontend';
    } else continue;
    rows.push(...readMetricFile(join(metricDir, file), service, source));
  }
  if (options.edges) {
    for (const [file, metric] of [
      ['source_50.csv', EDGE_METRICS.source],
      ['destination_50.csv', EDGE_METRICS.destination],
    ] as const) {
      rows.push(...readEdgeFile(join(metricDir, file), metric, new Set(services)));
    }
  }
  rows.sort((a, b) => a.at - b.at || a.source.localeCompare(b.source));

  const known = new Set(services);
  const edges = readCsv(join(metricDir, 'dependency.csv'))
    .map((r) => ({ from: r.Source!, to: r.Target! }))
    .filter((e) => known.has(e.from) && known.has(e.to));
  return {
    day,
    faults,
    rows,
    edges,
    services: [...new Set(services)].sort(),
    start: rows[0]!.at,
    end: rows.at(-1)!.at,
  };
}

function readMetricFile(file: string, service: string, source: string): MetricRow[] {
  return readCsv(file).map((r) => {
    const values = new Map<string, number>();
    for (const [column, text] of Object.entries(r)) {
      if (DROPPED_COLUMNS.has(column) || text === undefined || text === '') continue;
      const v = Number(text);
      if (Number.isFinite(v)) values.set(column, v);
    }
    return { service, source, at: parseNezhaTime(r.Time!), values };
  });
}

/**
 * One row per caller and minute: `<metric>{client=caller,server=callee}` for each of its callees,
 * as a service graph reports edges (the verifier judges an edge point as telemetry of its server).
 */
function readEdgeFile(file: string, metric: string, services: ReadonlySet<string>): MetricRow[] {
  const out: MetricRow[] = [];
  for (const r of readCsv(file)) {
    const at = parseNezhaTime(r.time!);
    const byCaller = new Map<string, Map<string, number>>();
    for (const [column, text] of Object.entries(r)) {
      const [caller, callee] = column.split('_');
      if (!caller || !callee || !services.has(caller) || !services.has(callee) || text === '') continue;
      const v = Number(text);
      if (!Number.isFinite(v)) continue;
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
