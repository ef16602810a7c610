// False-fail rate of post-deployment verification on clean "deploys"
// (node dist/eval/nab/false-alarms.js [--nab DIR] [--nezha DIR] [--write]; unknown options are refused).
// --nab: NAB's root folder (default nab/ in the datasets folder); --nezha: the Nezha RCA data's
// rca_data folder (default nezha-onlineboutique/rca_data there).
//
// A clean deploy changes nothing, so any fail verdict is a false alarm. Deploys are placed at
// many points of real and synthetic telemetry where nothing happens, and each is verified exactly
// as in production: a fresh DeploymentVerifier with default settings receives the service's
// telemetry from 45 minutes before to 20 minutes after the deploy in event-time order (one batch
// a minute), the change event at t0, and gives its looks and final verdict.
//
// Sources:
// - NAB artificialNoAnomaly (5 series, 5-minute samples). Re-timed to one sample a minute so that
//   the default windows (30-minute baseline, 15 + 2-minute observation) hold 30 and 17 samples,
//   as with 1-minute telemetry. Each series is judged twice, as a latency (bad: up) and as a
//   throughput (bad: down). The daily square waves step up and down at fixed times of day; a
//   deploy whose windows contain such a step is not in a "quiet stretch" and is skipped.
// - Nezha OnlineBoutique (2 days, 10 services, 1-minute pod metrics): server latency P90/P95/P99,
//   workload (requests/s), CPU and memory usage, and the frontend's success rate (judged per
//   request against its workload). PodSuccessRate(%) is 0 in every row of every pod file (a
//   broken column), and PodClientLatency* measure the pod's calls to others, so those are not
//   sent. Deploys every 5 minutes on every service, keeping only those whose whole verification
//   window [t0 − 30 min, t0 + 17 min] is at least 60 minutes from every injected fault.
import { completeChange } from '#core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath } from '#config';
import type { Change, TelemetryPoint, Verdict } from '#contracts';
import { DeploymentVerifier, type VerifierSettings } from '../../libs/core/src/verification/verifier.js';
import { datasetsDir } from '../common/datasets.js';
import { readNabSeries } from './nab-data.js';
import { lowerBound } from './nab-score.js';
import { writeSection } from '../common/report.js';

const MINUTE = 60_000;
const BEFORE = 45 * MINUTE;
const AFTER = 20 * MINUTE;

interface Series {
  readonly metric: string;
  readonly unit: string | null;
  readonly ts: number[];
  readonly values: number[];
}

interface Deploy {
  readonly source: string;
  readonly group: string;
  readonly service: string;
  readonly t0: number;
  readonly series: readonly Series[];
}

interface Outcome {
  readonly deploy: Deploy;
  readonly verdict: Verdict;
}

function change(service: string, t0: number, id: string): Change {
  return completeChange({
    id,
    source: 'eval',
    service,
    startedAt: t0,
  });
}

/** Verify one deploy: telemetry from t0 − 45 min to t0 + 20 min, a batch a minute, the change at t0. */
export function verifyDeploy(d: Deploy, index: number, settings: Partial<VerifierSettings> = {}): Verdict {
  const verifier = new DeploymentVerifier(settings);
  const points: TelemetryPoint[] = [];
  for (const s of d.series) {
    const from = lowerBound(s.ts, d.t0 - BEFORE);
    const to = lowerBound(s.ts, d.t0 + AFTER);
    for (let i = from; i < to; i++)
      points.push({ metric: s.metric, value: s.values[i]!, timestamp: s.ts[i]!, unit: s.unit, labels: {} });
  }
  points.sort((a, b) => a.timestamp - b.timestamp);
  const verdicts: Verdict[] = [];
  let changed = false;
  let i = 0;
  for (let minute = d.t0 - BEFORE; minute < d.t0 + AFTER; minute += MINUTE) {
    if (!changed && minute >= d.t0) {
      verdicts.push(...verifier.observeChange(change(d.service, d.t0, `clean-${index}`)));
      changed = true;
    }
    const batch: TelemetryPoint[] = [];
    while (i < points.length && points[i]!.timestamp < minute + MINUTE) batch.push(points[i++]!);
    if (batch.length > 0)
      verdicts.push(
        ...verifier.observeTelemetry({
          id: `b${minute}`,
          service: d.service,
          environment: 'production',
          points: batch,
          resource: {},
        }),
      );
  }
  verdicts.push(...verifier.advanceWatermark(d.t0 + 2 * AFTER));
  const final = verdicts.find((v) => v.final);
  if (!final) throw new Error(`no final verdict for deploy ${index} on ${d.service}`);
  return final;
}

