// The backtest's figures: per project and pooled (held-out projects first, development beside),
// the model beside a plain Kamei regression and the median-size rule, reliability, the gate's
// trade-off curve, cross-project transfer and the goals, as markdown; and the --json object.
import {
  effortAwareReview,
  FEATURES,
  gateAtSkipShare,
  gateCurve,
  MATURITY_AGES,
  maturityAt,
  recallAtChangeShare,
  score,
  type Prediction,
  type Review,
  type RiskModel,
  type Scores,
} from '#core';
import type { Backtest, BacktestSettings, Scored } from './backtest.js';

const DAY = 86_400_000;

export interface ProjectInfo {
  readonly name: string;
  readonly labels: string;
  readonly changes: number;
  readonly failures: number;
  readonly skippedRows: number;
  readonly droppedColumns: readonly string[];
  readonly unreported: number;
  /** Used to choose the settings: its figures are in-sample. */
  readonly development: boolean;
}

export interface Row {
  readonly scored: Scored;
  readonly failed: boolean;
  /** Old enough at the data's end for its failure, if any, to be on record (see settle). */
  readonly settled: boolean;
  /** When its failure came on record (null: none did). */
  readonly knownAt: number | null;
}

export interface Evaluated {
  readonly data: string;
  readonly source: 'jit' | 'history';
  readonly projects: readonly ProjectInfo[];
  readonly rows: readonly Row[];
  /** Cross-project probabilities by change id (empty when not run). */
  readonly cross: ReadonlyMap<string, number>;
  /** Changes younger than this at their project's last record are not settled, in words. */
  readonly settle: string;
  readonly backtest: Backtest;
}

/** Rows scored by every forecast (after the first fit), whose outcome is settled in the data. */
function scoredRows(e: Evaluated, settledOnly = true): Row[] {
  return e.rows.filter(
    (r) =>
      Number.isFinite(r.scored.probability) && Number.isFinite(r.scored.kamei) && (r.settled || !settledOnly),
  );
}

type Forecast = (r: Row) => number;
const MODEL: Forecast = (r) => r.scored.probability;
const KAMEI: Forecast = (r) => r.scored.kamei;
const SIZE: Forecast = (r) => r.scored.lines;

function predictions(rows: readonly Row[], f: Forecast): (Prediction & { lines: number })[] {
  return rows.map((r) => ({ probability: f(r), failed: r.failed, lines: r.scored.lines }));
}

interface Figures {
  readonly scores: Scores;
  readonly effort: Review;
  /** Failing changes among the riskiest fifth of the changes. */
  readonly recallAtFifth: number;
  /** Failing changes slipping through when half the changes skip review. */
  readonly slipAtHalf: number;
}

function figures(rows: readonly Row[], f: Forecast): Figures {
  const p = predictions(rows, f);
  return {
    scores: score(p),
    effort: effortAwareReview(p),
    recallAtFifth: recallAtChangeShare(p, 0.2),
    slipAtHalf: gateAtSkipShare(p, 0.5).slipShare,
  };
}

/**
 * "Review everything above the median size": its skip and slip shares, its AUC (by size), and
 * its review order for a budget: the biggest changes first. Beside it for the effort-aware
 * budget, the smallest changes first (the unsupervised effort-aware baseline of Yang et al. 2016).
 */
function sizeRule(rows: readonly Row[]): {
  auc: number;
  skipShare: number;
  slipShare: number;
  effort: Review;
  recallAtFifth: number;
  smallestFirst: Review;
} {
  const failures = rows.filter((r) => r.failed).length;
  const skipped = rows.filter((r) => r.scored.lines <= r.scored.medianLines);
  const bySize = predictions(rows, SIZE);
  // Risk per line = 1 for every change (biggest first), or 1 / size² (smallest first).
  const biggest = bySize.map((x) => ({ ...x, probability: x.lines * x.lines }));
  const smallest = bySize.map((x) => ({ ...x, probability: 1 / Math.max(1, x.lines) }));
  return {
    auc: score(bySize).auc,
    skipShare: skipped.length / rows.length,
    slipShare: skipped.filter((r) => r.failed).length / failures,
    effort: effortAwareReview(biggest),
    recallAtFifth: recallAtChangeShare(bySize, 0.2),
    smallestFirst: effortAwareReview(smallest),
  };
}

