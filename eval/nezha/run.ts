// Nezha OnlineBoutique evaluation of the correlator (`npm run eval:nezha`, i.e.
// node dist/eval/nezha/run.js [--explain] [--write] [--variants] [--seeds N] [--pod-only] [--day D]
// [--seed N] [--decoys N] [--set verifierSetting=value …] [--ignore metricPattern …]).
//
// Every injected fault of the Nezha RCA data (two days of OnlineBoutique, 56 faults) becomes a
// change on its service at its injection time — a deployment for the code-level faults (`return`,
// `exception`), an infrastructure change for cpu/network faults — and each fault gets decoy
// changes (default two, seeded) on other services within ±10 minutes, on services not injected
// within ±15 minutes of the decoy. The per-minute metrics of every pod (and the frontend's
// user-facing view) and the per-edge median latencies as each caller measured them and as each
// callee reported them (source_50/destination_50: the service-graph view, points labelled
// client/server, which the verifier judges as telemetry of the server) are replayed as
// telemetry, one batch per service per minute, together with
// the changes in event-time order, through the real Correlator (DeploymentVerifier with default
// settings unless --set overrides one, dependency graph from dependency.csv).
//
// Scored per fault type and overall:
// - detection: the injected change's own verification fails (an interim or the final look);
// - delay: that fail verdict's decidedAt − injection time;
// - attribution: a user-facing symptom on `frontend` at the detection time (or injection + 2
//   min when undetected) is attributed with attribute() over all changes (injected + decoys,
//   including earlier faults) with the verdicts known at that time (exactly the ChangeLog
//   semantics the Correlator uses); top-1 when the injected change ranks first, top-3 within the
//   first three, the "no change" alternative counting as a rank;
// - decoys: the fail rate of decoys on services no fault touches during their window (should
//   pass) — "touched" = the injected service or one of its transitive callers, injected from 6
//   min before the decoy to the end of its observation.
// --explain prints each fault's verdicts, metric reasons and ranking; --variants runs the fixed
// list of settings/evidence variants (what was tried); --seeds N the spread over decoy seeds;
// --pod-only replays the pod metrics alone (no edges); --write puts the tables into
// eval/nezha/REPORT.md between the markers (then run prettier on it: it aligns the tables).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { projectPath } from '#config';
import type { Change, ChangeKind, Suspect, TelemetryBatch, TelemetryPoint, Verdict } from '#contracts';
import {
  attribute,
  ChangeLog,
  Correlator,
  DEFAULT_ATTRIBUTION,
  DEFAULT_CORRELATOR_SETTINGS,
  DEFAULT_VERIFIER_SETTINGS,
  DependencyGraph,
  DeploymentVerifier,
  type CorrelatorInput,
  type Edge,
  type VerifierSettings,
  completeChange,
} from '#core';
import {
  CODE_FAULTS,
  loadDay,
  nezhaDays,
  unitOf,
  type Fault,
  type FaultType,
  type NezhaDay,
} from './nezha-data.js';

const MINUTE = 60_000;
const SYMPTOM_SERVICE = 'frontend';
/** Decoys lie within ±this of their fault. */
const DECOY_SPREAD_MS = 10 * MINUTE;
/** …on services with no injection within ±this of the decoy. */
const DECOY_EXCLUSION_MS = 15 * MINUTE;
/** A fault injected this long before a decoy can still show in the decoy's observation. */
const EFFECT_CARRYOVER_MS = 6 * MINUTE;
const UNDETECTED_SYMPTOM_AFTER_MS = 2 * MINUTE;
const FAULT_TYPES: readonly FaultType[] = [
  'return',
  'exception',
  'cpu_contention',
  'cpu_consumed',
  'network_delay',
];

interface Options {
  readonly days: readonly string[];
  readonly seed: number;
  /** Also rerun with seeds 1…seeds (decoy placement) and print the spread of the figures. */
  readonly seeds: number;
  readonly decoys: number;
  readonly explain: boolean;
  /** Also run the fixed list of VARIANTS (settings and evidence) and tabulate them. */
  readonly variants: boolean;
  readonly write: boolean;
  readonly verifier: Partial<VerifierSettings>;
  /** Replay the per-edge latencies (source_50/destination_50), as the callers' service-graph telemetry. */
  readonly edges: boolean;
  /** Metric name patterns not judged on any service (VerifierSettings.services[*].ignore). */
  readonly ignore: readonly string[];
}

