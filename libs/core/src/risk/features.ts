// The features of a change's risk, each a number the model weighs (log-odds per unit) and a
// sentence for the reasons. Reference levels are a routine change — a deployment, automated
// with passing tests, rollout unknown, 100 lines, in business hours — so that change scores
// exactly its service's smoothed failure rate under the default weights, and every other
// factor reads as "how much this change differs from routine".
import type { Change, ChangeKind, RolloutStrategy } from '#contracts';
import { changeContext, describeLocalTime, type ChangeContext, type Policy } from '../policy/policy.js';
import { localTime } from '../policy/zoned-time.js';
import type { ChangeHistory, FailureCount, SimilarFailures, SmoothedRate } from './change-history.js';
import {
  CONTENT_FACTOR_OF,
  CONTENT_FEATURES,
  contentFeatureValues,
  describeContentFactor,
  describeContentSize,
  linesChanged,
} from './content-features.js';

export const FEATURES = [
  'fleet-base',
  'service-failure-rate',
  'open-problems',
  'recent-incidents',
  'kind:config',
  'kind:feature_flag',
  'kind:infrastructure',
  'kind:database_migration',
  'kind:rollback',
  'kind:other',
  'size',
  'size-unknown',
  'off-hours',
  'weekend',
  'freeze-window',
  'rollout:canary',
  'rollout:progressive',
  'rollout:blue_green',
  'rollout:all_at_once',
  'manual',
  'tests-failed',
  'no-test-evidence',
  'similar-kind',
  'similar-component',
  'similar-config-key',
  ...CONTENT_FEATURES,
] as const;

export type Feature = (typeof FEATURES)[number];

/** Factor groups shown as one reason each (the contract's RiskReason.factor). */
export const FACTOR_OF: Record<Feature, string> = {
  'fleet-base': 'baseline',
  'service-failure-rate': 'change-failure-rate',
  'open-problems': 'open-problems',
  'recent-incidents': 'recent-incidents',
  'kind:config': 'change-kind',
  'kind:feature_flag': 'change-kind',
  'kind:infrastructure': 'change-kind',
  'kind:database_migration': 'change-kind',
  'kind:rollback': 'change-kind',
  'kind:other': 'change-kind',
  size: 'size',
  'size-unknown': 'size',
  'off-hours': 'timing',
  weekend: 'timing',
  'freeze-window': 'freeze-window',
  'rollout:canary': 'rollout',
  'rollout:progressive': 'rollout',
  'rollout:blue_green': 'rollout',
  'rollout:all_at_once': 'rollout',
  manual: 'automation',
  'tests-failed': 'tests',
  'no-test-evidence': 'tests',
  'similar-kind': 'similar-failures',
  'similar-component': 'similar-failures',
  'similar-config-key': 'similar-failures',
  ...CONTENT_FACTOR_OF,
};

const INDEX = new Map<Feature, number>(FEATURES.map((f, i) => [f, i]));
export const featureIndex = (f: Feature): number => INDEX.get(f)!;

/** What the features were computed from, for the sentences. */
export interface FeatureFacts {
  readonly rate: SmoothedRate;
  readonly openProblems: readonly { id: string; title: string }[];
  readonly recentIncidents: readonly string[];
  readonly similar: SimilarFailures;
  readonly context: ChangeContext;
  readonly offHours: boolean;
  readonly weekend: boolean;
  readonly localTime: string;
  readonly similarityDays: number;
}

export interface ChangeFeatures {
  /** Aligned with FEATURES. */
  readonly values: readonly number[];
  readonly facts: FeatureFacts;
}

const REFERENCE_LINES = 100;
/** Pseudo-changes at the service's rate added to each group of similar changes. */
export const SIMILAR_PRIOR = 5;

export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/**
 * Features of `change` from what was on record at asOf (default: the change's start, which is
 * what a fit on history uses; an assessment passes min(now, startedAt)).
 */