/** "recall (changes read)" of an effort-aware review. */
const reviewed = (r: Review) => `${pct(r.recall)} (${pct(r.reviewedShare, 0)})`;

const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '–');
const num = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const count = (n: number) => n.toLocaleString('en-US');

export function resultJson(e: Evaluated): unknown {
  const rows = scoredRows(e);
  const projects: Record<string, unknown> = {};
  for (const p of e.projects) {
    const own = rows.filter((r) => r.scored.change.service === p.name);
    const s = score(predictions(own, MODEL));
    projects[p.name] = {
      changes: s.count,
      failures: s.failures,
      auc: s.auc,
      brier: s.brier,
      brierSkill: s.brierSkill,
    };
  }
  const pooled = score(predictions(rows, MODEL));
  return {
    data: e.data,
    projects,
    pooled: {
      auc: pooled.auc,
      brier: pooled.brier,
      brierSkill: pooled.brierSkill,
      calibrationError: pooled.calibrationError,
    },
  };
}

export function renderReport(e: Evaluated, settings: BacktestSettings): string {
  const rows = scoredRows(e);
  const heldOutNames = new Set(e.projects.filter((p) => !p.development).map((p) => p.name));
  const heldOut = rows.filter((r) => heldOutNames.has(r.scored.change.service));
  const development = rows.filter((r) => !heldOutNames.has(r.scored.change.service));
  const headline = heldOut.length ? heldOut : rows;
  const out: string[] = [];
  out.push(dataSection(e, settings, rows));
  const unsettled = scoredRows(e, false).filter(
    (r) => heldOut.length === 0 || heldOutNames.has(r.scored.change.service),
  );
  out.push(
    '',
    '#### Pooled',
    '',
    pooledTable(headline, heldOut.length ? development : [], rows, unsettled, e),
  );
  out.push('', '#### Per project', '', projectTable(e, rows));
  out.push('', '#### Reliability', '', reliabilitySection(headline, heldOut.length > 0));
  out.push('', '#### The gate: auto-approve below risk r', '', gateSection(headline, heldOut.length > 0));
  if (e.cross.size) out.push('', '#### Cross-project', '', crossSection(e, rows));
  out.push('', '#### Goals', '', goalsSection(e, rows, headline, heldOut.length > 0));
  out.push('', '#### The model at the last refit', '', modelSection(e.backtest));
  return out.join('\n');
}

function dataSection(e: Evaluated, settings: BacktestSettings, rows: readonly Row[]): string {
  const total = e.projects.reduce((s, p) => s + p.changes, 0);
  const failures = e.projects.reduce((s, p) => s + p.failures, 0);
  const labels = [...new Set(e.projects.map((p) => p.labels))];
  const dropped = [...new Set(e.projects.flatMap((p) => p.droppedColumns))];
  const skipped = e.projects.reduce((s, p) => s + p.skippedRows, 0);
  const unreported = e.projects.reduce((s, p) => s + p.unreported, 0);
  const halfLife = settings.halfLifeMs ? `${Math.round(settings.halfLifeMs / DAY)} days` : 'none';
  return [
    `Data: \`${e.data}\` — ${e.projects.length} projects, ${count(total)} changes, ${count(failures)} failure-inducing ` +
      `(${pct(failures / total)}). Labels become known: ${labels.join('; ')}.` +
      (unreported
        ? ` ${count(unreported)} failure-inducing changes had no report time left to take and never become known to the fits.`
        : '') +
      (skipped ? ` ${count(skipped)} rows without a date were left out.` : '') +
      (dropped.length
        ? ` Columns identical to an earlier one in every row, dropped: ${dropped.join(', ')}.`
        : ''),
    '',
    `Walk-forward: refit every ${Math.round(settings.refitMs / DAY)} days on the changes of the last ` +
      `${Math.round(settings.windowMs / DAY)} days, recency half-life ${halfLife}; the first fit waits for ` +
      `${settings.minFailures} failures on record. Scored: the ${count(rows.length)} changes after the first fit ` +
      `(${e.backtest.models.length} refits, ${(e.backtest.fitMs / Math.max(1, e.backtest.models.length) / 1000).toFixed(1)} s each on average).`,
  ].join('\n');
}