interface ChangeRecord {
  readonly change: Change;
  /** The fault this change injects, or (decoys) the fault it was placed near. */
  readonly fault: Fault;
  readonly decoy: boolean;
}

interface FaultResult {
  readonly fault: Fault;
  readonly change: Change;
  readonly firstFail: Verdict | undefined;
  readonly last: Verdict | undefined;
  readonly symptomAt: number;
  readonly ranking: Suspect[];
  /** 1-based rank of the injected change; Infinity when it is not a candidate. */
  readonly rank: number;
  readonly decoys: DecoyResult[];
}

interface DecoyResult {
  readonly record: ChangeRecord;
  /** Some fault could show on its service during its window. */
  readonly touched: boolean;
  readonly outcome: 'pass' | 'fail' | 'inconclusive' | 'none';
  readonly verdict: Verdict | undefined;
}

interface DayRun {
  readonly day: NezhaDay;
  readonly faults: FaultResult[];
  readonly decoys: DecoyResult[];
  readonly stats: { points: number; batches: number; verdicts: number; incidents: number; ms: number };
}

// ---------------------------------------------------------------------------------------------
// Changes: the injected faults and the seeded decoys.

/** mulberry32: small, seeded, good enough for placing decoys. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Neutral ids: attribute() breaks exact ties by id, which must not favour either kind of change. */
function changeId(service: string, at: number, salt: string): string {
  return 'chg_' + createHash('sha256').update(`${service}\n${at}\n${salt}`).digest('hex').slice(0, 12);
}

function changeOf(service: string, at: number, kind: ChangeKind, salt: string): Change {
  return completeChange({
    id: changeId(service, at, salt),
    source: 'nezha-eval',
    kind,
    service,
    version: kind === 'deployment' ? `build-${salt}` : null,
    startedAt: at,
    finishedAt: at,
  });
}

function kindOf(type: FaultType): ChangeKind {
  return CODE_FAULTS.includes(type) ? 'deployment' : 'infrastructure';
}

export function buildChanges(day: NezhaDay, seed: number, decoysPerFault: number): ChangeRecord[] {
  const rng = random(seed ^ Number(day.day.replaceAll('-', '')));
  const records: ChangeRecord[] = [];
  const decoyKinds: ChangeKind[] = ['deployment', 'deployment', 'config', 'infrastructure'];
  for (const fault of day.faults) {
    records.push({
      change: changeOf(fault.service, fault.at, kindOf(fault.type), fault.id),
      fault,
      decoy: false,
    });
    const used = new Set<string>();
    for (let k = 0; k < decoysPerFault; k++) {
      const at = Math.round(fault.at + (2 * rng() - 1) * DECOY_SPREAD_MS);
      const eligible = day.services.filter(
        (s) =>
          !used.has(s) &&
          !day.faults.some((f) => f.service === s && Math.abs(f.at - at) <= DECOY_EXCLUSION_MS),
      );
      const kind = decoyKinds[Math.floor(rng() * decoyKinds.length)]!;
      if (eligible.length === 0) continue;
      const service = eligible[Math.floor(rng() * eligible.length)]!;
      used.add(service);
      records.push({ change: changeOf(service, at, kind, `${fault.id}/decoy${k + 1}`), fault, decoy: true });
    }
  }
  return records.sort((a, b) => a.change.startedAt - b.change.startedAt);
}

// ---------------------------------------------------------------------------------------------
// Replay.

function telemetry(day: NezhaDay): TelemetryBatch[] {
  const batches = new Map<string, { service: string; at: number; points: TelemetryPoint[] }>();
  for (const row of day.rows) {
    const minute = Math.floor(row.at / MINUTE) * MINUTE;
    const key = `${row.service}@${minute}`;
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { service: row.service, at: row.at, points: [] }));
    batch.at = Math.max(batch.at, row.at);
    for (const [metric, value] of row.values) {
      const labelled = /^(.*)\{(.*)\}$/.exec(metric);
      const name = labelled ? labelled[1]! : metric;
      const labels = labelled
        ? Object.fromEntries(labelled[2]!.split(',').map((kv) => kv.split('=') as [string, string]))
        : {};
      batch.points.push({ metric: name, value, timestamp: row.at, unit: unitOf(name), labels });
    }
  }
  return [...batches.entries()]
    .sort(([, a], [, b]) => a.at - b.at || a.service.localeCompare(b.service))
    .map(([key, b]) => ({
      id: key,
      service: b.service,
      environment: 'production',
      points: b.points,
      resource: { source: 'nezha' },
    }));
}

