// Change-risk evaluation (`npm run eval:risk`, i.e. node dist/eval/risk/run.js):
//   node dist/eval/risk/run.js [--seed N] [--services N] [--days N] [--write]
//   node dist/eval/risk/run.js --history events.ndjson [--policy FILE] [--write]
//
// 1. Convergence: generated histories where every change of a service fails with a known
//    probability; the error of the smoothed service failure rate after 2 … 90 days.
// 2. Walk-forward backtest, on a generated history (dozens of services with different true
//    failure rates and feature effects) or on recorded canonical events (--history): events are
//    replayed in event-time order; every `refitDays` the model is refitted on the trailing 90
//    days (settled changes only, outcomes as known at the refit); each change is predicted at
//    its arrival with the latest fit — the past predicts the future, never the other way round.
//    Reported: Brier score, Brier skill score against the evaluation sample's base rate, AUC,
//    calibration (reliability deciles, ECE, mean bias), next to default weights, a trailing
//    fleet-rate forecast and (generated histories only) the true probabilities.
// --write puts the markdown into eval/risk/REPORT.md between the risk markers.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { projectPath } from '#config';
import { EventCodec } from '#contracts';
import { parseEventLines } from '../../apps/cli/src/commands/assess.js';
import { emptyPolicy, parsePolicy, riskClassOf, type Policy } from '#core';
import {
  ChangeHistory,
  changeFeatures,
  DEFAULT_RISK_MODEL,
  FailureLedger,
  FEATURES,
  fitFromHistory,
  probabilityOf,
  score,
  simulateHistory,
  TRUE_EFFECTS,
  type Feature,
  type HistoryEvent,
  type RiskModel,
  type Scores,
} from '#core';

const DAY = 86_400_000;

interface Options {
  readonly seed: number;
  readonly services: number;
  readonly days: number;
  readonly warmupDays: number;
  readonly refitDays: number;
  readonly history?: string;
  readonly policy?: string;
  readonly write: boolean;
}

function options(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    seed: Number(value('seed') ?? 1),
    services: Number(value('services') ?? 40),
    days: Number(value('days') ?? 365),
    warmupDays: Number(value('warmup-days') ?? 30),
    refitDays: Number(value('refit-days') ?? 7),
    history: value('history'),
    policy: value('policy'),
    write: argv.includes('--write'),
  };
}

// ——— 1. convergence ———

