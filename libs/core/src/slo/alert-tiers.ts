// Burn-rate tiers from OpenSLO AlertPolicies. A policy holds one `burnrate` condition: its
// `threshold` is the burn rate, `lookbackWindow` the long window and `alertAfter` the short
// window of the SRE workbook's multi-window pair — the burn must hold over the last
// `alertAfter` too, confirming it is still going on. (Read as a hold-for duration instead, it
// would delay every page by that long and keep paging after the burn stops, which is what
// the workbook's short window is there to avoid.) No `alertAfter` (or `0m`): 1/12 of the
// long window, the workbook's ratio. Conditions with `op: lt`/`lte` are refused: a burn-rate
// alert fires when the budget burns fast, not slow.
// The spec gives the alertWhen* flags no default: breaching notifies unless set false, resolved
// and no-data only when set true. Notification targets are carried onto the alert by name.
import { durationMs, HOUR_MS, MINUTE_MS, DAY_MS, parseDuration } from './duration.js';
import type { BurnRateTier } from './model.js';
import type { AlertPolicySpecValue, ConditionSpecValue } from './openslo-schema.js';
import { inline } from './openslo-rules.js';
import { formatPath, type FieldPath } from './problems.js';
import type { FieldProblem } from './schema-check.js';

/** The SRE workbook's tiers for a 30-day budget: two pages, two tickets. */
export const WORKBOOK_TIERS: readonly BurnRateTier[] = [
  tier('page-1h', 'page', 14.4, HOUR_MS, 5 * MINUTE_MS),
  tier('page-6h', 'page', 6, 6 * HOUR_MS, 30 * MINUTE_MS),
  tier('ticket-1d', 'ticket', 3, DAY_MS, 2 * HOUR_MS),
  tier('ticket-3d', 'ticket', 1, 3 * DAY_MS, 6 * HOUR_MS),
];

function tier(
  name: string,
  severity: string,
  threshold: number,
  longMs: number,
  shortMs: number,
): BurnRateTier {
  return {
    name,
    severity,
    threshold,
    op: 'gt',
    longMs,
    shortMs,
    notifyBreaching: true,
    notifyResolved: true,
    notifyNoData: false,
    targets: [],
  };
}

interface Named<S> {
  readonly metadata: { readonly name: string };
  readonly spec: S;
}

/** Finds an AlertCondition object by name among those read. */
export type ConditionLookup = (name: string) => Named<ConditionSpecValue> | undefined;

export function policyTier(
  policy: Named<AlertPolicySpecValue>,
  at: FieldPath,
  conditionNamed: ConditionLookup,
): BurnRateTier | FieldProblem[] {
  const item = policy.spec.conditions[0]!;
  const conditionPath = [...at, 'conditions', 0];
  let condition: Named<ConditionSpecValue> | undefined;
  if (inline(item)) condition = item as Named<ConditionSpecValue>;
  else {
    const ref = (item as { conditionRef: string }).conditionRef;
    condition = conditionNamed(ref);
    if (!condition)
      return [
        {
          path: [...conditionPath, 'conditionRef'],
          message: `no AlertCondition named "${ref}" in the files read`,
        },
      ];
  }
  const c = condition.spec.condition;
  // A referred condition's fault is named on the reference, with the condition's own field.
  const problems = inline(item)
    ? conditionProblems(c, [...conditionPath, 'spec', 'condition'])
    : conditionProblems(c, ['condition']).map((p) => ({
        path: [...conditionPath, 'conditionRef'],
        message: `AlertCondition "${condition!.metadata.name}": ${formatPath(p.path)}: ${p.message}`,
      }));
  const long = parseDuration(c.lookbackWindow)!;
  const after = c.alertAfter === undefined ? undefined : parseDuration(c.alertAfter);
  const longMs = durationMs(long);
  const shortMs = after ? durationMs(after) : Math.round(longMs / 12);
  if (problems.length > 0) return problems;
  return {
    name: policy.metadata.name,
    severity: condition.spec.severity,
    threshold: c.threshold,
    op: c.op === 'gte' ? 'gte' : 'gt',
    longMs,
    shortMs,
    notifyBreaching: policy.spec.alertWhenBreaching ?? true,
    notifyResolved: policy.spec.alertWhenResolved ?? false,
    notifyNoData: policy.spec.alertWhenNoData ?? false,
    targets: policy.spec.notificationTargets.map((t) =>
      inline(t) ? (t as Named<unknown>).metadata.name : (t as { targetRef: string }).targetRef,
    ),
  };
}

/** What Aftershock cannot compute in a burn-rate condition. */
export function conditionProblems(c: ConditionSpecValue['condition'], at: FieldPath): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (c.op === 'lt' || c.op === 'lte')
    problems.push({
      path: [...at, 'op'],
      message: `"${c.op}": a burn-rate alert fires above its threshold (gt or gte)`,
    });
  if (c.threshold <= 0) problems.push({ path: [...at, 'threshold'], message: 'must be a burn rate above 0' });
  const after = c.alertAfter === undefined ? undefined : parseDuration(c.alertAfter);
  const long = parseDuration(c.lookbackWindow);
  if (after && long && durationMs(after) > durationMs(long))
    problems.push({
      path: [...at, 'alertAfter'],
      message: 'the short window cannot be longer than lookbackWindow',
    });
  return problems;
}
