// Change-risk backtest on real change histories (`npm run eval:risk -- …`, i.e. node dist/eval/risk/run.js):
//   node dist/eval/risk/run.js [--jit DIR|FILE] [--projects A,B] [--dev A,B] [--label-delay-days N]
//                              [--fixed-delay] [--refit-days N] [--window-days N] [--half-life-days N]
//                              [--maturity learn|none] [--report-order random|oldest] [--no-cross]
//                              [--level-trust learn|none] [--trust-prior unknown|full]
//                              [--feature-evidence clustered|independent]
//                              [--recalibrate none|platt|spread] [--predictive plug-in|mean-rate]
//                              [--maturity-record window|all]
//                              [--rows FILE.csv] [--json] [--write]
//   node dist/eval/risk/run.js --history events.ndjson [--policy FILE] [--json] [--write]
//
// --jit (the default, on $AFTERSHOCK_DATASETS/jit-reliability or ../shared/datasets/jit-reliability):
// just-in-time defect data (jit-data.ts reads the JiTReliability columns and the common naming).
// Every project is a service of one fleet; the fleet's history is played forward in time
// (backtest.ts): a change is scored with what was known at its start, the model refitted every
// `refit-days` on the changes then on record, with their failures as then reported — a failure
// counts from its report (the failures file), else from a fixed delay after the change. Scores
// are against the data set's labels. Beside the model: a plain Kamei logistic regression refitted
// on the same examples, "review everything above the median size", and, per project, the model
// fitted on every other project and scoring it as a new service (cross-project).
// --history: the same walk-forward on recorded canonical events (changes, verdicts, incidents,
// problems; one JSON object a line), with Aftershock's own change-failure definition.
// --json prints one object: { data, projects: { name: { changes, failures, auc, brier, brierSkill } },
// pooled: { auc, brier, brierSkill, calibrationError } }. --write puts the markdown into
// eval/risk/REPORT.md between the markers. Unknown options are refused.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath } from '#config';
import { EventCodec } from '#contracts';
import {
  DEFAULT_PREDICTIVE,
  emptyPolicy,
  FailureLedger,
  labelMaturity,
  linesChanged,
  maturityAt,
  parsePolicy,
  type HistoryEvent,
} from '#core';
import { parseEventLines } from '#ingestion';
import { writeSection } from '../common/report.js';
import { crossProject, failureReport, walkForward, type BacktestSettings, type Scored } from './backtest.js';
import { loadJit, type JitProject } from './jit-data.js';
import { renderReport, resultJson, type Evaluated } from './report.js';

const DAY = 86_400_000;

/** Tuned on the development projects only (eval/risk/REPORT.md, "How the settings were chosen"). */
export const DEVELOPMENT_PROJECTS = ['ActiveMQ', 'Ant', 'Hadoop', 'Mahout', 'Pig', 'XERCESC'];
const DEFAULTS = {
  refitDays: 90,
  windowDays: 6 * 365,
  halfLifeDays: 365,
  labelDelayDays: 90,
  minMaturity: 0.25,
};

const USAGE =
  'usage: eval:risk -- [--jit DIR|FILE | --history EVENTS.ndjson [--policy FILE]] [--projects A,B] [--dev A,B]\n' +
  '       [--label-delay-days N] [--fixed-delay] [--refit-days N] [--window-days N] [--half-life-days N (0: none)]\n' +
  '       [--min-maturity SHARE] [--level-trust learn|none] [--trust-prior unknown|full]\n' +
  '       [--feature-evidence clustered|independent]\n' +
  '       [--recalibrate none|platt|spread] [--predictive plug-in|mean-rate]\n' +
  '       [--maturity-record window|all]\n' +
  '       [--maturity learn|none] [--report-order random|oldest] [--no-cross] [--rows FILE.csv] [--json] [--write]';