function pooledTable(
  headline: readonly Row[],
  development: readonly Row[],
  all: readonly Row[],
  withUnsettled: readonly Row[],
  e: Evaluated,
): string {
  const lines = [
    '| changes | forecast | AUC | Brier | Brier skill | calibration error | recall, riskiest 20% of changes | recall at 20% of lines (changes read) | failing changes slipping through at 50% skipped |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: |',
  ];
  const sets: [string, readonly Row[]][] = development.length
    ? [
        [`**held-out projects** (${count(headline.length)})`, headline],
        [`development projects, in-sample (${count(development.length)})`, development],
        [`all (${count(all.length)})`, all],
      ]
    : [[`all (${count(all.length)})`, all]];
  sets.push([
    `${development.length ? 'held-out projects' : 'all'}, unsettled changes too (${count(withUnsettled.length)})`,
    withUnsettled,
  ]);
  for (const [name, rows] of sets) {
    if (rows.length === 0) continue;
    const m = figures(rows, MODEL);
    const k = figures(rows, KAMEI);
    const s = sizeRule(rows);
    const row = (forecast: string, f: Figures) =>
      `| ${name} | ${forecast} | ${num(f.scores.auc)} | ${num(f.scores.brier, 4)} | ${num(f.scores.brierSkill)} | ` +
      `${pct(f.scores.calibrationError, 2)} | ${pct(f.recallAtFifth)} | ${reviewed(f.effort)} | ${pct(f.slipAtHalf)} |`;
    lines.push(row('**model**', m), row('Kamei regression', k));
    lines.push(
      `| ${name} | median size rule | ${num(s.auc)} | – | – | – | ${pct(s.recallAtFifth)} | ${reviewed(s.effort)} | ${pct(s.slipShare)} at ${pct(s.skipShare)} skipped |`,
      `| ${name} | smallest change first | – | – | – | – | – | ${reviewed(s.smallestFirst)} | – |`,
    );
    if (e.cross.size) {
      const c = figures(rows, (r) => e.cross.get(r.scored.change.id) ?? Number.NaN);
      lines.push(row('cross-project (fit on the others)', c));
    }
  }
  return [
    ...lines,
    '',
    `Scored: the changes after the first fit whose outcome is settled in the data (${e.settle}); the last line adds the ` +
      'changes too young for that. ' +
      'Brier skill is against always predicting the base rate of the changes scored (in hindsight). Calibration error: the ' +
      'count-weighted mean gap between predicted and observed failure rates over ten equal-count bins. Recall, riskiest 20% ' +
      'of changes: the share of failing changes among the fifth of the changes with the highest predicted risk (the size ' +
      'rule: the biggest). Recall at 20% of lines: changes reviewed in order of predicted risk per changed line (the size ' +
      'rule: biggest first; “smallest change first” as it says) until a fifth of all changed lines are read; the share of ' +
      'failing changes caught, and in brackets the share of changes that took — where a few huge changes hold most lines, ' +
      'a fifth of the lines is most changes. The size rule reviews what is above the median ' +
      'size of the service’s changes in the latest refit’s examples.',
  ].join('\n');
}

