// Nezha-layout evaluation of post-deployment verification and change attribution
// (`npm run eval:nezha -- [options]`, i.e. node dist/eval/nezha/run.js; --help lists them).
//
//   --data DIR        a day folder, or a folder of day folders (default: the OnlineBoutique days
//                     under $AFTERSHOCK_DATASETS/nezha-onlineboutique/rca_data)
//   --front SERVICE   the entry service whose user-facing symptoms are attributed (default frontend)
//   --graph FILE|none the call graph the correlator is given (default: each day's dependency.csv
//                     when it has one; none: no graph, only what telemetry teaches)
//   --watch front|all whose user-facing series raise symptoms: the entry service's (default) or
//                     every service's, as the fleet evaluation watches them
//   --json            print one JSON object with the out-of-sample figures instead of the report
//
// Every injected fault becomes a change on its service at its injection time, with decoy
// changes nearby (changes.ts); the day is replayed through the real correlator (replay.ts);
// symptoms come from the data, as a user's stack raises them (../common/symptoms.ts), never
// from label times; scoring in score.ts. Settings that are tuned (the alert rule's factor and
// the attribution's hazard decay) are chosen on the other days: with two days or more each day
// is reported with the settings that did best on the others (out of sample, the headline),
// beside the settings that did best on itself (in sample). With one day: the defaults.
import { join } from 'node:path';
import { projectPath } from '#config';
import { DEFAULT_VERIFIER_SETTINGS, type Edge, type VerifierSettings } from '#core';
import { runCli, UsageError, type OptionSpecs, type ParsedOptions } from '../common/args.js';
import { datasetsDir } from '../common/datasets.js';
import { median, pct, writeSection } from '../common/report.js';
import { buildChanges } from './changes.js';
import { CODE_FAULTS, findDays, loadDay, readEdges, type NezhaDay } from './nezha-data.js';
import { DEFAULT_KNOBS, replay, type Knobs, type Watch } from './replay.js';
import {
  scoreDay,
  tune,
  type DayScore,
  type FaultScore,
  type ScoreSetup,
  type SymptomChoice,
} from './score.js';

const MINUTE = 60_000;

const SOURCE_TEXT: Record<SymptomChoice, string> = {
  either: 'alert rule or anomaly detector, whichever is first',
  alert: 'alert rule',
  anomaly: 'anomaly detector',
  engine:
    "alert rule, anomaly detector or the engine's incident for a failed verification, whichever is first",
  verification: "the engine's incidents for failed verifications",
};

const OPTIONS: OptionSpecs = {
  data: { kind: 'string', help: 'a Nezha-layout day folder or a folder of them' },
  front: { kind: 'string', help: 'the entry service (default frontend)' },
  graph: {
    kind: 'string',
    help: "call graph file (Source,Target CSV) or 'none' (default: each day's dependency.csv)",
  },
  json: { kind: 'flag', help: 'print the out-of-sample figures as one JSON object' },
  symptoms: {
    kind: 'string',
    help: "symptom sources: either (alert or anomaly, default), alert, anomaly, engine (either, or a failed verification's incident), verification (those incidents alone)",
  },
  watch: {
    kind: 'string',
    help: 'whose user-facing series raise symptoms: front (the entry service, default) or all (every service)',
  },
  seed: { kind: 'number', help: 'decoy seed (default 1)' },
  seeds: { kind: 'number', help: 'also report the spread over decoy seeds 1…N' },
  decoys: { kind: 'number', help: 'decoys per fault (default 2)' },
  'no-edges': { kind: 'flag', help: 'do not replay the per-edge latency files' },
  set: { kind: 'list', help: 'verifier setting key=value (repeatable)' },
  ignore: { kind: 'list', help: 'metric name pattern not judged on any service (repeatable)' },
  explain: { kind: 'flag', help: "print every fault's verdicts, symptom and ranking" },
  variants: { kind: 'flag', help: 'also run the fixed list of verifier variants' },
  write: { kind: 'flag', help: 'write the report sections into eval/nezha/REPORT.md' },
  help: { kind: 'flag', help: 'this text' },
};