function options(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        jit: { type: 'string' },
        history: { type: 'string' },
        policy: { type: 'string' },
        projects: { type: 'string' },
        dev: { type: 'string' },
        'label-delay-days': { type: 'string' },
        'fixed-delay': { type: 'boolean', default: false },
        'refit-days': { type: 'string' },
        'window-days': { type: 'string' },
        'half-life-days': { type: 'string' },
        'min-maturity': { type: 'string' },
        'no-cross': { type: 'boolean', default: false },
        maturity: { type: 'string' },
        'level-trust': { type: 'string' },
        'trust-prior': { type: 'string' },
        'feature-evidence': { type: 'string' },
        recalibrate: { type: 'string' },
        predictive: { type: 'string' },
        'maturity-record': { type: 'string' },
        'report-order': { type: 'string' },
        rows: { type: 'string' },
        json: { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`eval:risk: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const days = (name: keyof typeof parsed, fallback: number) => {
    const text = parsed[name] as string | undefined;
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) {
      process.stderr.write(`eval:risk: --${name} must be a number of days ≥ 0, got "${text}"\n`);
      process.exit(2);
    }
    return n;
  };
  const share = (name: 'min-maturity', fallback: number) => {
    const text = parsed[name];
    if (text === undefined) return fallback;
    const x = Number(text);
    if (!(x >= 0 && x <= 1)) {
      process.stderr.write(`eval:risk: --${name} must be a share between 0 and 1, got "${text}"\n`);
      process.exit(2);
    }
    return x;
  };
  const list = (text: string | undefined) =>
    text === undefined ? undefined : text.split(',').map((s) => s.trim());
  if (parsed.jit !== undefined && parsed.history !== undefined) {
    process.stderr.write(`eval:risk: --jit and --history are two different backtests; give one\n`);
    process.exit(2);
  }
  const datasets = process.env.AFTERSHOCK_DATASETS ?? projectPath('..', 'shared', 'datasets');
  return {
    jit: parsed.history === undefined ? resolve(parsed.jit ?? `${datasets}/jit-reliability`) : undefined,
    history: parsed.history,
    policy: parsed.policy,
    projects: list(parsed.projects),
    dev: list(parsed.dev) ?? DEVELOPMENT_PROJECTS,
    labelDelayMs: days('label-delay-days', DEFAULTS.labelDelayDays) * DAY,
    fixedDelay: parsed['fixed-delay'] ?? false,
    settings: {
      refitMs: Math.max(1, days('refit-days', DEFAULTS.refitDays)) * DAY,
      windowMs: days('window-days', DEFAULTS.windowDays) * DAY,
      halfLifeMs: days('half-life-days', DEFAULTS.halfLifeDays) * DAY || undefined,
      minFailures: 20,
      minMaturity: share('min-maturity', DEFAULTS.minMaturity),
      learnMaturity: choice(parsed.maturity, 'maturity', ['learn', 'none'] as const) === 'learn',
      levelTrust: choice(parsed['level-trust'], 'level-trust', ['learn', 'none'] as const) === 'learn',
      trustPrior: choice(parsed['trust-prior'], 'trust-prior', ['unknown', 'full'] as const),
      featureEvidence: choice(parsed['feature-evidence'], 'feature-evidence', [
        'clustered',
        'independent',
      ] as const),
      maturityRecord: choice(parsed['maturity-record'], 'maturity-record', ['window', 'all'] as const),
      recalibrate: choice(parsed.recalibrate, 'recalibrate', ['none', 'platt', 'spread'] as const),
      predictive: choice(parsed.predictive, 'predictive', [
        DEFAULT_PREDICTIVE,
        ...(['plug-in', 'mean-rate'] as const).filter((p) => p !== DEFAULT_PREDICTIVE),
      ]),
    } satisfies BacktestSettings,
    cross: !parsed['no-cross'],
    rows: parsed.rows,
    reportOrder: choice(parsed['report-order'], 'report-order', ['random', 'oldest'] as const),
    json: parsed.json ?? false,
    write: parsed.write ?? false,
    argv,
  };
}

type Options = ReturnType<typeof options>;

function choice<T extends string>(text: string | undefined, name: string, values: readonly T[]): T {
  if (text === undefined) return values[0]!;
  if ((values as readonly string[]).includes(text)) return text as T;
  process.stderr.write(`eval:risk: --${name} must be ${values.join(' or ')}, got "${text}"\n`);
  process.exit(2);
}

const began = performance.now();
const elapsed = () => {
  const s = Math.round((performance.now() - began) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};
const say = (line: string) => process.stderr.write(`eval:risk: ${line}\n`);

function runJit(o: Options): Evaluated {
  say(`reading ${o.jit}`);
  let projects: JitProject[] = loadJit(o.jit!, {
    labelDelayMs: o.labelDelayMs,
    forceDelay: o.fixedDelay,
    reportOrder: o.reportOrder,
  });
  if (o.projects) {
    const unknown = o.projects.filter((p) => !projects.some((x) => x.name === p));
    if (unknown.length) throw new Error(`--projects: not in the data: ${unknown.join(', ')}`);
    projects = projects.filter((p) => o.projects!.includes(p.name));
  }
  const events: HistoryEvent[] = [];
  const label = new Map<string, boolean>();
  const known = new Map<string, number | null>();
  const lines = new Map<string, number>();
  for (const p of projects) {
    for (const c of p.changes) {
      events.push({ type: 'change', at: c.change.startedAt, value: c.change });
      label.set(c.change.id, c.failed);
      known.set(c.change.id, c.knownAt);
      lines.set(c.change.id, c.lines);
      if (c.knownAt !== null)
        events.push({ type: 'incident', at: c.knownAt, value: failureReport(c.change, c.knownAt) });
    }
  }
  events.sort((a, b) => a.at - b.at || Number(a.type !== 'change') - Number(b.type !== 'change'));
  say(`${projects.length} projects, ${label.size.toLocaleString('en-US')} changes; walking forward`);
  const backtest = walkForward(events, emptyPolicy('jit'), o.settings, (c) => lines.get(c.id) ?? 0, progress);
  say(
    `level trust by refit: ${backtest.models
      .map(
        (m) =>
          `${new Date(m.fit!.to).toISOString().slice(0, 7)} ${(m.levelTrust ?? 1).toFixed(2)}${m.fit?.trust?.own === undefined ? '' : ` (${m.fit.trust.own.toFixed(2)}±${m.fit.trust.spread!.toFixed(2)})`}`,
      )
      .join(', ')}`,
  );
  const settle = settleAges(projects);
  const rows = backtest.scored.map((s) => ({
    scored: s,
    failed: label.get(s.change.id)!,
    settled: s.change.startedAt <= settle.before.get(s.change.service)!,
    knownAt: known.get(s.change.id) ?? null,
  }));
  const cross = new Map<string, number>();
  if (o.cross) {
    projects.forEach((p, i) => {
      say(
        `cross-project ${i + 1}/${projects.length}: fitted on the others, scoring ${p.name} (${elapsed()})`,
      );
      for (const [id, probability] of crossProject(rows, p.name)) cross.set(id, probability);
    });
  }
  return {
    data: o.jit!,
    source: 'jit',
    projects: projects.map((p) => ({
      name: p.name,
      labels: p.labels,
      changes: p.changes.length,
      failures: p.changes.filter((c) => c.failed).length,
      skippedRows: p.skippedRows,
      droppedColumns: p.droppedColumns,
      unreported: p.unreported,
      development: o.dev.includes(p.name),
    })),
    rows,
    cross,
    settle: settle.words,
    backtest,
  };
}

/**
 * When an outcome is settled in the data: a change is scored only when it is old enough at its
 * project's last record that 90% of failures are on record by that age (the maturity curve of
 * the whole data); younger changes' labels are mostly not in yet, whatever they will be.
 */
function settleAges(projects: readonly JitProject[]): { before: Map<string, number>; words: string } {
  const all = projects.flatMap((p) => p.changes);
  const end = lastRecord(all);
  const curve = labelMaturity(
    all.map((c) => ({ startedAt: c.change.startedAt, knownAt: c.knownAt })),
    end,
  );
  let age = 0;
  while (age < 20 * 365 * DAY && maturityAt(curve, age) < 0.9) age += DAY;
  const before = new Map(projects.map((p) => [p.name, lastRecord(p.changes) - age]));
  return {
    before,
    words: `90% of failures are on record ${Math.round(age / DAY)} days after their change; the changes of each project's last ${Math.round(age / DAY)} days are not settled`,
  };
}