function convergence(seed: number): string {
  const start = Date.UTC(2026, 0, 5);
  /** Mean absolute error of the smoothed and raw rates, and of an ideal unbiased estimate from n changes. */
  const errors = (history: ChangeHistory, truth: ReadonlyMap<string, number>, asOf: number) => {
    const smoothed: number[] = [];
    const raw: number[] = [];
    const ideal: number[] = [];
    let n = 0;
    for (const [service, p] of truth) {
      const rate = history.smoothedRate(service, null, asOf);
      smoothed.push(Math.abs(rate.smoothed - p));
      raw.push(Math.abs(rate.serviceRate - p));
      // E|p̂ − p| ≈ √(2/π)·√(p(1−p)/n) for a binomial proportion from n changes.
      ideal.push(Math.sqrt(2 / Math.PI) * Math.sqrt((p * (1 - p)) / Math.max(1, rate.service.changes)));
      n += rate.service.changes;
    }
    return { smoothed, raw, ideal, n: n / truth.size, m: history.fleet(asOf).priorStrength };
  };
  const row = (label: string | number, e: ReturnType<typeof errors>) =>
    `| ${label} | ${e.n.toFixed(0)} | ${e.m.toFixed(1)} | ${pp(mean(e.ideal))} | ${pp(mean(e.raw))} | ${pp(mean(e.smoothed))} | ${pp(quantile(e.smoothed, 0.9))} |`;
  const header = (first: string) => [
    `| ${first} | changes per service in the window | prior m | sampling error of n changes (MAE) | MAE raw rate | MAE smoothed | p90 error smoothed |`,
    '| --: | --: | --: | --: | --: | --: | --: |',
  ];

  const sim = simulateHistory({ seed, services: 40, days: 90, start, routine: true });
  const truth = new Map(sim.services.map((s) => [s.name, s.baseRate]));
  const history = new ChangeHistory();
  const byDay: string[] = [];
  let i = 0;
  for (const day of [2, 7, 14, 30, 60, 90]) {
    const asOf = start + day * DAY;
    while (i < sim.events.length && sim.events[i]!.at < asOf) history.add(sim.events[i++]!);
    byDay.push(row(day, errors(history, truth, asOf)));
  }
  const byVolume: string[] = [];
  for (const perDay of [1, 3, 10, 30]) {
    const fleet = simulateHistory({
      seed: seed + perDay,
      services: sim.services.map((s) => ({
        name: s.name,
        team: s.team,
        timeZone: s.timeZone,
        baseRate: s.baseRate,
        changesPerDay: perDay,
      })),
      days: 45,
      start,
      routine: true,
    });
    const h = new ChangeHistory();
    for (const e of fleet.events) h.add(e);
    byVolume.push(row(perDay, errors(h, truth, start + 45 * DAY)));
  }
  const rates = [...truth.values()];
  return [
    `40 services with true failure rates from ${pp(Math.min(...rates))} to ${pp(Math.max(...rates))} (seed ${seed}); routine changes only,`,
    'so every change of a service fails with exactly its rate, and failures leave records as they would in production.',
    'Estimate = the service’s failure rate over the 30-day window, smoothed towards the fleet by the empirical-Bayes',
    'beta prior (strength m estimated from the spread between services). Errors are absolute, averaged over the 40',
    'services. The sampling error is what even a perfect estimator would make from that many changes, so the estimate',
    'converges as the window fills and as volume grows; past 30 days the window caps n.',
    '',
    'By days of history (about 2–3 changes a day per service):',
    '',
    ...header('days'),
    ...byDay,
    '',
    'By volume, after 45 days (changes offered per service per day; business hours keep about 30%):',
    '',
    ...header('offered per day'),
    ...byVolume,
  ].join('\n');
}

// ——— 2. walk-forward backtest ———

interface Row {
  readonly id: string;
  readonly startedAt: number;
  readonly fitted: number;
  readonly defaults: number;
  readonly trailing: number;
  readonly truth?: number;
  failed: boolean;
  readonly riskClass: 'standard' | 'normal' | 'high';
}

interface Backtest {
  readonly rows: Row[];
  readonly models: RiskModel[];
  readonly fitMs: number;
}

function walkForward(events: readonly HistoryEvent[], policy: Policy, o: Options): Backtest {
  const history = new ChangeHistory();
  const start = events[0]!.at;
  const warmupEnd = start + o.warmupDays * DAY;
  const features = new Map<string, readonly number[]>();
  const rows: Row[] = [];
  const models: RiskModel[] = [];
  let model = DEFAULT_RISK_MODEL;
  let nextFit = warmupEnd;
  let fitMs = 0;
  for (const event of events) {
    while (event.at >= nextFit) {
      const t = performance.now();
      model = fitFromHistory(history, policy, nextFit, { featuresOf: (c) => features.get(c.id) });
      fitMs += performance.now() - t;
      models.push(model);
      nextFit += o.refitDays * DAY;
    }
    if (event.type === 'change') {
      const change = event.value;
      const f = changeFeatures(change, history, policy);
      features.set(change.id, f.values);
      if (change.startedAt >= warmupEnd) {
        const fitted = probabilityOf(model, f.values);
        rows.push({
          id: change.id,
          startedAt: change.startedAt,
          fitted,
          defaults: probabilityOf(DEFAULT_RISK_MODEL, f.values),
          trailing: f.facts.rate.fleet.rate,
          failed: false,
          riskClass: riskClassOf(fitted, f.facts.context.riskClasses),
        });
      }
    }
    history.add(event);
  }
  // Outcomes as finally on record: the change-failure definition over the whole history (the
  // model's history is bounded, so the labels come from a ledger of everything).
  const labels = new FailureLedger();
  for (const e of events) {
    if (e.type === 'verdict') labels.addVerdict(e.value);
    else if (e.type === 'incident') labels.addIncident(e.value);
    else if (e.type === 'change' && e.value.kind === 'rollback' && e.value.rollbackOf) {
      labels.addRollback(e.value.id, e.value.rollbackOf, e.value.startedAt);
    }
  }
  for (const row of rows) row.failed = labels.failure(row.id) !== undefined;
  return { rows, models, fitMs };
}

