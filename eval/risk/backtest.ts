// The walk-forward backtest: a fleet's history is replayed in event-time order into the same
// ChangeHistory the gate reads; on a schedule the model is refitted on the changes then on record
// with their outcomes as then known; each arriving change is scored with the latest fit and the
// features the history gave at its start. Beside the model, refitted on the very same examples:
// a plain Kamei logistic regression (the change-content features, log-transformed, outcomes as
// known, nothing else) and the rule "review everything above the median size".
import type { Change, Incident } from '#contracts';
import {
  ChangeHistory,
  changeFeatures,
  DEFAULT_HISTORY_SETTINGS,
  featureIndex,
  fitLogistic,
  fitRiskModel,
  labelMaturity,
  levelOf,
  logOddsVariance,
  MATURE,
  NO_RESPONDER_STATE,
  predictLogOdds,
  predictiveRate,
  probabilityOf,
  sigmoid,
  dot,
  trainingSet,
  type HistoryEvent,
  type Policy,
  type Predictive,
  type RiskModel,
  type TrainingExample,
} from '#core';

import { IDENTITY, learnCalibration, type Recalibration, type Scoring } from './recalibration.js';

const DAY = 86_400_000;

export interface BacktestSettings {
  /** Refit every … */
  readonly refitMs: number;
  /** Examples from this far back. */
  readonly windowMs: number;
  /** Recency half-life of the examples' weights (undefined: all weigh the same). */
  readonly halfLifeMs: number | undefined;
  /** No fit before this many failures are on record. */
  readonly minFailures: number;
  /** Learn how long failures take to show (else a change without one on record counts as clean). */
  readonly learnMaturity: boolean;
  /** Changes younger than the age by which this share of failures shows are left out of fits. */
  readonly minMaturity: number;
  /** Learn from the earlier fits' track record how much of the service levels to use. */
  readonly levelTrust: boolean;
  /** The level trust before its track record says anything: anywhere in [0, 1], or the levels in full. */
  readonly trustPrior?: 'unknown' | 'full';
  /** The features' evidence counted by its clusters' spread (design effect), or every outcome on its own. */
  readonly featureEvidence?: 'clustered' | 'independent';
  /**
   * Learn how long failures take to show from the fits' examples ('window', default) or from every
   * change seen so far ('all': delays longer than the window are invisible in it; tried, not kept).
   */
  readonly maturityRecord?: 'all' | 'window';
  /** Recalibrate the log-odds by the model's own track record (recalibration.ts; default none). */
  readonly recalibrate?: Recalibration;
  /** How a probability is read from a fit (RiskModel.predictive; default the core's). */
  readonly predictive?: Predictive;
}

export interface Scored {
  readonly change: Change;
  readonly values: readonly number[];
  /** The model's probability at the change's start; NaN before the first fit. */
  readonly probability: number;
  /** The service's level in that log-odds, as used (0 before the first fit). */
  readonly level: number;
  /** The Kamei regression's, refitted on the same examples. */
  readonly kamei: number;
  /** Lines changed, and the median of the service's sizes in the latest fit's examples. */
  readonly lines: number;
  readonly medianLines: number;
}

export interface Backtest {
  readonly scored: Scored[];
  readonly models: RiskModel[];
  readonly fitMs: number;
}

export interface Progress {
  (done: number, total: number, at: number, refits: number): void;
}

/** The features a JIT change has no source for are constant; Kamei's features are these. */
const KAMEI_FIELDS = [
  'linesAdded',
  'linesDeleted',
  'linesBefore',
  'files',
  'directories',
  'subsystems',
  'entropy',
  'developers',
  'filesAgeDays',
  'priorChanges',
  'authorExperience',
  'authorRecentExperience',
  'authorSubsystemExperience',
  'fix',
] as const;

/** Kamei et al.'s model inputs: log(1 + x) of each feature (0 where unknown). */
export function kameiFeatures(change: Change): number[] {
  const c = change.content;
  return KAMEI_FIELDS.map((f) => {
    const v = c?.[f] ?? null;
    return v === null ? 0 : typeof v === 'boolean' ? Number(v) : Math.log1p(Math.max(0, v));
  });
}

