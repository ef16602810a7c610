// The parts of OpenSLO v1 a schema cannot say: one field or the other, a field required by
// another's value. Runs on an object whose structure already passed (openslo-schema.ts).
import { isTimeZone } from '../policy/zoned-time.js';
import { parseDuration } from './duration.js';
import { parseWallTime } from './wall-time.js';
import {
  AlertPolicyRef,
  ConditionRef,
  inlineObject,
  TargetRef,
  type AlertPolicySpecValue,
  type ConditionSpecValue,
  type Kind,
  type RatioMetricSpec,
  type SliSpecValue,
  type SloSpecValue,
  type TimeWindowSpec,
} from './openslo-schema.js';
import type { FieldPath } from './problems.js';
import { checkSchema, type FieldProblem } from './schema-check.js';

type Report = (path: FieldPath, message: string) => void;

/** Cross-field problems of a structurally valid spec of `kind`. */
export function specRules(kind: Kind, spec: unknown, at: FieldPath): FieldProblem[] {
  const out: FieldProblem[] = [];
  const report: Report = (path, message) => out.push({ path, message });
  const nested = (problems: FieldProblem[]) => out.push(...problems);
  if (kind === 'SLO') sloRules(spec as SloSpecValue, at, report, nested);
  if (kind === 'SLI') sliRules(spec as SliSpecValue, at, report);
  if (kind === 'AlertPolicy') policyRules(spec as AlertPolicySpecValue, at, nested);
  if (kind === 'AlertCondition') conditionRules(spec as ConditionSpecValue, at, report);
  return out;
}

function sloRules(
  spec: SloSpecValue,
  at: FieldPath,
  report: Report,
  nested: (p: FieldProblem[]) => void,
): void {
  if (spec.indicator && spec.indicatorRef !== undefined)
    report([...at, 'indicatorRef'], 'cannot be given with indicator');
  if (!spec.indicator && spec.indicatorRef === undefined)
    report([...at, 'indicator'], 'is required (or indicatorRef)');
  if (spec.indicator) sliRules(spec.indicator.spec, [...at, 'indicator', 'spec'], report);
  if (spec.timeWindow?.[0]) windowRules(spec.timeWindow[0], [...at, 'timeWindow', 0], report);
  spec.objectives.forEach((o, i) => {
    const path = [...at, 'objectives', i];
    if ((o.target === undefined) === (o.targetPercent === undefined))
      report(
        [...path, 'target'],
        o.target === undefined ? 'is required (or targetPercent)' : 'cannot be given with targetPercent',
      );
    if (spec.budgetingMethod === 'Timeslices' && o.timeSliceTarget === undefined)
      report([...path, 'timeSliceTarget'], 'is required with budgetingMethod Timeslices');
    if (spec.budgetingMethod !== 'Occurrences' && o.timeSliceWindow === undefined)
      report([...path, 'timeSliceWindow'], `is required with budgetingMethod ${spec.budgetingMethod}`);
    if (typeof o.timeSliceWindow === 'string' && parseDuration(o.timeSliceWindow) === undefined)
      report([...path, 'timeSliceWindow'], 'must be longer than 0');
  });
  if (spec.indicator?.spec.thresholdMetric) thresholdObjectiveRules(spec, at, report);
  spec.alertPolicies?.forEach((item, i) => {
    const path = [...at, 'alertPolicies', i];
    nested(inline(item) ? inlineChecked('AlertPolicy', item, path) : checkSchema(AlertPolicyRef, item, path));
  });
}

/** A threshold indicator takes one objective, which says how a value compares (`op`, `value`). */
export function thresholdObjectiveRules(spec: SloSpecValue, at: FieldPath, report: Report): void {
  if (spec.objectives.length > 1)
    report([...at, 'objectives'], `a thresholdMetric takes one objective (got ${spec.objectives.length})`);
  const first = spec.objectives[0]!;
  if (first.op === undefined) report([...at, 'objectives', 0, 'op'], 'is required with a thresholdMetric');
  if (first.value === undefined)
    report([...at, 'objectives', 0, 'value'], 'is required with a thresholdMetric');
}