function projectTable(e: Evaluated, rows: readonly Row[]): string {
  const lines = [
    '| project | set | changes scored | failing | base rate | AUC | Brier | Brier skill | calibration error | Kamei AUC | Kamei skill | size AUC | cross-project AUC | slip at 50% |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const p of e.projects) {
    const own = rows.filter((r) => r.scored.change.service === p.name);
    if (own.length === 0) {
      lines.push(
        `| ${p.name} | ${p.development ? 'dev' : 'held-out'} | 0 | – | – | – | – | – | – | – | – | – | – | – |`,
      );
      continue;
    }
    const m = figures(own, MODEL);
    const k = score(predictions(own, KAMEI));
    const size = score(predictions(own, SIZE));
    const cross = e.cross.size
      ? score(predictions(own, (r) => e.cross.get(r.scored.change.id) ?? Number.NaN)).auc
      : Number.NaN;
    lines.push(
      `| ${p.name} | ${p.development ? 'dev' : 'held-out'} | ${count(own.length)} | ${count(m.scores.failures)} | ${pct(m.scores.baseRate)} | ` +
        `${num(m.scores.auc)} | ${num(m.scores.brier, 4)} | ${num(m.scores.brierSkill)} | ${pct(m.scores.calibrationError, 2)} | ` +
        `${num(k.auc)} | ${num(k.brierSkill)} | ${num(size.auc)} | ${num(cross)} | ${pct(m.slipAtHalf)} |`,
    );
  }
  return lines.join('\n');
}

function reliabilitySection(rows: readonly Row[], heldOut: boolean): string {
  const s = score(predictions(rows, MODEL));
  return [
    `The model's walk-forward probabilities on the ${heldOut ? 'held-out projects' : 'changes scored'}, in ten equal-count bins ` +
      `(calibration error ${pct(s.calibrationError, 2)}, mean predicted − observed ${s.meanBias >= 0 ? '+' : '−'}${pct(Math.abs(s.meanBias), 2)}):`,
    '',
    '| bin | changes | predicted range | mean predicted | observed failure rate |',
    '| --: | --: | --- | --: | --: |',
    ...s.reliability.map(
      (b, i) =>
        `| ${i + 1} | ${count(b.count)} | ${pct(b.lowest)} – ${pct(b.highest)} | ${pct(b.meanPredicted)} | ${pct(b.observedRate)} |`,
    ),
  ].join('\n');
}

export const GATE_THRESHOLDS = [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4];

function gateSection(rows: readonly Row[], heldOut: boolean): string {
  const model = predictions(rows, MODEL);
  const kamei = predictions(rows, KAMEI);
  const curve = gateCurve(model, GATE_THRESHOLDS);
  const shares = [0.3, 0.4, 0.5, 0.6, 0.7];
  return [
    `For a policy “approve without review every change whose predicted risk is below r”, on the ${heldOut ? 'held-out projects' : 'changes scored'}: ` +
      'the share of changes that would skip review and the share of the failing changes that would have slipped through with them.',
    '',
    '| r | changes skipping review | failing changes slipping through |',
    '| --: | --: | --: |',
    ...curve.map((g) => `| ${pct(g.threshold, 0)} | ${pct(g.skipShare)} | ${pct(g.slipShare)} |`),
    '',
    'The same trade-off at fixed shares of changes skipping review (each forecast’s own threshold):',
    '',
    '| changes skipping review | model: r | model: failing slipping through | Kamei regression: failing slipping through |',
    '| --: | --: | --: | --: |',
    ...shares.map((share) => {
      const m = gateAtSkipShare(model, share);
      const k = gateAtSkipShare(kamei, share);
      return `| ${pct(share, 0)} | ${pct(m.threshold)} | ${pct(m.slipShare)} | ${pct(k.slipShare)} |`;
    }),
  ].join('\n');
}