/** The time of the latest change or failure report (a loop: 175k changes overflow a spread's stack). */
function lastRecord(changes: readonly JitProject['changes'][number][]): number {
  let last = -Infinity;
  for (const c of changes) last = Math.max(last, c.change.startedAt, c.knownAt ?? 0);
  return last;
}

function runHistory(o: Options): Evaluated {
  const file = o.history!;
  const codec = new EventCodec({ now: () => Date.now() });
  const events = parseEventLines(readFileSync(file, 'utf8'), codec, file);
  const policyFile = o.policy ?? projectPath('deploy', 'policy', 'standard-changes.yaml');
  const policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile);
  const backtest = walkForward(events, policy, o.settings, (c) => linesChanged(c) ?? 0, progress);
  // Outcomes as finally on record, by Aftershock's own change-failure definition.
  const ledger = new FailureLedger();
  for (const e of events) {
    if (e.type === 'verdict') ledger.addVerdict(e.value);
    else if (e.type === 'incident') ledger.addIncident(e.value);
    else if (e.type === 'change' && e.value.kind === 'rollback' && e.value.rollbackOf)
      ledger.addRollback(e.value.id, e.value.rollbackOf, e.value.startedAt);
  }
  // The last day's outcomes may not be on record yet.
  const cutoff = events.at(-1)!.at - DAY;
  const rows = backtest.scored.map((s: Scored) => ({
    scored: s,
    failed: ledger.failure(s.change.id) !== undefined,
    knownAt: ledger.failure(s.change.id)?.knownAt ?? null,
    settled: s.change.startedAt <= cutoff,
  }));
  const services = [...new Set(rows.map((r) => r.scored.change.service))].sort();
  return {
    data: resolve(file),
    source: 'history',
    projects: services.map((name) => ({
      name,
      labels: 'Aftershock’s change-failure records (verdicts, incidents, rollbacks)',
      changes: rows.filter((r) => r.scored.change.service === name).length,
      failures: rows.filter((r) => r.scored.change.service === name && r.failed).length,
      skippedRows: 0,
      droppedColumns: [],
      unreported: 0,
      development: false,
    })),
    rows,
    cross: new Map(),
    settle: 'the changes of the last day are not settled',
    backtest,
  };
}