// ---- NAB artificialNoAnomaly ----------------------------------------------------------------

function nabDeploys(nabRoot: string): Deploy[] {
  const dir = join(nabRoot, 'data', 'artificialNoAnomaly');
  const out: Deploy[] = [];
  const T0 = Date.UTC(2024, 0, 1);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    const { values } = readNabSeries(join(dir, file));
    const ts = values.map((_, i) => T0 + i * MINUTE); // re-timed: one sample a minute
    const steps = stepIndices(values);
    const name = file.replace(/\.csv$/, '');
    for (const [kind, metric, unit] of [
      ['latency', `${name}.request.duration.p95`, 's'],
      ['throughput', `${name}.requests`, '{request}/s'],
    ] as const) {
      for (let k = 60; k + 20 < values.length; k += 10) {
        // Quiet stretch: no step of the daily wave inside [t0 − 32, t0 + 19] samples.
        if (steps.some((s) => s >= k - 32 && s <= k + 19)) continue;
        out.push({
          source: 'NAB artificialNoAnomaly',
          group: `${name} as ${kind}`,
          service: `nab-${name}`,
          t0: ts[k]!,
          series: [{ metric, unit, ts, values }],
        });
      }
    }
  }
  return out;
}

/** Indices where a 15-sample running median moves by more than 30% of the series' range (steps, not noise). */
function stepIndices(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const range =
    sorted[Math.floor(0.99 * (sorted.length - 1))]! - sorted[Math.floor(0.01 * (sorted.length - 1))]!;
  const smooth = values.map((_, i) => {
    const w = values.slice(Math.max(0, i - 7), i + 8).sort((a, b) => a - b);
    return w[w.length >> 1]!;
  });
  const out: number[] = [];
  for (let i = 1; i < smooth.length; i++)
    if (range > 0 && Math.abs(smooth[i]! - smooth[i - 1]!) > 0.3 * range) out.push(i);
  return out;
}

// ---- Nezha ----------------------------------------------------------------------------------