export function walkForward(
  events: readonly HistoryEvent[],
  policy: Policy,
  settings: BacktestSettings,
  lines: (change: Change) => number,
  progress?: Progress,
): Backtest {
  const history = new ChangeHistory({
    retentionMs: settings.windowMs + 30 * DAY,
    maxChangesPerService: 1_000_000,
    // A change's outcome counts once its first record exists; no extra settling wait.
    settleMs: DEFAULT_HISTORY_SETTINGS.settleMs,
  });
  const features = new Map<string, readonly number[]>();
  const total = events.filter((e) => e.type === 'change').length;
  const scored: Scored[] = [];
  const models: RiskModel[] = [];
  let model: RiskModel | undefined;
  let kamei: readonly number[] | undefined;
  let medians = new Map<string, number>();
  const record: (Omit<Scoring, 'failedAt'> & { readonly id: string })[] = [];
  let calibration = IDENTITY;
  // Every change seen and when its failure came on record, for the maturity curve.
  const delays = new Map<string, { startedAt: number; knownAt: number | null }>();
  const wholeRecord = settings.learnMaturity && settings.maturityRecord === 'all';
  let nextFit = events[0]!.at + settings.refitMs;
  let fitMs = 0;
  let done = 0;
  for (const event of events) {
    while (event.at >= nextFit) {
      const t = performance.now();
      const examples = trainingSet(history, policy, nextFit, {
        windowMs: settings.windowMs,
        featuresOf: (c) => features.get(c.id),
      });
      const fitted = fitRiskModel(examples, {
        now: nextFit,
        halfLifeMs: settings.halfLifeMs,
        minFailures: settings.minFailures,
        minMaturity: settings.minMaturity,
        ...(settings.learnMaturity ? {} : { maturity: MATURE }),
        ...(wholeRecord ? { maturity: labelMaturity([...delays.values()], nextFit) } : {}),
        start: model,
        earlier: settings.levelTrust ? models : undefined,
        levelTrustPrior: settings.trustPrior,
        featureEvidence: settings.featureEvidence,
        predictive: settings.predictive,
        from: nextFit - settings.windowMs,
        to: nextFit,
      });
      if (fitted.fit) {
        model = fitted;
        models.push(fitted);
        kamei = fitKamei(examples, history, nextFit, kamei);
        medians = medianSizes(examples, history, lines);
        if (settings.recalibrate && settings.recalibrate !== 'none')
          calibration = learnCalibration(
            record
              .filter((r) => r.startedAt >= nextFit - settings.windowMs)
              .map((r) => ({ ...r, failedAt: history.failure(r.id, nextFit)?.knownAt ?? null })),
            {
              kind: settings.recalibrate,
              now: nextFit,
              maturity: fitted.fit.maturity,
              halfLifeMs: settings.halfLifeMs,
              minMaturity: settings.minMaturity,
            },
          );
      }
      fitMs += performance.now() - t;
      nextFit += settings.refitMs;
    }
    if (event.type === 'change') {
      const change = event.value;
      const values = changeFeatures(change, history, policy).values;
      features.set(change.id, values);
      const logOdds = model ? predictLogOdds(model, values, change.service) : Number.NaN;
      if (model)
        record.push({ id: change.id, service: change.service, startedAt: change.startedAt, logOdds });
      scored.push({
        change,
        values,
        // As the core's probabilityOf reads it, on the log-odds as recalibrated (identity: none).
        probability:
          model?.predictive === 'mean-rate'
            ? predictiveRate(
                calibration.shift + calibration.slope * logOdds,
                calibration.slope ** 2 * logOddsVariance(model, values, change.service),
              )
            : sigmoid(calibration.shift + calibration.slope * logOdds),
        level: model ? levelOf(model, change.service) : 0,
        kamei: kamei ? sigmoid(dot(kamei, kameiFeatures(change))) : Number.NaN,
        lines: lines(change),
        medianLines: medians.get(change.service) ?? Number.NaN,
      });
      if (++done % 2000 === 0) progress?.(done, total, event.at, models.length);
    }
    history.add(event);
    if (wholeRecord) noteFailures(event, history, delays);
  }
  progress?.(done, total, events.at(-1)!.at, models.length);
  return { scored, models, fitMs };
}