export function changeFeatures(
  change: Change,
  history: ChangeHistory,
  policy: Policy,
  asOf: number = change.startedAt,
): ChangeFeatures {
  const context = changeContext(policy, change);
  const rate = history.smoothedRate(change.service, context.team, asOf);
  const openProblems = history.openProblems(change.service, asOf);
  const recentIncidents = history.recentIncidents(change.service, asOf);
  const similar = history.similarFailures(change, asOf);
  const local = localTime(change.startedAt, context.timeZone);
  const minute = local.hour * 60 + local.minute;
  const hours = context.businessHours;
  const weekend = !hours.days.includes(local.weekday);
  const offHours = !weekend && (minute < hours.startMinute || minute >= hours.endMinute);

  const v = new Array<number>(FEATURES.length).fill(0);
  const set = (f: Feature, x: number) => (v[featureIndex(f)] = x);
  set('fleet-base', logit(rate.fleet.rate));
  set('service-failure-rate', logit(rate.smoothed) - logit(rate.fleet.rate));
  set('open-problems', Math.min(openProblems.length, 5));
  set('recent-incidents', Math.log2(1 + Math.min(recentIncidents.length, 31)));
  if (change.kind !== 'deployment') set(`kind:${change.kind}` as Feature, 1);
  const lines = linesChanged(change);
  if (lines === null) set('size-unknown', 1);
  else set('size', Math.min(7, Math.max(-4, Math.log2((lines + 1) / (REFERENCE_LINES + 1)))));
  set('off-hours', offHours ? 1 : 0);
  set('weekend', weekend ? 1 : 0);
  set('freeze-window', context.freezes.length > 0 ? 1 : 0);
  if (change.rollout !== 'unknown') set(`rollout:${change.rollout}` as Feature, 1);
  set('manual', change.automated ? 0 : 1);
  const tests = change.pipeline?.testsPassed ?? null;
  set('tests-failed', tests === false ? 1 : 0);
  set('no-test-evidence', tests === null ? 1 : 0);
  // Similar changes' failure rate relative to the service's: shrunk towards the service's
  // smoothed rate by SIMILAR_PRIOR pseudo-changes, so a handful of look-alikes moves it little.
  const relative = (count: FailureCount | null) =>
    count === null
      ? 0
      : logit((count.failures + SIMILAR_PRIOR * rate.smoothed) / (count.changes + SIMILAR_PRIOR)) -
        logit(rate.smoothed);
  set('similar-kind', relative(similar.sameKind));
  set('similar-component', relative(similar.sameComponent));
  set('similar-config-key', relative(similar.sameConfigKey));
  for (const [f, x] of Object.entries(contentFeatureValues(change))) set(f as Feature, x);
  return {
    values: v,
    facts: {
      rate,
      openProblems,
      recentIncidents,
      similar,
      context,
      offHours,
      weekend,
      localTime:
        describeLocalTime(change.startedAt, context.timeZone) +
        (context.timeZoneKnown ? '' : ' (no zone known for the service or team)'),
      similarityDays: Math.round(history.settings.similarityWindowMs / 86_400_000),
    },
  };
}

const KIND_WORDS: Record<ChangeKind, string> = {
  deployment: 'a deployment',
  config: 'a config change',
  feature_flag: 'a feature-flag change',
  infrastructure: 'an infrastructure change',
  database_migration: 'a database migration',
  rollback: 'a rollback',
  other: 'a change of another kind',
};

const KIND_PLURAL: Record<ChangeKind, string> = {
  deployment: 'deployments',
  config: 'config changes',
  feature_flag: 'feature-flag changes',
  infrastructure: 'infrastructure changes',
  database_migration: 'database migrations',
  rollback: 'rollbacks',
  other: 'changes of other kinds',
};

const ROLLOUT_WORDS: Record<RolloutStrategy, string> = {
  unknown: 'rollout strategy not given',
  all_at_once: 'rolled out all at once',
  canary: 'canary rollout',
  progressive: 'progressive rollout',
  blue_green: 'blue/green rollout',
};

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