function replay(day: NezhaDay, records: readonly ChangeRecord[], settings: Partial<VerifierSettings>) {
  const started = performance.now();
  const batches = telemetry(day);
  const events: { at: number; order: number; input: CorrelatorInput }[] = [];
  batches.forEach((batch) =>
    events.push({
      at: Math.max(...batch.points.map((p) => p.timestamp)),
      order: events.length,
      input: { type: 'telemetry', batch },
    }),
  );
  records.forEach((r) =>
    events.push({
      at: r.change.startedAt,
      order: events.length,
      input: { type: 'change', change: r.change },
    }),
  );
  events.sort((a, b) => a.at - b.at || a.order - b.order);

  const correlator = new Correlator(
    new DeploymentVerifier(settings),
    undefined,
    DEFAULT_CORRELATOR_SETTINGS,
    day.edges,
  );
  const verdicts = new Map<string, Verdict[]>();
  const incidents = new Set<string>();
  let verdictCount = 0;
  const collect = (outputs: ReturnType<Correlator['process']>) => {
    for (const o of outputs) {
      if (o.type === 'verdict') {
        verdictCount++;
        const list = verdicts.get(o.verdict.changeId) ?? [];
        list.push(o.verdict);
        verdicts.set(o.verdict.changeId, list);
      } else if (o.type === 'incident') incidents.add(o.incident.id);
    }
  };
  for (const e of events) collect(correlator.process(e.input));
  collect(correlator.advanceTo(day.end + 3 * 3_600_000));
  return {
    verdicts,
    stats: {
      points: batches.reduce((n, b) => n + b.points.length, 0),
      batches: batches.length,
      verdicts: verdictCount,
      incidents: incidents.size,
      ms: performance.now() - started,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Scoring.

/** The ranking the Correlator would give a symptom on `frontend` at `at`, with the verdicts known by then. */
function attributeAt(
  at: number,
  records: readonly ChangeRecord[],
  verdicts: ReadonlyMap<string, Verdict[]>,
  graph: DependencyGraph,
): Suspect[] {
  const log = new ChangeLog(Number.POSITIVE_INFINITY);
  for (const r of records) log.add(r.change);
  const known = [...verdicts.values()].flat().filter((v) => v.decidedAt <= at);
  known.sort((a, b) => a.decidedAt - b.decidedAt || a.look - b.look);
  for (const v of known) log.recordVerdict(v);
  const { lookbackMs, skewMs } = DEFAULT_ATTRIBUTION;
  return attribute({
    symptom: { service: SYMPTOM_SERVICE, onset: at },
    changes: log.between(at - lookbackMs, at + skewMs),
    facts: (c) => log.facts(c),
    graph,
    settings: DEFAULT_ATTRIBUTION,
  });
}

/** Services a fault on `service` can show on: itself and its transitive callers. */
function reach(service: string, edges: readonly Edge[]): Set<string> {
  const out = new Set([service]);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of edges) {
      if (out.has(e.to) && !out.has(e.from)) {
        out.add(e.from);
        grew = true;
      }
    }
  }
  return out;
}

function outcomeOf(list: readonly Verdict[] | undefined): {
  outcome: DecoyResult['outcome'];
  verdict: Verdict | undefined;
} {
  if (!list || list.length === 0) return { outcome: 'none', verdict: undefined };
  const fail = list.find((v) => v.outcome === 'fail');
  if (fail) return { outcome: 'fail', verdict: fail };
  const final = list.find((v) => v.final) ?? list.at(-1)!;
  return { outcome: final.final ? final.outcome : 'none', verdict: final };
}

export function runDay(day: NezhaDay, options: Options): DayRun {
  const records = buildChanges(day, options.seed, options.decoys);
  const settings: Partial<VerifierSettings> =
    options.ignore.length > 0
      ? {
          ...options.verifier,
          services: Object.fromEntries(day.services.map((s) => [s, { ignore: options.ignore }])),
        }
      : options.verifier;
  const { verdicts, stats } = replay(day, records, settings);
  const graph = new DependencyGraph(day.edges);
  const observationMs =
    (options.verifier.observationMs ?? DEFAULT_VERIFIER_SETTINGS.observationMs) +
    (options.verifier.graceMs ?? DEFAULT_VERIFIER_SETTINGS.graceMs);
  const reaches = new Map(day.services.map((s) => [s, reach(s, day.edges)]));

  const decoys: DecoyResult[] = records
    .filter((r) => r.decoy)
    .map((record) => {
      const t = record.change.startedAt;
      const touched = day.faults.some(
        (f) =>
          f.at >= t - EFFECT_CARRYOVER_MS &&
          f.at <= t + observationMs &&
          reaches.get(f.service)!.has(record.change.service),
      );
      return { record, touched, ...outcomeOf(verdicts.get(record.change.id)) };
    });

  const faults = records
    .filter((r) => !r.decoy)
    .map((r): FaultResult => {
      const list = verdicts.get(r.change.id) ?? [];
      const firstFail = list.find((v) => v.outcome === 'fail');
      const symptomAt = firstFail ? firstFail.decidedAt : r.fault.at + UNDETECTED_SYMPTOM_AFTER_MS;
      const ranking = attributeAt(symptomAt, records, verdicts, graph);
      const index = ranking.findIndex((s) => s.changeId === r.change.id);
      return {
        fault: r.fault,
        change: r.change,
        firstFail,
        last: list.at(-1),
        symptomAt,
        ranking,
        rank: index >= 0 ? index + 1 : Number.POSITIVE_INFINITY,
        decoys: decoys.filter((d) => d.record.fault === r.fault),
      };
    });
  return { day, faults, decoys, stats };
}

// ---------------------------------------------------------------------------------------------
// Reporting.

interface Summary {
  readonly name: string;
  readonly n: number;
  readonly detected: number;
  readonly medianDelayMin: number;
  readonly top1: number;
  readonly top3: number;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(name: string, results: readonly FaultResult[]): Summary {
  const delays = results
    .filter((r) => r.firstFail)
    .map((r) => (r.firstFail!.decidedAt - r.fault.at) / MINUTE);
  return {
    name,
    n: results.length,
    detected: results.filter((r) => r.firstFail).length,
    medianDelayMin: median(delays),
    top1: results.filter((r) => r.rank === 1).length,
    top3: results.filter((r) => r.rank <= 3).length,
  };
}

const pct = (k: number, n: number) => (n > 0 ? `${((100 * k) / n).toFixed(0)}%` : '–');
const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

function summaryRows(results: readonly FaultResult[]): Summary[] {
  const code = results.filter((r) => CODE_FAULTS.includes(r.fault.type));
  return [
    ...FAULT_TYPES.map((t) =>
      summarise(
        t,
        results.filter((r) => r.fault.type === t),
      ),
    ),
    summarise('code-level (return + exception)', code),
    summarise(
      'cpu/network',
      results.filter((r) => !CODE_FAULTS.includes(r.fault.type)),
    ),
    summarise('**all**', results),
  ];
}

function decoyLine(decoys: readonly DecoyResult[]): string {
  const count = (list: readonly DecoyResult[], o: DecoyResult['outcome']) =>
    list.filter((d) => d.outcome === o).length;
  const clean = decoys.filter((d) => !d.touched);
  const touched = decoys.filter((d) => d.touched);
  return (
    `${decoys.length} decoys: ${clean.length} on services no fault touches during their window → ` +
    `${count(clean, 'fail')} fail (false-fail rate ${pct(count(clean, 'fail'), clean.length)}), ${count(clean, 'pass')} pass, ` +
    `${count(clean, 'inconclusive') + count(clean, 'none')} inconclusive; ${touched.length} on a faulty service's caller (or the service itself) during a fault → ` +
    `${count(touched, 'fail')} fail, ${count(touched, 'pass')} pass, ${count(touched, 'inconclusive') + count(touched, 'none')} inconclusive`
  );
}

export function markdown(runs: readonly DayRun[], options: Options): string {
  const results = runs.flatMap((r) => r.faults);
  const decoys = runs.flatMap((r) => r.decoys);
  const rows = summaryRows(results);
  const lines: string[] = [];
  const overrides =
    (Object.keys(options.verifier).length > 0
      ? `with ${JSON.stringify(options.verifier)}`
      : 'with its default settings') +
    (options.ignore.length > 0
      ? `, ignoring metrics ${options.ignore.map((p) => `/${p}/`).join(', ')}`
      : '') +
    (options.edges
      ? '; pod metrics and per-edge latencies (source_50/destination_50, service-graph points labelled client/server)'
      : '; pod metrics only');
  lines.push(
    `Days ${runs.map((r) => `${r.day.day} (${r.day.faults.length} faults)`).join(', ')}; ${options.decoys} decoys per fault (seed ${options.seed}); ` +
      `DeploymentVerifier ${overrides}; attribution with DEFAULT_ATTRIBUTION.`,
  );
  lines.push('');
  lines.push('| fault type | faults | detected | detection rate | median delay (min) | top-1 | top-3 |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const s of rows) {
    lines.push(
      `| ${s.name} | ${s.n} | ${s.detected} | ${pct(s.detected, s.n)} | ${num(s.medianDelayMin)} | ${pct(s.top1, s.n)} (${s.top1}) | ${pct(s.top3, s.n)} (${s.top3}) |`,
    );
  }
  lines.push('');
  const detected = results.filter((r) => r.firstFail);
  const missed = results.filter((r) => !r.firstFail);
  lines.push(
    `Attribution by detection: top-1 ${pct(detected.filter((r) => r.rank === 1).length, detected.length)} of the ${detected.length} detected faults ` +
      `(symptom at the fail verdict), ${pct(missed.filter((r) => r.rank === 1).length, missed.length)} of the ${missed.length} undetected ones (symptom at injection + 2 min, no verdict yet).`,
  );
  lines.push('');
  lines.push(decoyLine(decoys) + '.');
  lines.push('');
  const all = rows.at(-1)!;
  const code = rows.find((r) => r.name.startsWith('code-level'))!;
  lines.push('| goal | target | result | met |');
  lines.push('|---|---|---|---|');
  lines.push(
    `| code-level faults detected | all | ${code.detected} of ${code.n} | ${code.detected === code.n ? 'yes' : 'no'} |`,
  );
  lines.push(
    `| top-1 over all faults | ≥ 90% | ${pct(all.top1, all.n)} | ${all.top1 / all.n >= 0.9 ? 'yes' : 'no'} |`,
  );
  lines.push(
    `| median detection delay | ≤ 2 min | ${num(all.medianDelayMin)} min | ${all.medianDelayMin <= 2 ? 'yes' : 'no'} |`,
  );
  lines.push('');
  lines.push(
    'Per fault (delay in minutes after injection; rank of the injected change for a symptom on frontend):',
  );
  lines.push('');
  lines.push('| fault | time (UTC) | service | type | verdict | delay | rank | top suspect |');
  lines.push('|---|---|---|---|---|---:|---:|---|');
  for (const r of results) {
    const top = r.ranking[0]!;
    const topText =
      top.changeId === r.change.id
        ? 'injected'
        : top.changeId === null
          ? 'no change'
          : `${top.service} (${describe(top.changeId, runs)})`;
    lines.push(
      `| ${r.fault.id} | ${clock(r.fault.at)} | ${r.fault.service} | ${r.fault.type} | ${verdictText(r)} | ${r.firstFail ? num((r.firstFail.decidedAt - r.fault.at) / MINUTE, 0) : '–'} | ${Number.isFinite(r.rank) ? r.rank : '–'} | ${topText} |`,
    );
  }
  return lines.join('\n');
}

function verdictText(r: FaultResult): string {
  if (r.firstFail) return 'fail';
  const final = r.last?.final ? r.last : undefined;
  return final ? final.outcome : 'none';
}

function describe(id: string, runs: readonly DayRun[]): string {
  for (const run of runs) {
    const f = run.faults.find((x) => x.change.id === id);
    if (f) return `fault ${f.fault.id} ${f.fault.type}`;
    const d = run.decoys.find((x) => x.record.change.id === id);
    if (d) return `decoy, ${d.outcome}`;
  }
  return id;
}

function explain(run: DayRun, log: (line: string) => void): void {
  for (const r of run.faults) {
    const rel = (t: number) => `${((t - r.fault.at) / MINUTE).toFixed(1)} min`;
    log(
      `\n${r.fault.id} ${clock(r.fault.at)} ${r.fault.service} ${r.fault.type} (${r.change.kind} ${r.change.id})`,
    );
    if (r.firstFail)
      log(`  FAIL at +${rel(r.firstFail.decidedAt)} (look ${r.firstFail.look}): ${r.firstFail.summary}`);
    else if (r.last)
      log(
        `  ${r.last.final ? r.last.outcome.toUpperCase() : 'no final verdict'} at +${rel(r.last.decidedAt)}: ${r.last.summary}`,
      );
    else log('  no verdict');
    const shown = r.firstFail ?? r.last;
    for (const m of shown?.metrics.slice(0, 4) ?? []) log(`    ${m.outcome.padEnd(12)} ${m.reason}`);
    for (const d of r.decoys) {
      log(
        `  decoy ${d.record.change.service} ${d.record.change.kind} at ${rel(d.record.change.startedAt)} → ${d.outcome}${d.touched ? ' (touched by a fault)' : ''}` +
          (d.outcome === 'fail' && d.verdict ? `: ${d.verdict.metrics[0]?.reason ?? ''}` : ''),
      );
    }
    log(
      `  attribution of a symptom on ${SYMPTOM_SERVICE} at +${rel(r.symptomAt)}: injected change ranks ${r.rank}`,
    );
    r.ranking.slice(0, 4).forEach((s, i) => {
      const who =
        s.changeId === null
          ? 'no change'
          : s.changeId === r.change.id
            ? `INJECTED ${s.service}`
            : `${s.service} (${describe(s.changeId, [run])})`;
      const ev = s.evidence
        .map((e) => `${e.factor} ${e.weight >= 0 ? '+' : ''}${e.weight.toFixed(2)}`)
        .join(', ');
      log(`    ${i + 1}. ${(s.probability * 100).toFixed(1).padStart(5)}% ${who} [${ev}]`);
    });
  }
}

function writeSection(body: string, marker = 'nezha'): void {
  const file = projectPath('eval', 'nezha', 'REPORT.md');
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} … ${end} not found in ${file}`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
}

function options(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const verifier: Record<string, unknown> = {};
  argv.forEach((a, i) => {
    if (a !== '--set') return;
    const [key, raw] = (argv[i + 1] ?? '').split('=');
    if (!key || raw === undefined || !(key in DEFAULT_VERIFIER_SETTINGS))
      throw new Error(`--set needs key=value with a VerifierSettings key, got ${argv[i + 1]}`);
    verifier[key] =
      raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  });
  const day = value('day');
  const ignore = argv.flatMap((a, i) => (a === '--ignore' && argv[i + 1] ? [argv[i + 1]!] : []));
  return {
    edges: !argv.includes('--pod-only'),
    ignore,
    days: day ? [day] : nezhaDays(),
    seed: Number(value('seed') ?? 1),
    seeds: Number(value('seeds') ?? 0),
    decoys: Number(value('decoys') ?? 2),
    explain: argv.includes('--explain'),
    variants: argv.includes('--variants'),
    write: argv.includes('--write'),
    verifier: verifier as Partial<VerifierSettings>,
  };
}

function main(): void {
  const o = options(process.argv.slice(2));
  const log = (line: string) => process.stdout.write(line + '\n');
  const runs: DayRun[] = [];
  for (const d of o.days) {
    const day = loadDay(d, { edges: o.edges });
    const run = runDay(day, o);
    runs.push(run);
    const s = run.stats;
    process.stderr.write(
      `${d}: ${day.faults.length} faults, ${run.decoys.length} decoys, ${s.points.toLocaleString('en-US')} points in ${s.batches.toLocaleString('en-US')} batches → ` +
        `${s.verdicts} verdicts, ${s.incidents} incidents (${(s.ms / 1000).toFixed(1)} s)\n`,
    );
    if (o.explain) explain(run, log);
  }
  let md = markdown(runs, o);
  if (o.seeds > 1) md += '\n\n' + seedSpread(o, (d) => loadDay(d, { edges: o.edges }));
  log('');
  log(md);
  if (o.write) writeSection(md);
  if (o.variants) {
    const table = variants(o);
    log('');
    log(table);
    if (o.write) writeSection(table, 'nezha-variants');
  }
}

/** What was tried: each a principled setting or more evidence, never a value fitted to this data. */
const VARIANTS: readonly {
  name: string;
  why: string;
  verifier?: Partial<VerifierSettings>;
  ignore?: string[];
  edges?: boolean;
}[] = [
  { name: 'defaults (the headline)', why: '' },
  {
    name: 'pod metrics only',
    why: 'no service-graph edges (the first headline)',
    edges: false,
  },
  { name: 'α = 5%', why: 'five times the false-fail budget', verifier: { alpha: 0.05 } },
  { name: 'linear α spending', why: 'α spent evenly over the looks', verifier: { spending: 'linear' } },
  {
    name: 'no autocorrelation deflation',
    why: 'independent-sample p-values',
    verifier: { autocorrelation: false },
  },
  { name: 'observation 5 min', why: 'α spread over fewer looks', verifier: { observationMs: 5 * MINUTE } },
  {
    name: 'node-level and duplicate metrics not judged',
    why: 'fewer tests share the α',
    ignore: ['^Node', '^CpuUsage\\(m\\)', '^MemoryUsage\\(Mi\\)'],
  },
  {
    name: 'minObservationPoints 2',
    why: '2 points = 2 min at 1-min resolution',
    verifier: { minObservationPoints: 2 },
  },
];

function variants(o: Options): string {
  const plain = o.days.map((d) => loadDay(d));
  const withEdges = o.days.map((d) => loadDay(d, { edges: true }));
  const lines = [
    '| variant | why | detected | code-level detected | median delay (min) | top-1 | top-3 | clean decoys failing |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const v of VARIANTS) {
    process.stderr.write(`variant: ${v.name}\n`);
    const opts: Options = {
      ...o,
      verifier: v.verifier ?? {},
      ignore: v.ignore ?? [],
      edges: v.edges ?? true,
    };
    const runs = (opts.edges ? withEdges : plain).map((day) => runDay(day, opts));
    const results = runs.flatMap((r) => r.faults);
    const all = summarise('all', results);
    const code = summarise(
      'code',
      results.filter((r) => CODE_FAULTS.includes(r.fault.type)),
    );
    const clean = runs.flatMap((r) => r.decoys).filter((d) => !d.touched);
    const falseFails = clean.filter((d) => d.outcome === 'fail').length;
    lines.push(
      `| ${v.name} | ${v.why} | ${all.detected}/${all.n} (${pct(all.detected, all.n)}) | ${code.detected}/${code.n} | ${num(all.medianDelayMin)} | ` +
        `${pct(all.top1, all.n)} | ${pct(all.top3, all.n)} | ${falseFails}/${clean.length} (${pct(falseFails, clean.length)}) |`,
    );
  }
  return lines.join('\n');
}

/** The decoys are random: the attribution and decoy figures over seeds 1…n (detection does not depend on them). */
function seedSpread(o: Options, load: (day: string) => NezhaDay): string {
  const days = o.days.map(load);
  const rows: number[][] = [];
  for (let seed = 1; seed <= o.seeds; seed++) {
    process.stderr.write(`seed ${seed}/${o.seeds}\r`);
    const runs = days.map((day) => runDay(day, { ...o, seed }));
    const results = runs.flatMap((r) => r.faults);
    const clean = runs.flatMap((r) => r.decoys).filter((d) => !d.touched);
    rows.push([
      (100 * results.filter((r) => r.rank === 1).length) / results.length,
      (100 * results.filter((r) => r.rank <= 3).length) / results.length,
      (100 * clean.filter((d) => d.outcome === 'fail').length) / clean.length,
    ]);
  }
  const spread = (i: number) => {
    const v = rows.map((r) => r[i]!).sort((a, b) => a - b);
    return `${v[0]!.toFixed(0)}% / ${median(v).toFixed(0)}% / ${v.at(-1)!.toFixed(0)}%`;
  };
  return (
    `Over decoy seeds 1–${o.seeds} (min / median / max): top-1 ${spread(0)}, top-3 ${spread(1)}, ` +
    `false-fail rate of clean decoys ${spread(2)}.`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