function scoreTable(
  b: Backtest,
  truth?: ReadonlyMap<string, { probability: number }>,
): { table: string; fitted: Scores } {
  const of = (p: (r: Row) => number) => score(b.rows.map((r) => ({ probability: p(r), failed: r.failed })));
  const fitted = of((r) => r.fitted);
  const lines: [string, Scores][] = [
    ['**fitted, walk-forward**', fitted],
    ['default weights (no fit)', of((r) => r.defaults)],
    ['trailing fleet rate', of((r) => r.trailing)],
  ];
  if (truth) lines.push(['true probabilities (oracle)', of((r) => truth.get(r.id)!.probability)]);
  return {
    fitted,
    table: [
      '| forecast | Brier | Brier skill vs base rate | AUC | ECE (deciles) | mean predicted − observed |',
      '| --- | --: | --: | --: | --: | --: |',
      ...lines.map(
        ([name, s]) =>
          `| ${name} | ${s.brier.toFixed(4)} | ${s.brierSkill.toFixed(3)} | ${s.auc.toFixed(3)} | ${pp(s.calibrationError)} | ${signedPp(s.meanBias)} |`,
      ),
    ].join('\n'),
  };
}

function reliability(s: Scores): string {
  return [
    '| decile | changes | predicted range | mean predicted | observed rate |',
    '| --: | --: | --- | --: | --: |',
    ...s.reliability.map(
      (b, i) =>
        `| ${i + 1} | ${b.count} | ${pp(b.lowest)} – ${pp(b.highest)} | ${pp(b.meanPredicted)} | ${pp(b.observedRate)} |`,
    ),
  ].join('\n');
}

function classes(rows: readonly Row[]): string {
  const out = [
    '| risk class (thresholds of the policy) | changes | share | observed failure rate |',
    '| --- | --: | --: | --: |',
  ];
  for (const c of ['standard', 'normal', 'high'] as const) {
    const of = rows.filter((r) => r.riskClass === c);
    out.push(
      `| ${c} | ${of.length} | ${pp(of.length / rows.length)} | ${of.length ? pp(of.filter((r) => r.failed).length / of.length) : '–'} |`,
    );
  }
  return out.join('\n');
}

/** The true effect of each feature in the simulation, where one corresponds. */
function trueEffect(f: Feature): number | undefined {
  const e = TRUE_EFFECTS;
  if (f.startsWith('kind:')) return e.kind[f.slice(5) as keyof typeof e.kind];
  if (f.startsWith('rollout:')) return e.rollout[f.slice(8) as keyof typeof e.rollout];
  const direct: Partial<Record<Feature, number>> = {
    size: e.sizeDoubling,
    'off-hours': e.offHours,
    weekend: e.weekend,
    manual: e.manual,
    'tests-failed': e.testsFailed,
    'no-test-evidence': e.noTests,
    'open-problems': e.openProblem,
    'recent-incidents': e.recentIncidents,
  };
  return direct[f];
}

function weights(model: RiskModel, simulated: boolean): string {
  return [
    `| feature | default weight | fitted weight${simulated ? ' | true effect in the generator' : ''} |`,
    `| --- | --: | --: |${simulated ? ' --: |' : ''}`,
    `| intercept | ${DEFAULT_RISK_MODEL.intercept.toFixed(2)} | ${model.intercept.toFixed(2)} |${simulated ? ' – |' : ''}`,
    ...FEATURES.map((f) => {
      const truth = trueEffect(f);
      const t = simulated ? ` ${truth === undefined ? '–' : truth.toFixed(2)} |` : '';
      return `| ${f} | ${DEFAULT_RISK_MODEL.weights[f].toFixed(2)} | ${model.weights[f].toFixed(2)} |${t}`;
    }),
  ].join('\n');
}