function crossSection(e: Evaluated, rows: readonly Row[]): string {
  const within = score(predictions(rows, MODEL));
  const cross = score(predictions(rows, (r) => e.cross.get(r.scored.change.id) ?? Number.NaN));
  const perProject = e.projects
    .map((p) => {
      const own = rows.filter((r) => r.scored.change.service === p.name);
      return {
        name: p.name,
        within: score(predictions(own, MODEL)).auc,
        cross: score(predictions(own, (r) => e.cross.get(r.scored.change.id) ?? Number.NaN)).auc,
      };
    })
    .filter((x) => Number.isFinite(x.within) && Number.isFinite(x.cross));
  const meanWithin = perProject.reduce((s, x) => s + x.within, 0) / perProject.length;
  const meanCross = perProject.reduce((s, x) => s + x.cross, 0) / perProject.length;
  return [
    'Each project scored by the model fitted on the whole history of every other project, as a service new to the fleet ' +
      '(no level of its own; the features that read its own outcomes — its failure rate, recent incidents, similar failures — ' +
      'left out of fit and scoring alike). On the same changes as the walk-forward:',
    '',
    '| | walk-forward (own past and the fleet’s) | cross-project (the others only) | difference |',
    '| --- | --: | --: | --: |',
    `| pooled AUC | ${num(within.auc)} | ${num(cross.auc)} | ${num(cross.auc - within.auc)} |`,
    `| mean of the projects’ AUCs | ${num(meanWithin)} | ${num(meanCross)} | ${num(meanCross - meanWithin)} |`,
    `| pooled calibration error | ${pct(within.calibrationError, 2)} | ${pct(cross.calibrationError, 2)} | |`,
  ].join('\n');
}

function goalsSection(
  e: Evaluated,
  rows: readonly Row[],
  headline: readonly Row[],
  heldOut: boolean,
): string {
  const m = figures(headline, MODEL);
  const where = heldOut ? 'held-out projects, pooled' : 'pooled';
  const skillFails = e.projects
    .map((p) => ({
      p,
      s: score(
        predictions(
          rows.filter((r) => r.scored.change.service === p.name),
          MODEL,
        ),
      ),
    }))
    .filter(({ s }) => s.failures >= 50);
  const negative = skillFails.filter(({ s }) => !(s.brierSkill > 0));
  const cross = e.cross.size
    ? score(predictions(headline, (r) => e.cross.get(r.scored.change.id) ?? Number.NaN)).auc
    : Number.NaN;
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  const lines = [
    '| goal | figure | |',
    '| --- | --- | --- |',
    `| walk-forward AUC ≥ 0.78 (${where}) | ${num(m.scores.auc)} | ${ok(m.scores.auc >= 0.78)} |`,
    `| Brier skill > 0 on every project with ≥ 50 failures | ${skillFails.length - negative.length} of ${skillFails.length}` +
      `${negative.length ? ` (below: ${negative.map(({ p, s }) => `${p.name} ${num(s.brierSkill)}`).join(', ')})` : ''} | ${ok(negative.length === 0)} |`,
    `| calibration error ≤ 2 points (${where}) | ${pct(m.scores.calibrationError, 2)} | ${ok(m.scores.calibrationError <= 0.02)} |`,
  ];
  if (e.cross.size)
    lines.push(
      `| cross-project AUC within 0.05 of walk-forward (${where}) | ${num(cross)} vs ${num(m.scores.auc)} | ${ok(m.scores.auc - cross <= 0.05)} |`,
    );
  lines.push(
    `| ≤ 20% of failing changes slip through when 50% skip review (${where}) | ${pct(m.slipAtHalf)} | ${ok(m.slipAtHalf <= 0.2)} |`,
  );
  return lines.join('\n');
}