/** One sentence per factor group, describing the change's value of it. */
export function describeFactor(factor: string, change: Change, facts: FeatureFacts): string {
  const { rate, similar } = facts;
  switch (factor) {
    case 'baseline':
      return rate.fleet.total.changes === 0
        ? `no history yet: prior fleet change failure rate ${pct(rate.fleet.rate)}`
        : `fleet change failure rate ${pct(rate.fleet.rate)} (${rate.fleet.total.failures} of ${rate.fleet.total.changes} changes across ${rate.fleet.services} services)`;
    case 'change-failure-rate':
      if (rate.service.changes === 0 && rate.teamRate === null)
        return `${change.service}: no settled changes in the window; the fleet’s rate applies`;
      return (
        `${change.service}: ${rate.service.failures} of ${rate.service.changes} settled changes failed in the window` +
        (rate.teamRate !== null ? `; team ${rate.team} ${pct(rate.teamRate)}` : '') +
        `; smoothed ${pct(rate.smoothed)} (beta prior of ${rate.fleet.priorStrength.toFixed(0)} pseudo-changes${rate.fleet.estimated ? ', estimated from the fleet' : ', default'})`
      );
    case 'open-problems':
      return facts.openProblems.length === 0
        ? 'no open problems on the service'
        : `${facts.openProblems.length} open problem(s) on the service: ${facts.openProblems.map((p) => `${p.id} “${p.title}”`).join(', ')}`;
    case 'recent-incidents':
      return facts.recentIncidents.length === 0
        ? 'no incidents on the service in the last day'
        : `${facts.recentIncidents.length} incident(s) on the service in the last day: ${facts.recentIncidents.slice(0, 3).join(', ')}`;
    case 'change-kind':
      return KIND_WORDS[change.kind];
    case 'size': {
      const lines = linesChanged(change);
      return lines === null
        ? 'size not given'
        : `${lines.toLocaleString('en-US')} lines changed${describeContentSize(change)} (reference ${REFERENCE_LINES})`;
    }
    case 'timing':
      return `${facts.localTime}: ${facts.weekend ? 'weekend' : facts.offHours ? 'outside business hours' : 'business hours'}`;
    case 'freeze-window':
      return facts.context.freezes.length === 0
        ? 'outside every freeze window'
        : `inside freeze window ${facts.context.freezes.map((w) => `${w.id} (${w.text})`).join(', ')}`;
    case 'rollout':
      return ROLLOUT_WORDS[change.rollout];
    case 'automation':
      return change.automated
        ? `automated${change.pipeline?.name ? ` (pipeline ${change.pipeline.name})` : ''}`
        : 'made by hand';
    case 'tests': {
      const p = change.pipeline;
      if (p?.testsPassed === true) return `tests passed${p.testsRun !== null ? ` (${p.testsRun} run)` : ''}`;
      if (p?.testsPassed === false)
        return `tests failed${p.testsFailed !== null ? ` (${p.testsFailed} failing)` : ''}`;
      return 'no test evidence';
    }
    case 'similar-failures': {
      const part = (name: string, c: FailureCount | null) =>
        c === null || c.changes === 0 ? [] : [`${c.failures} of ${c.changes} ${name} failed`];
      const parts = [
        ...part(KIND_PLURAL[change.kind], similar.sameKind),
        ...part(`changes to component ${change.component}`, similar.sameComponent),
        ...part(`changes to config keys ${change.configKeys.join(', ')}`, similar.sameConfigKey),
      ];
      if (parts.length === 0) return `no similar changes in the last ${facts.similarityDays} days`;
      const examples = similar.examples.length ? ` (latest failed: ${similar.examples.join(', ')})` : '';
      return `similar changes on ${change.service} in the last ${facts.similarityDays} days: ${parts.join('; ')}${examples}`;
    }
    default:
      return describeContentFactor(factor, change) ?? factor;
  }
}