function windowRules(w: TimeWindowSpec, at: FieldPath, report: Report): void {
  if (parseDuration(w.duration) === undefined) report([...at, 'duration'], 'must be longer than 0');
  if (w.isRolling === true && w.calendar)
    report([...at, 'calendar'], 'a rolling window (isRolling: true) takes no calendar');
  if (w.isRolling === undefined && !w.calendar)
    report([...at, 'isRolling'], 'is required when there is no calendar');
  if (w.isRolling === false && !w.calendar)
    report([...at, 'calendar'], 'is required for a calendar window (isRolling: false)');
  if (!w.calendar) return;
  if (!isTimeZone(w.calendar.timeZone))
    report([...at, 'calendar', 'timeZone'], `"${w.calendar.timeZone}" is not an IANA time zone`);
  if (!parseWallTime(w.calendar.startTime))
    report([...at, 'calendar', 'startTime'], `"${w.calendar.startTime}" is not a date and time that exists`);
}

function sliRules(spec: SliSpecValue, at: FieldPath, report: Report): void {
  if (spec.thresholdMetric && spec.ratioMetric)
    report([...at, 'ratioMetric'], 'cannot be given with thresholdMetric');
  if (!spec.thresholdMetric && !spec.ratioMetric)
    report([...at, 'ratioMetric'], 'is required (or thresholdMetric)');
  if (spec.thresholdMetric) sourceRule(spec.thresholdMetric.metricSource, [...at, 'thresholdMetric'], report);
  if (spec.ratioMetric) ratioRules(spec.ratioMetric, [...at, 'ratioMetric'], report);
}

function ratioRules(r: RatioMetricSpec, at: FieldPath, report: Report): void {
  const counts = r.good || r.bad || r.total;
  if (r.raw && counts) report([...at, 'raw'], 'cannot be given with good, bad or total');
  if (r.raw && r.rawType === undefined) report([...at, 'rawType'], 'is required with raw');
  if (!r.raw && r.rawType !== undefined) report([...at, 'rawType'], 'is given only with raw');
  if (!r.raw) {
    if (!r.total) report([...at, 'total'], 'is required (or raw)');
    if (r.good && r.bad) report([...at, 'bad'], 'cannot be given with good');
    if (!r.good && !r.bad) report([...at, 'good'], 'is required with total (or bad)');
  }
  for (const part of ['good', 'bad', 'total', 'raw'] as const) {
    const metric = r[part];
    if (metric) sourceRule(metric.metricSource, [...at, part], report);
  }
}

function sourceRule(
  source: { type?: string; metricSourceRef?: string },
  at: FieldPath,
  report: Report,
): void {
  if (source.type === undefined && source.metricSourceRef === undefined)
    report([...at, 'metricSource', 'type'], 'is required when there is no metricSourceRef');
}

function policyRules(spec: AlertPolicySpecValue, at: FieldPath, nested: (p: FieldProblem[]) => void): void {
  spec.conditions.forEach((item, i) => {
    const path = [...at, 'conditions', i];
    nested(
      inline(item) ? inlineChecked('AlertCondition', item, path) : checkSchema(ConditionRef, item, path),
    );
  });
  spec.notificationTargets.forEach((item, i) => {
    const path = [...at, 'notificationTargets', i];
    nested(
      inline(item)
        ? inlineChecked('AlertNotificationTarget', item, path)
        : checkSchema(TargetRef, item, path),
    );
  });
}

function conditionRules(spec: ConditionSpecValue, at: FieldPath, report: Report): void {
  if (parseDuration(spec.condition.lookbackWindow) === undefined)
    report([...at, 'condition', 'lookbackWindow'], 'must be longer than 0');
}

/** An item written out in place (it has a `kind`) rather than referred to by name. */
export function inline(item: unknown): boolean {
  return typeof item === 'object' && item !== null && 'kind' in item;
}

function inlineChecked(kind: Kind, item: unknown, at: FieldPath): FieldProblem[] {
  const structural = checkSchema(inlineObject(kind), item, at);
  if (structural.length > 0) return structural;
  return specRules(kind, (item as { spec: unknown }).spec, [...at, 'spec']);
}