function backtestSection(
  title: string,
  setup: string,
  b: Backtest,
  truth: ReadonlyMap<string, { probability: number }> | undefined,
): string {
  const { table, fitted } = scoreTable(b, truth);
  const last = b.models.at(-1);
  return [
    `### ${title}`,
    '',
    setup,
    '',
    `Evaluated: ${fitted.count} changes after the warm-up, ${fitted.failures} failed (base rate ${pp(fitted.baseRate)}). ` +
      `${b.models.length} refits, ${(b.fitMs / Math.max(1, b.models.length)).toFixed(0)} ms each on average.`,
    '',
    table,
    '',
    'Reliability of the fitted walk-forward forecast (equal-count deciles by predicted probability):',
    '',
    reliability(fitted),
    '',
    classes(b.rows),
    '',
    last?.fit
      ? `Weights at the last refit (${last.fit.examples} examples, ${last.fit.failures} failed, ${last.fit.iterations} Newton steps):`
      : 'No refit had enough failures; default weights throughout.',
    '',
    weights(last ?? DEFAULT_RISK_MODEL, truth !== undefined),
  ].join('\n');
}

// ——— helpers ———

const pp = (p: number) => `${(p * 100).toFixed(2)}%`;
const signedPp = (p: number) => `${p >= 0 ? '+' : '−'}${(Math.abs(p) * 100).toFixed(2)} pp`;
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function writeSection(marker: string, body: string): void {
  const file = projectPath('eval', 'risk', 'REPORT.md');
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${start} … ${end} not found in ${file}`);
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
}

// ——— main ———

const o = options(process.argv.slice(2));
const began = performance.now();
const out: string[] = [];
let marker = 'risk';
if (o.history) {
  marker = 'risk-recorded';
  const codec = new EventCodec({ now: () => Date.now() });
  const events = parseEventLines(readFileSync(o.history, 'utf8'), codec, o.history);
  const policyFile = o.policy ?? projectPath('deploy', 'policy', 'standard-changes.yaml');
  const policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile);
  const changes = events.filter((e) => e.type === 'change').length;
  if (changes === 0) throw new Error(`${o.history}: no changes`);
  const b = walkForward(events, policy, o);
  // The last day's outcomes may not be on record yet.
  const cutoff = events.at(-1)!.at - DAY;
  const settled = { ...b, rows: b.rows.filter((r) => r.startedAt <= cutoff) };
  out.push(
    backtestSection(
      `Recorded history: ${o.history}`,
      `${events.length} events, ${changes} changes; policy ${policyFile}; warm-up ${o.warmupDays} days, refit every ${o.refitDays} days; ` +
        'changes of the last day are left out (their outcome may not be on record yet).',
      settled,
      undefined,
    ),
  );
} else {
  out.push('### Convergence of the service failure-rate estimate', '', convergence(o.seed), '');
  const start = Date.UTC(2026, 0, 5);
  const sim = simulateHistory({ seed: o.seed, services: o.services, days: o.days, start });
  // Timing features in each service's own zone, as a policy file would give them.
  const base = emptyPolicy('generated');
  const policy: Policy = {
    ...base,
    services: new Map(sim.services.map((s) => [s.name, { timeZone: s.timeZone, rules: [] }])),
  };
  const b = walkForward(sim.events, policy, o);
  const rates = sim.services.map((s) => s.baseRate);
  out.push(
    backtestSection(
      'Walk-forward backtest on a generated history',
      `${o.services} services over ${o.days} days (seed ${o.seed}), ${sim.events.filter((e) => e.type === 'change').length} changes; ` +
        `routine-change failure rates ${pp(Math.min(...rates))} – ${pp(Math.max(...rates))}; true effects of kind, size, off-hours, weekends, ` +
        'rollout, automation, tests, open problems, recent incidents, a fragile component and a fragile config key per service ' +
        `(libs/core/src/risk/simulation.ts). Warm-up ${o.warmupDays} days, refit every ${o.refitDays} days on the trailing 90 days.`,
      b,
      sim.truth,
    ),
  );
}
out.push(
  '',
  `Run: \`node dist/eval/risk/run.js${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\`, ` +
    `${((performance.now() - began) / 1000).toFixed(1)} s on ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} (${os.cpus().length} cores shared), Node ${process.version}.`,
);
const md = out.join('\n');
console.log(md);
if (o.write) writeSection(marker, md);