/** Records the changes an event names, and when a failure of theirs came on record. */
function noteFailures(
  event: HistoryEvent,
  history: ChangeHistory,
  delays: Map<string, { startedAt: number; knownAt: number | null }>,
): void {
  const named =
    event.type === 'change'
      ? [event.value.id, event.value.rollbackOf]
      : event.type === 'verdict'
        ? [event.value.changeId]
        : event.type === 'incident'
          ? event.value.suspects.map((s) => s.changeId)
          : [];
  if (event.type === 'change')
    delays.set(event.value.id, { startedAt: event.value.startedAt, knownAt: null });
  for (const id of named) {
    const d = id ? delays.get(id) : undefined;
    if (d && d.knownAt === null) d.knownAt = history.failure(id!)?.knownAt ?? null;
  }
}

/** Plain logistic regression on Kamei's features, outcomes as known at the refit, no more. */
function fitKamei(
  examples: readonly TrainingExample[],
  history: ChangeHistory,
  now: number,
  start: readonly number[] | undefined,
): readonly number[] {
  const xs = examples.map((e) => kameiFeatures(history.change(e.changeId)!));
  const ys = examples.map((e) => e.failedAt !== null && e.failedAt <= now);
  // A whisper of ridge keeps collinear columns (and a column that never varies) solvable.
  return fitLogistic(xs, ys, { lambda: 1e-3, start, maxIterations: 25, tolerance: 1e-6 }).weights;
}

function medianSizes(
  examples: readonly TrainingExample[],
  history: ChangeHistory,
  lines: (change: Change) => number,
): Map<string, number> {
  const byService = new Map<string, number[]>();
  for (const e of examples) {
    const list = byService.get(e.service) ?? [];
    list.push(lines(history.change(e.changeId)!));
    byService.set(e.service, list);
  }
  return new Map(
    [...byService].map(([s, list]) => {
      const sorted = list.sort((a, b) => a - b);
      return [s, sorted[Math.floor(sorted.length / 2)]!];
    }),
  );
}

/** The features that read outcomes from the history: a service new to the fleet has none. */
export const OUTCOME_FEATURES = [
  'fleet-base',
  'service-failure-rate',
  'open-problems',
  'recent-incidents',
  'similar-kind',
  'similar-component',
  'similar-config-key',
] as const;

/** Feature vectors without what the service's own outcomes say (cross-project scoring). */
export function withoutOutcomes(values: readonly number[]): number[] {
  const out = [...values];
  for (const f of OUTCOME_FEATURES) out[featureIndex(f)] = 0;
  return out;
}

/**
 * Cross-project: the model fitted on every other service's whole history (outcomes final, no
 * history-derived features), scoring the held-out service as a service new to the fleet.
 */
export function crossProject(
  all: readonly { readonly scored: Scored; readonly failed: boolean }[],
  heldOut: string,
): Map<string, number> {
  const examples: TrainingExample[] = all
    .filter((r) => r.scored.change.service !== heldOut)
    .map((r) => ({
      changeId: r.scored.change.id,
      service: r.scored.change.service,
      values: withoutOutcomes(r.scored.values),
      startedAt: r.scored.change.startedAt,
      failedAt: r.failed ? r.scored.change.startedAt : null,
    }));
  const model = fitRiskModel(examples, { minFailures: 1 });
  return new Map(
    all
      .filter((r) => r.scored.change.service === heldOut)
      .map((r) => [r.scored.change.id, probabilityOf(model, withoutOutcomes(r.scored.values))]),
  );
}

/** A failure report as the history sees one: an incident naming the change, opened then. */
export function failureReport(change: Change, at: number): Incident {
  return {
    id: `report-${change.id}`,
    version: 1,
    event: 'opened',
    status: 'open',
    kind: 'regression',
    title: `failure induced by ${change.id}`,
    summary: '',
    severity: 'high',
    service: change.service,
    services: [change.service],
    environment: change.environment,
    openedAt: at,
    updatedAt: at,
    resolvedAt: null,
    members: [],
    suspects: [
      {
        changeId: change.id,
        service: change.service,
        kind: change.kind,
        component: null,
        probability: 1,
        evidence: [],
      },
    ],
    blastRadius: 1,
    actor: null,
    comment: null,
    team: null,
    labels: {},
    ...NO_RESPONDER_STATE,
  };
}