let lastProgress = 0;
function progress(done: number, total: number, at: number, refits: number): void {
  const now = performance.now();
  if (done < total && now - lastProgress < 5000) return;
  lastProgress = now;
  say(
    `walk-forward ${Math.round((100 * done) / total)}% — ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} changes, ` +
      `at ${new Date(at).toISOString().slice(0, 7)}, ${refits} refits (${elapsed()})`,
  );
}

// ——— main ———

const o = options(process.argv.slice(2));
let evaluated: Evaluated;
try {
  evaluated = o.history ? runHistory(o) : runJit(o);
} catch (error) {
  say((error as Error).message);
  process.exit(1);
}
if (o.rows) {
  // Every scored change with each forecast, for a closer look (one CSV line a change).
  const lines = evaluated.rows.map((r) =>
    [
      r.scored.change.id,
      r.scored.change.service,
      r.settled ? 1 : 0,
      new Date(r.scored.change.startedAt).toISOString(),
      r.failed ? 1 : 0,
      r.scored.lines,
      r.scored.probability,
      r.scored.level,
      r.knownAt === null ? '' : new Date(r.knownAt).toISOString(),
      r.scored.kamei,
      evaluated.cross.get(r.scored.change.id) ?? '',
    ].join(','),
  );
  writeFileSync(
    o.rows,
    ['id,service,settled,startedAt,failed,lines,model,level,knownAt,kamei,cross', ...lines].join('\n') + '\n',
  );
}
if (o.json) {
  process.stdout.write(JSON.stringify(resultJson(evaluated), null, 2) + '\n');
} else {
  const md = [
    renderReport(evaluated, o.settings),
    '',
    `Run: \`node dist/eval/risk/run.js${o.argv.length ? ' ' + o.argv.join(' ') : ''}\`, ${elapsed()} on ` +
      `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} (${os.cpus().length} cores shared), Node ${process.version}.`,
  ].join('\n');
  process.stdout.write(md + '\n');
  if (o.write)
    writeSection(projectPath('eval', 'risk', 'REPORT.md'), o.history ? 'risk-recorded' : 'risk-jit', md);
}
say(`done (${elapsed()})`);