/** How much of the levels the refits used, as their track records showed. */
function trustLines(b: Backtest): string[] {
  const last = b.models.at(-1)!;
  const trust = last.fit?.trust;
  if (!trust) return [];
  const used = b.models.map((m) => m.levelTrust ?? 1);
  const learnt = used.filter((t) => t < 1);
  const thin = b.models.filter((m) => m.fit?.trust && m.fit.trust.own === undefined);
  const said =
    trust.own === undefined
      ? `too little track record (${count(trust.failures)} failures on record over ${trust.services} services), so ${pct(last.levelTrust ?? 1, 0)}`
      : `${pct(last.levelTrust ?? 1, 0)} (the track record alone: ${pct(trust.own, 0)} ± ${pct(trust.spread ?? Number.NaN, 0)}, ` +
        `from ${count(trust.changes)} changes scored by ${trust.fits} earlier refits, ${count(trust.failures)} of them failed by now)`;
  return [
    `Level trust — the share of each service's level predictions use, learnt from how far earlier refits' levels carried over to the changes they scored: at the last refit ${said}. ` +
      `Over the ${used.length} refits: ${learnt.length} used less than all of it` +
      (learnt.length
        ? `, ${pct(Math.min(...used), 0)} at the least, ${pct(used.reduce((s, t) => s + t, 0) / used.length, 0)} on average.`
        : '.') +
      (thin.length
        ? ` ${thin.length} refits had no track record that said anything yet (fewer than 20 failures or three services failing on record) and used ${pct(thin[0]!.levelTrust ?? 1, 0)}.`
        : ''),
    '',
  ];
}

/** How much the features' evidence was discounted for outcomes that come in clusters. */
function designEffectLines(b: Backtest): string[] {
  const effects = b.models.map((m) => m.fit?.designEffect).filter((d): d is number => d !== undefined);
  const last = b.models.at(-1)?.fit?.designEffect;
  if (last === undefined || effects.length === 0) return [];
  const sorted = [...effects].sort((x, y) => x - y);
  return [
    `Features' evidence — a service's changes of one quarter share its state then, so their outcomes say less about the features' weights than as many independent ones: ` +
      `the fits counted it at 1/d, d the design effect of those clusters (the spread of the features' score between them over that of independent outcomes; ≤ 1: in full). ` +
      `At the last refit d = ${num(last, 2)}; over the ${effects.length} refits median ${num(sorted[sorted.length >> 1]!, 2)}, from ${num(sorted[0]!, 2)} to ${num(sorted.at(-1)!, 2)}.`,
    '',
  ];
}

function modelSection(b: Backtest): string {
  const last: RiskModel | undefined = b.models.at(-1);
  if (!last?.fit) return 'No refit had enough failures on record.';
  const fit = last.fit;
  const weights = FEATURES.filter((f) => Math.abs(last.weights[f]) >= 0.005)
    .sort((x, y) => Math.abs(last.weights[y]) - Math.abs(last.weights[x]))
    .map((f) => `${f} ${last.weights[f] >= 0 ? '+' : '−'}${Math.abs(last.weights[f]).toFixed(2)}`);
  const levels = Object.entries(last.services ?? {})
    .sort((x, y) => y[1].offset - x[1].offset)
    .map(([s, l]) => `${s} ${l.offset >= 0 ? '+' : '−'}${Math.abs(l.offset).toFixed(2)}`);
  const ages = MATURITY_AGES.filter((a) => a <= fit.maturity.ages.at(-1)! && a >= 30 * DAY);
  return [
    `Fitted on ${count(fit.examples)} changes (${count(fit.failures)} failures then on record), ${fit.iterations} Newton steps` +
      `${fit.converged ? '' : ' (not converged)'}. Weights (log-odds per unit; sizes per doubling), largest first: ${weights.join(', ')}.`,
    '',
    `Service levels (log-odds from the fleet; services differ by ±${num(fit.serviceSpread ?? Number.NaN, 2)}): ${levels.join(', ')}.`,
    '',
    ...trustLines(b),
    ...designEffectLines(b),
    `How failures came to light (share of those on record within the horizon, by the change's age): ` +
      ages.map((a) => `${Math.round(a / DAY)} days ${pct(maturityAt(fit.maturity, a), 0)}`).join(', ') +
      ` (from ${count(fit.maturity.failures)} failures).`,
  ].join('\n');
}