/** "2022-08-22 03:51:19.607158889 +0000 UTC m=+0.11" → ms (UTC). */
function nezhaTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(text.trim());
  if (!m) throw new Error(`bad Nezha time ${text}`);
  return Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4) : ''}Z`);
}

function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

export function columns(
  file: string,
  wanted: ReadonlyArray<readonly [string, string, string | null]>,
): { ts: number[]; series: Series[] } {
  const { header, rows } = readCsv(file);
  const timeCol = header.indexOf('Time');
  const ts = rows.map((r) => nezhaTime(r[timeCol]!));
  const series = wanted.map(([column, metric, unit]) => {
    const c = header.indexOf(column);
    if (c < 0) throw new Error(`${file}: no column ${column}`);
    const keep: number[] = [];
    const values: number[] = [];
    rows.forEach((r, i) => {
      const v = Number(r[c]);
      if (Number.isFinite(v)) {
        keep.push(ts[i]!);
        values.push(v);
      }
    });
    return { metric, unit, ts: keep, values };
  });
  return { ts, series };
}

export const POD_METRICS: ReadonlyArray<readonly [string, string, string | null]> = [
  ['PodServerLatencyP90(s)', 'PodServerLatencyP90(s)', 's'],
  ['PodServerLatencyP95(s)', 'PodServerLatencyP95(s)', 's'],
  ['PodServerLatencyP99(s)', 'PodServerLatencyP99(s)', 's'],
  ['PodWorkload(Ops)', 'PodWorkload(Ops)', '{request}/s'],
  ['CpuUsageRate(%)', 'CpuUsageRate(%)', '%'],
  ['MemoryUsageRate(%)', 'MemoryUsageRate(%)', '%'],
];

function nezhaDeploys(root: string): { deploys: Deploy[]; faults: number; excludedNearFaults: number } {
  const deploys: Deploy[] = [];
  let faults = 0;
  let excluded = 0;
  for (const day of readdirSync(root).sort()) {
    const list = JSON.parse(readFileSync(join(root, day, `${day}-fault_list.json`), 'utf8')) as Record<
      string,
      Array<{ inject_timestamp: string }>
    >;
    const injections = Object.values(list)
      .flat()
      .map((f) => Number(f.inject_timestamp) * 1000);
    faults += injections.length;
    const metricDir = join(root, day, 'metric');
    const byService = new Map<string, Series[]>();
    let start = Infinity;
    let end = -Infinity;
    for (const file of readdirSync(metricDir)
      .filter((f) => f.endsWith('_metric.csv'))
      .sort()) {
      const service = file.replace(/-[0-9a-f]{8,10}-[0-9a-z]{5}_metric\.csv$/, '');
      const { ts, series } = columns(join(metricDir, file), POD_METRICS);
      byService.set(service, series);
      start = Math.min(start, ts[0]!);
      end = Math.max(end, ts.at(-1)!);
    }
    // The frontend's own success rate, judged per request against its workload.
    const front = columns(join(metricDir, 'front_service.csv'), [
      ['SuccessRate(%)', 'FrontendSuccessRate(%)', '%'],
    ]);
    byService.get('frontend')?.push(...front.series);
    const first = Math.ceil((start + BEFORE) / (5 * MINUTE)) * 5 * MINUTE;
    for (let t0 = first; t0 + AFTER <= end; t0 += 5 * MINUTE) {
      const near = injections.some(
        (f) => f >= t0 - 30 * MINUTE - 60 * MINUTE && f <= t0 + 17 * MINUTE + 60 * MINUTE,
      );
      for (const [service, series] of byService) {
        if (near) {
          excluded++;
          continue;
        }
        deploys.push({ source: 'Nezha OnlineBoutique', group: `${day} ${service}`, service, t0, series });
      }
    }
  }
  return { deploys, faults, excludedNearFaults: excluded };
}

// ---- report ---------------------------------------------------------------------------------

/** Wilson score interval upper bound (95%). */
function wilsonUpper(k: number, n: number): number {
  if (n === 0) return NaN;
  const z = 1.959964;
  const p = k / n;
  const centre = p + (z * z) / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return (centre + margin) / (1 + (z * z) / n);
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–';
}

function table(outcomes: readonly Outcome[], by: (o: Outcome) => string): string[] {
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const k = by(o);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(o);
  }
  const lines = [
    '| group | deploys | fail | inconclusive | pass | fail rate | 95% upper bound |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const row = (name: string, list: readonly Outcome[]) => {
    const fail = list.filter((o) => o.verdict.outcome === 'fail').length;
    const inc = list.filter((o) => o.verdict.outcome === 'inconclusive').length;
    lines.push(
      `| ${name} | ${list.length} | ${fail} | ${inc} | ${list.length - fail - inc} | ${pct(fail / list.length)} | ${pct(wilsonUpper(fail, list.length))} |`,
    );
  };
  for (const [k, list] of [...groups].sort()) row(k, list);
  row('**all**', outcomes);
  return lines;
}

export function markdown(
  nab: readonly Outcome[],
  nezha: readonly Outcome[],
  nezhaInfo: { faults: number; excludedNearFaults: number },
): string {
  const all = [...nab, ...nezha];
  const fails = all.filter((o) => o.verdict.outcome === 'fail');
  const lines: string[] = [];
  lines.push(
    `Clean deploys verified with \`DeploymentVerifier\` defaults (α = 1% per verification, Pocock-type spending over 17 one-minute looks, autocorrelation-adjusted tests). ` +
      `Overall: **${fails.length} fail verdicts of ${all.length} clean deploys = ${pct(fails.length / all.length)}** (95% upper bound ${pct(wilsonUpper(fails.length, all.length))}); goal ≤ 2%.`,
  );
  lines.push('');
  lines.push(
    'NAB artificialNoAnomaly (re-timed to 1-minute samples; each series as a latency and as a throughput):',
  );
  lines.push('');
  lines.push(...table(nab, (o) => o.deploy.group));
  lines.push('');
  lines.push(
    `Nezha OnlineBoutique (deploys every 5 minutes on each of 10 services, ≥ 60 min from all ${nezhaInfo.faults} injected faults; ${nezhaInfo.excludedNearFaults} service-deploys near faults left out):`,
  );
  lines.push('');
  lines.push(...table(nezha, (o) => o.deploy.group.split(' ')[1]!));
  lines.push('');
  const byDay = table(nezha, (o) => o.deploy.group.split(' ')[0]!);
  lines.push('By day:');
  lines.push('');
  lines.push(...byDay);
  const metrics = new Map<string, number>();
  for (const o of fails)
    for (const m of o.verdict.metrics.filter((j) => j.outcome === 'fail'))
      metrics.set(`${m.metric} (${m.test})`, (metrics.get(`${m.metric} (${m.test})`) ?? 0) + 1);
  if (metrics.size > 0) {
    lines.push('');
    lines.push(
      `Failing metrics in the false fails: ${[...metrics]
        .sort((a, b) => b[1] - a[1])
        .map(([m, n]) => `${m} ×${n}`)
        .join(', ')}.`,
    );
    lines.push('');
    lines.push('Examples:');
    lines.push('');
    for (const o of fails.slice(0, 5))
      lines.push(`- ${o.deploy.group} at ${new Date(o.deploy.t0).toISOString()}: ${o.verdict.summary}`);
  }
  const inconclusive = all.filter((o) => o.verdict.outcome === 'inconclusive');
  if (inconclusive.length > 0) {
    const why = new Map<string, number>();
    for (const o of inconclusive) {
      const j = o.verdict.metrics.find((m) => m.outcome === 'inconclusive');
      const key = j ? `${j.metric} (${j.test === 'none' ? 'no data' : 'suspicious ' + j.test})` : 'no data';
      why.set(key, (why.get(key) ?? 0) + 1);
    }
    lines.push('');
    lines.push(
      `Inconclusive verdicts (not a pass, not a fail), by the first inconclusive metric: ${[...why]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([m, n]) => `${m} ×${n}`)
        .join(', ')}.`,
    );
  }
  return lines.join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      nab: { type: 'string' },
      nezha: { type: 'string' },
      write: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const started = performance.now();
  const nabDeploysList = nabDeploys(values.nab ?? join(datasetsDir(), 'nab'));
  const nab = nabDeploysList.map((deploy, i) => ({ deploy, verdict: verifyDeploy(deploy, i) }));
  const nz = nezhaDeploys(values.nezha ?? join(datasetsDir(), 'nezha-onlineboutique', 'rca_data'));
  const nezha = nz.deploys.map((deploy, i) => ({ deploy, verdict: verifyDeploy(deploy, 100_000 + i) }));
  const md = markdown(nab, nezha, nz);
  console.log(md);
  console.log(
    `\n(${nab.length + nezha.length} verifications in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (values.write) writeSection(projectPath('eval', 'nab', 'REPORT.md'), 'false-alarms', md);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