interface Options {
  readonly data: string;
  readonly front: string;
  /** undefined: each day's own dependency.csv. */
  readonly graph: string | 'none' | undefined;
  readonly sources: SymptomChoice;
  readonly watch: Watch;
  readonly seed: number;
  readonly decoys: number;
  readonly edges: boolean;
  readonly verifier: Partial<VerifierSettings>;
  readonly ignore: readonly string[];
}

function readOptions(o: ParsedOptions): Options {
  const verifier: Record<string, unknown> = {};
  for (const kv of o.list('set')) {
    const [key, raw] = kv.split('=');
    if (!key || raw === undefined || !(key in DEFAULT_VERIFIER_SETTINGS))
      throw new UsageError(`--set needs key=value with a verifier setting, got ${kv}`);
    verifier[key] =
      raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  const sources = o.string('symptoms') ?? 'either';
  if (!Object.keys(SOURCE_TEXT).includes(sources))
    throw new UsageError(`--symptoms must be one of ${Object.keys(SOURCE_TEXT).join(', ')}, got ${sources}`);
  const watch = o.string('watch') ?? 'front';
  if (watch !== 'front' && watch !== 'all')
    throw new UsageError(`--watch must be front or all, got ${watch}`);
  return {
    data: o.string('data') ?? join(datasetsDir(), 'nezha-onlineboutique', 'rca_data'),
    front: o.string('front') ?? 'frontend',
    graph: o.string('graph'),
    sources: sources as SymptomChoice,
    watch,
    seed: o.number('seed') ?? 1,
    decoys: o.number('decoys') ?? 2,
    edges: !o.flag('no-edges'),
    verifier: verifier as Partial<VerifierSettings>,
    ignore: o.list('ignore'),
  };
}

interface LoadedDay {
  readonly day: NezhaDay;
  /** The graph the correlator is given, and where it came from. */
  readonly edges: readonly Edge[];
  readonly graphFile: string | null;
  /** The graph decoys are judged "touched" by: the given one, else the day's own, else edges seen in telemetry. */
  readonly truthEdges: readonly Edge[] | null;
}

function loadDays(o: Options): LoadedDay[] {
  let found: string[];
  try {
    found = findDays(o.data);
  } catch (e) {
    throw new UsageError(`--data ${o.data}: ${(e as Error).message}`);
  }
  return found.map((dir) => {
    const day = loadDay(dir, { front: o.front, edges: o.edges });
    if (!day.services.includes(o.front))
      throw new UsageError(`${day.day}: no service ${o.front}; --front one of ${day.services.join(', ')}`);
    const graphFile = o.graph === 'none' ? null : (o.graph ?? day.dependencyFile);
    const edges = graphFile ? readEdges(graphFile, day.services) : [];
    const own = day.dependencyFile ? readEdges(day.dependencyFile, day.services) : null;
    return { day, edges, graphFile, truthEdges: graphFile ? edges : own };
  });
}

/** One replay per day for one decoy seed and verifier setting; scoring is cheap and done per knob setting. */
function replayDays(days: readonly LoadedDay[], o: Options, seed = o.seed): ScoreSetup[] {
  const verifier: Partial<VerifierSettings> =
    o.ignore.length > 0
      ? {
          ...o.verifier,
          services: Object.fromEntries(
            days.flatMap((d) => d.day.services).map((s) => [s, { ignore: [...o.ignore] }]),
          ),
        }
      : o.verifier;
  const observationMs =
    (o.verifier.observationMs ?? DEFAULT_VERIFIER_SETTINGS.observationMs) +
    (o.verifier.graceMs ?? DEFAULT_VERIFIER_SETTINGS.graceMs);
  return days.map(({ day, edges, truthEdges }) => {
    const records = buildChanges(day, seed, o.decoys);
    const result = replay({ day, front: o.front, watch: o.watch, records, edges, verifier });
    const s = result.stats;
    process.stderr.write(
      `${day.day}: ${day.faults.length} faults, ${records.length - day.faults.length} decoys, ${s.points.toLocaleString('en-US')} points in ` +
        `${s.batches.toLocaleString('en-US')} batches → ${s.verdicts} verdicts, ${result.symptoms.length} symptom readings (${(s.ms / 1000).toFixed(1)} s)\n`,
    );
    return { day, records, result, sources: o.sources, front: o.front, truthEdges, observationMs };
  });
}

interface Evaluation {
  /** Each day with the knobs tuned on the other days (with one day: the defaults). */
  readonly outOfSample: DayScore[];
  /** Each day with the knobs tuned on itself. */
  readonly inSample: DayScore[];
}

function evaluate(setups: readonly ScoreSetup[]): Evaluation {
  const outOfSample = setups.map((s, i) => {
    const others = setups.filter((_, j) => j !== i);
    return scoreDay(s, others.length > 0 ? tune(others) : DEFAULT_KNOBS);
  });
  const inSample = setups.map((s) => scoreDay(s, tune([s])));
  return { outOfSample, inSample };
}

// ---------------------------------------------------------------------------------------------
// Figures.

interface Summary {
  readonly name: string;
  readonly n: number;
  readonly detected: number;
  readonly medianDelayMin: number;
  readonly raised: number;
  readonly top1: number;
  readonly top3: number;
  readonly top1Raised: number;
  readonly latest: number;
  readonly shift: number;
}

function summarise(name: string, faults: readonly FaultScore[]): Summary {
  const delays = faults.filter((r) => r.firstFail).map((r) => (r.firstFail!.decidedAt - r.fault.at) / MINUTE);
  return {
    name,
    n: faults.length,
    detected: faults.filter((r) => r.firstFail).length,
    medianDelayMin: median(delays),
    raised: faults.filter((r) => r.symptom).length,
    top1: faults.filter((r) => r.rank === 1).length,
    top3: faults.filter((r) => r.rank <= 3).length,
    top1Raised: faults.filter((r) => r.symptom && r.rank === 1).length,
    latest: faults.filter((r) => r.latestHit).length,
    shift: faults.filter((r) => r.shiftHit).length,
  };
}

function cleanDecoys(scores: readonly DayScore[]) {
  const clean = scores.flatMap((s) => s.decoys).filter((d) => !d.touched);
  return { clean: clean.length, failing: clean.filter((d) => d.outcome === 'fail').length };
}

export interface NezhaFigures {
  readonly data: string;
  readonly front: string;
  readonly graph: string;
  readonly faults: number;
  readonly detected: number;
  readonly codeLevelFaults: number;
  readonly codeLevelDetected: number;
  readonly top1: number;
  readonly top3: number;
  readonly medianDelayMin: number | null;
  readonly cleanDecoys: number;
  readonly cleanDecoysFailing: number;
}

function graphUsed(days: readonly LoadedDay[]): string {
  const files = [...new Set(days.map((d) => d.graphFile ?? 'none'))];
  return files.join(', ');
}

function figures(o: Options, days: readonly LoadedDay[], scores: readonly DayScore[]): NezhaFigures {
  const faults = scores.flatMap((s) => s.faults);
  const all = summarise('all', faults);
  const code = summarise(
    'code',
    faults.filter((f) => CODE_FAULTS.includes(f.fault.type)),
  );
  const decoys = cleanDecoys(scores);
  return {
    data: o.data,
    front: o.front,
    graph: graphUsed(days),
    faults: all.n,
    detected: all.detected,
    codeLevelFaults: code.n,
    codeLevelDetected: code.detected,
    top1: all.n > 0 ? all.top1 / all.n : 0,
    top3: all.n > 0 ? all.top3 / all.n : 0,
    medianDelayMin: Number.isFinite(all.medianDelayMin) ? all.medianDelayMin : null,
    cleanDecoys: decoys.clean,
    cleanDecoysFailing: decoys.failing,
  };
}

// ---------------------------------------------------------------------------------------------
// Report.

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
const knobText = (k: Knobs) => `alert factor ${k.alertFactor}, hazard decay ${k.hazardDecayMs / MINUTE} min`;

function summaryTable(faults: readonly FaultScore[]): string[] {
  const types = [...new Set(faults.map((f) => f.fault.type))].sort();
  const rows = [
    ...types.map((t) =>
      summarise(
        t,
        faults.filter((f) => f.fault.type === t),
      ),
    ),
    summarise(
      'code-level (return + exception)',
      faults.filter((f) => CODE_FAULTS.includes(f.fault.type)),
    ),
    summarise('**all**', faults),
  ];
  const lines = [
    '| fault type | faults | detected | median delay (min) | symptom raised | top-1 (all faults) | top-1 (raised) | top-3 (all) | latest-change floor | median-shift floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of rows)
    lines.push(
      `| ${s.name} | ${s.n} | ${s.detected} (${pct(s.detected, s.n)}) | ${num(s.medianDelayMin)} | ${s.raised} | ${pct(s.top1, s.n)} (${s.top1}) | ` +
        `${pct(s.top1Raised, s.raised)} (${s.top1Raised}/${s.raised}) | ${pct(s.top3, s.n)} | ${pct(s.latest, s.raised)} | ${pct(s.shift, s.raised)} |`,
    );
  return lines;
}

function decoyLine(scores: readonly DayScore[]): string {
  const decoys = scores.flatMap((s) => s.decoys);
  const count = (list: typeof decoys, o: string) => list.filter((d) => d.outcome === o).length;
  const clean = decoys.filter((d) => !d.touched);
  const touched = decoys.filter((d) => d.touched);
  return (
    `${decoys.length} decoys: ${clean.length} on services no fault touches during their window → ` +
    `${count(clean, 'fail')} fail (${pct(count(clean, 'fail'), clean.length, 1)}), ${count(clean, 'pass')} pass, ` +
    `${count(clean, 'inconclusive') + count(clean, 'none')} inconclusive; ${touched.length} on a faulty service's caller (or the service itself) during a fault → ` +
    `${count(touched, 'fail')} fail, ${count(touched, 'pass')} pass, ${count(touched, 'inconclusive') + count(touched, 'none')} inconclusive`
  );
}

function markdown(o: Options, days: readonly LoadedDay[], e: Evaluation): string {
  const lines: string[] = [];
  const f = figures(o, days, e.outOfSample);
  const hours = days.reduce((h, d) => h + (d.day.end - d.day.start) / 3_600_000, 0);
  lines.push(
    `Days ${days.map((d) => `${d.day.day} (${d.day.faults.length} faults)`).join(', ')}; entry service \`${o.front}\`; graph: ${f.graph}; ` +
      `symptoms: ${SOURCE_TEXT[o.sources]}, on ${o.watch === 'all' ? "every service's" : "the entry service's"} user-facing series; ${o.decoys} decoys per fault (seed ${o.seed}); ` +
      `DeploymentVerifier ${Object.keys(o.verifier).length > 0 ? `with ${JSON.stringify(o.verifier)}` : 'with its default settings'}` +
      `${o.ignore.length > 0 ? `, ignoring ${o.ignore.map((p) => `/${p}/`).join(', ')}` : ''}; ${o.edges ? 'per-edge latencies replayed where present' : 'no per-edge latencies'}.`,
  );
  lines.push('');
  if (days.length > 1) {
    lines.push(
      'Tuned settings, chosen on the other day(s) for each reported day (out of sample), and on the day itself (in sample):',
    );
    lines.push('');
    lines.push(
      '| reported day | tuned on | settings | top-1 out of sample | top-1 in sample (its own best settings) |',
    );
    lines.push('|---|---|---|---:|---:|');
    e.outOfSample.forEach((s, i) => {
      const ins = e.inSample[i]!;
      const n = s.faults.length;
      lines.push(
        `| ${s.day.day} | ${days
          .filter((_, j) => j !== i)
          .map((d) => d.day.day)
          .join(', ')} | ${knobText(s.knobs)} | ` +
          `${pct(s.faults.filter((x) => x.rank === 1).length, n)} | ${pct(ins.faults.filter((x) => x.rank === 1).length, n)} (${knobText(ins.knobs)}) |`,
      );
    });
    lines.push('');
  }
  lines.push(
    `Out of sample${days.length > 1 ? ' (each day with the settings tuned on the other)' : ' (default settings)'}:`,
  );
  lines.push('');
  const faults = e.outOfSample.flatMap((s) => s.faults);
  lines.push(...summaryTable(faults));
  lines.push('');
  for (const s of e.outOfSample) {
    const one = summarise(s.day.day, s.faults);
    const d = cleanDecoys([s]);
    lines.push(
      `- ${s.day.day}: detected ${one.detected}/${one.n}, top-1 ${pct(one.top1, one.n)} (${pct(one.top1Raised, one.raised)} of ${one.raised} with a symptom), ` +
        `code-level ${
          summarise(
            '',
            s.faults.filter((x) => CODE_FAULTS.includes(x.fault.type)),
          ).detected
        }/${s.faults.filter((x) => CODE_FAULTS.includes(x.fault.type)).length}, ` +
        `clean decoys failing ${d.failing}/${d.clean}, symptoms raised away from any fault: ${s.strayAlerts}.`,
    );
  }
  lines.push('');
  lines.push(decoyLine(e.outOfSample) + '.');
  lines.push(
    `Symptoms raised away from every fault: ${e.outOfSample.reduce((n, s) => n + s.strayAlerts, 0)} in ${num(hours, 0)} hours of data.`,
  );
  lines.push('');
  lines.push('| goal (out of sample) | target | result | met |');
  lines.push('|---|---|---|---|');
  const clean = cleanDecoys(e.outOfSample);
  lines.push(
    `| top-1 over all faults | ≥ 90% | ${pct(f.top1 * f.faults, f.faults)} | ${f.top1 >= 0.9 ? 'yes' : 'no'} |`,
  );
  lines.push(
    `| code-level faults detected | ≥ 12/14 | ${f.codeLevelDetected}/${f.codeLevelFaults} | ${f.codeLevelDetected >= Math.ceil((12 / 14) * f.codeLevelFaults) ? 'yes' : 'no'} |`,
  );
  lines.push(
    `| clean decoys failing | ≤ 2% | ${pct(clean.failing, clean.clean, 1)} | ${clean.failing <= 0.02 * clean.clean ? 'yes' : 'no'} |`,
  );
  lines.push('');
  lines.push(
    `Per fault (delay in minutes after injection; symptom: source and minutes after injection it was raised; rank of the injected change 5 min later):`,
  );
  lines.push('');
  lines.push('| fault | time (UTC) | service | type | verdict | delay | symptom | rank | top suspect |');
  lines.push('|---|---|---|---|---|---:|---|---:|---|');
  for (const r of faults) {
    const top = r.ranking[0];
    const topText = !top
      ? '–'
      : top.changeId === r.change.id
        ? 'injected'
        : top.changeId === null
          ? 'no change'
          : `${top.service} (${describe(top.changeId, e.outOfSample)})`;
    const sym = r.symptom
      ? `${r.symptom.symptom.source} +${num((r.symptom.symptom.raisedAt - r.fault.at) / MINUTE, 0)}`
      : 'none';
    lines.push(
      `| ${r.fault.id} | ${clock(r.fault.at)} | ${r.fault.service} | ${r.fault.type} | ${verdictText(r)} | ${r.firstFail ? num((r.firstFail.decidedAt - r.fault.at) / MINUTE, 0) : '–'} | ${sym} | ${Number.isFinite(r.rank) ? r.rank : '–'} | ${topText} |`,
    );
  }
  return lines.join('\n');
}

function verdictText(r: FaultScore): string {
  if (r.firstFail) return 'fail';
  return r.last?.final ? r.last.outcome : 'none';
}

function describe(id: string, scores: readonly DayScore[]): string {
  for (const s of scores) {
    const f = s.faults.find((x) => x.change.id === id);
    if (f) return `fault ${f.fault.id} ${f.fault.type}`;
    const d = s.decoys.find((x) => x.record.change.id === id);
    if (d) return `decoy, ${d.outcome}`;
  }
  return id;
}

function explain(s: DayScore, watch: Watch, log: (line: string) => void): void {
  for (const r of s.faults) {
    const rel = (t: number) => `${((t - r.fault.at) / MINUTE).toFixed(1)} min`;
    log(
      `\n${r.fault.id} ${clock(r.fault.at)} ${r.fault.service} ${r.fault.type} (${r.change.kind} ${r.change.id})`,
    );
    const shown = r.firstFail ?? r.last;
    if (r.firstFail)
      log(`  FAIL at +${rel(r.firstFail.decidedAt)} (look ${r.firstFail.look}): ${r.firstFail.summary}`);
    else if (r.last)
      log(
        `  ${r.last.final ? r.last.outcome.toUpperCase() : 'no final verdict'} at +${rel(r.last.decidedAt)}: ${r.last.summary}`,
      );
    else log('  no verdict');
    for (const m of shown?.metrics.slice(0, 4) ?? []) log(`    ${m.outcome.padEnd(12)} ${m.reason}`);
    for (const d of s.decoys.filter((x) => x.record.fault === r.fault))
      log(
        `  decoy ${d.record.change.service} ${d.record.change.kind} at ${rel(d.record.change.startedAt)} → ${d.outcome}${d.touched ? ' (touched by a fault)' : ''}` +
          (d.outcome === 'fail' && d.verdict ? `: ${d.verdict.metrics[0]?.reason ?? ''}` : ''),
      );
    if (!r.symptom) {
      log(
        `  no symptom raised on ${watch === 'all' ? 'any service' : 'the entry service'}: nothing to attribute`,
      );
      continue;
    }
    const sym = r.symptom.symptom;
    log(
      `  symptom: ${sym.source} on ${sym.service} ${sym.metric}, onset +${rel(sym.onset)}, raised +${rel(sym.raisedAt)}; injected change ranks ${r.rank}`,
    );
    r.ranking.slice(0, 4).forEach((x, i) => {
      const who =
        x.changeId === null
          ? 'no change'
          : x.changeId === r.change.id
            ? `INJECTED ${x.service}`
            : `${x.service} (${describe(x.changeId, [s])})`;
      const ev = x.evidence
        .map((v) => `${v.factor} ${v.weight >= 0 ? '+' : ''}${v.weight.toFixed(2)}`)
        .join(', ');
      log(`    ${i + 1}. ${(x.probability * 100).toFixed(1).padStart(5)}% ${who} [${ev}]`);
    });
  }
}

/** The decoys are random: attribution and decoy figures over seeds 1…n (detection does not depend on them). */
function seedSpread(days: readonly LoadedDay[], o: Options, n: number): string {
  const rows: number[][] = [];
  for (let seed = 1; seed <= n; seed++) {
    process.stderr.write(`seed ${seed}/${n}\n`);
    const e = evaluate(replayDays(days, o, seed));
    const f = figures(o, days, e.outOfSample);
    rows.push([100 * f.top1, 100 * f.top3, (100 * f.cleanDecoysFailing) / Math.max(1, f.cleanDecoys)]);
  }
  const spread = (i: number) => {
    const v = rows.map((r) => r[i]!).sort((a, b) => a - b);
    return `${v[0]!.toFixed(0)}% / ${median(v).toFixed(0)}% / ${v.at(-1)!.toFixed(0)}%`;
  };
  return `Over decoy seeds 1–${n} (min / median / max, out of sample): top-1 ${spread(0)}, top-3 ${spread(1)}, clean decoys failing ${spread(2)}.`;
}

/** What was tried: each a principled setting or more evidence, never a value fitted to this data. */
const VARIANTS: readonly {
  name: string;
  why: string;
  verifier?: Partial<VerifierSettings>;
  ignore?: string[];
  edges?: boolean;
  graph?: 'none';
}[] = [
  { name: 'defaults (the headline)', why: '' },
  { name: 'no call graph given', why: 'only what telemetry teaches', graph: 'none' },
  { name: 'pod metrics only', why: 'no per-edge latencies', edges: false },
  { name: 'α = 5%', why: 'five times the false-fail budget', verifier: { alpha: 0.05 } },
  {
    name: 'minObservationPoints 2',
    why: '2 points = 2 min at 1-min resolution',
    verifier: { minObservationPoints: 2 },
  },
];

function variants(o: Options): string {
  const lines = [
    '| variant | why | detected | code-level detected | median delay (min) | top-1 | top-3 | clean decoys failing |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const v of VARIANTS) {
    process.stderr.write(`variant: ${v.name}\n`);
    const vo: Options = {
      ...o,
      verifier: { ...o.verifier, ...v.verifier },
      ignore: v.ignore ?? o.ignore,
      edges: v.edges ?? o.edges,
      graph: v.graph ?? o.graph,
    };
    const days = loadDays(vo);
    const f = figures(vo, days, evaluate(replayDays(days, vo)).outOfSample);
    lines.push(
      `| ${v.name} | ${v.why} | ${f.detected}/${f.faults} (${pct(f.detected, f.faults)}) | ${f.codeLevelDetected}/${f.codeLevelFaults} | ${num(f.medianDelayMin ?? NaN)} | ` +
        `${pct(f.top1 * f.faults, f.faults)} | ${pct(f.top3 * f.faults, f.faults)} | ${f.cleanDecoysFailing}/${f.cleanDecoys} (${pct(f.cleanDecoysFailing, f.cleanDecoys, 1)}) |`,
    );
  }
  return lines.join('\n');
}

function main(parsed: ParsedOptions): void {
  const o = readOptions(parsed);
  const log = (line: string) => process.stdout.write(line + '\n');
  const days = loadDays(o);
  for (const d of days) for (const note of d.day.notes) process.stderr.write(`note: ${d.day.day}: ${note}\n`);
  const setups = replayDays(days, o);
  const e = evaluate(setups);
  if (parsed.flag('json')) {
    log(JSON.stringify(figures(o, days, e.outOfSample)));
    return;
  }
  if (parsed.flag('explain')) for (const s of e.outOfSample) explain(s, o.watch, log);
  let md = markdown(o, days, e);
  const seeds = parsed.number('seeds') ?? 0;
  if (seeds > 1) md += '\n\n' + seedSpread(days, o, seeds);
  log('');
  log(md);
  const report = projectPath('eval', 'nezha', 'REPORT.md');
  // The entry service's alerts and anomalies are the headline; other symptom choices are sections of their own.
  const section = o.watch === 'front' && o.sources === 'either' ? 'nezha' : `nezha-${o.watch}-${o.sources}`;
  if (parsed.flag('write')) writeSection(report, section, md);
  if (parsed.flag('variants')) {
    const table = variants(o);
    log('');
    log(table);
    if (parsed.flag('write')) writeSection(report, 'nezha-variants', table);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runCli('eval:nezha', OPTIONS, main);
