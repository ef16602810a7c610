// From valid OpenSLO objects (of one file or a whole directory) to SLO definitions Aftershock
// can compute, or `aftershock`-level problems naming the field it cannot compute. References
// (indicatorRef, alertPolicyRef, conditionRef) resolve among the objects read together.
import { conditionProblems, WORKBOOK_TIERS, policyTier } from './alert-tiers.js';
import { durationMs, isCalendarUnit, MINUTE_MS, parseDuration } from './duration.js';
import { metricQuery } from './metric-source.js';
import { parseWallTime } from './wall-time.js';
import type { BurnRateTier, Indicator, SloDefinition, SloObjective, SloWindow } from './model.js';
import type { AlertPolicySpecValue, Kind, SliSpecValue, SloSpecValue } from './openslo-schema.js';
import { inline, thresholdObjectiveRules } from './openslo-rules.js';
import type { OpenSloObject } from './parse-openslo.js';
import { formatPath, type FieldPath, type ProblemLevel, type SloProblem } from './problems.js';
import type { FieldProblem } from './schema-check.js';

export interface Resolved {
  readonly slos: readonly SloDefinition[];
  readonly problems: readonly SloProblem[];
}

export function resolveSlos(objects: readonly OpenSloObject[]): Resolved {
  const byKind = new Map<string, OpenSloObject>();
  const problems: SloProblem[] = [];
  const report = (o: OpenSloObject, found: readonly FieldProblem[], level: ProblemLevel = 'aftershock') => {
    for (const p of found)
      problems.push({
        level,
        file: o.file,
        object: `${o.kind} ${o.metadata.name}`,
        field: formatPath(p.path),
        line: o.lineOf(p.path) ?? o.line,
        message: p.message,
      });
  };
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    const earlier = byKind.get(key);
    if (earlier)
      report(o, [
        {
          path: ['metadata', 'name'],
          message: `another ${o.kind} is named so (${earlier.file}${earlier.line ? `:${earlier.line}` : ''})`,
        },
      ]);
    else byKind.set(key, o);
  }
  const named = <K extends Kind>(kind: K, name: string) =>
    byKind.get(`${kind}/${name}`) as OpenSloObject<K> | undefined;
  const conditionNamed = (name: string) => named('AlertCondition', name);

  const slos: SloDefinition[] = [];
  for (const o of objects) {
    if (byKind.get(`${o.kind}/${o.metadata.name}`) !== o) continue;
    if (o.kind === 'DataSource')
      report(o, [
        { path: ['kind'], message: 'DataSource objects are not used: Aftershock reads its own telemetry' },
      ]);
    if (o.kind === 'SLI') {
      const found = indicatorOf(o.spec as SliSpecValue, ['spec'], undefined, '');
      if (Array.isArray(found)) report(o, found);
    }
    if (o.kind === 'AlertPolicy') {
      const found = policyTier(o as OpenSloObject<'AlertPolicy'>, ['spec'], conditionNamed);
      if (Array.isArray(found)) report(o, found);
    }
    if (o.kind === 'AlertCondition') {
      const spec = (o as OpenSloObject<'AlertCondition'>).spec;
      report(o, conditionProblems(spec.condition, ['spec', 'condition']));
    }
    if (o.kind !== 'SLO') continue;
    const found = sloOf(o as OpenSloObject<'SLO'>, named, conditionNamed);
    if ('problems' in found) report(o, found.problems, found.level);
    else slos.push(found);
  }
  return { slos, problems };
}

type Lookup = <K extends Kind>(kind: K, name: string) => OpenSloObject<K> | undefined;

function sloOf(
  o: OpenSloObject<'SLO'>,
  named: Lookup,
  conditionNamed: (name: string) => OpenSloObject<'AlertCondition'> | undefined,
): SloDefinition | { problems: FieldProblem[]; level: ProblemLevel } {
  const spec = o.spec as SloSpecValue;
  let sli: SliSpecValue;
  let sliPath: FieldPath = ['spec', 'indicator', 'spec'];
  if (spec.indicator) sli = spec.indicator.spec;
  else {
    const ref = named('SLI', spec.indicatorRef!);
    if (!ref)
      return {
        problems: [
          {
            path: ['spec', 'indicatorRef'],
            message: `no SLI named "${spec.indicatorRef}" in the files read`,
          },
        ],
        level: 'aftershock',
      };
    sli = ref.spec as SliSpecValue;
    sliPath = ['spec', 'indicatorRef'];
    if (sli.thresholdMetric) {
      const invalid: FieldProblem[] = [];
      thresholdObjectiveRules(spec, ['spec'], (path, message) => invalid.push({ path, message }));
      if (invalid.length > 0) return { problems: invalid, level: 'openslo' };
    }
  }
  const problems: FieldProblem[] = [];
  const indicator = indicatorOf(sli, sliPath, spec, spec.service);
  if (Array.isArray(indicator))
    problems.push(
      ...(spec.indicator
        ? indicator
        : indicator.map((p) => ({
            path: sliPath,
            message: `SLI "${spec.indicatorRef}": ${formatPath(p.path)}: ${p.message}`,
          }))),
    );
  const window = windowOf(spec, problems);
  const objectives = spec.objectives.map((obj, i) => objectiveOf(spec, sli, i, window, problems));
  const alerting = alertingOf(spec, named, conditionNamed, problems);
  if (problems.length > 0 || Array.isArray(indicator) || !window) return { problems, level: 'aftershock' };
  return {
    name: o.metadata.name,
    ...(o.metadata.displayName === undefined ? {} : { displayName: o.metadata.displayName }),
    service: spec.service,
    file: o.file,
    indicator,
    window,
    budgeting: spec.budgetingMethod,
    objectives,
    alerting,
  };
}

function indicatorOf(
  sli: SliSpecValue,
  at: FieldPath,
  slo: SloSpecValue | undefined,
  service: string,
): Indicator | FieldProblem[] {
  if (sli.thresholdMetric) {
    const metric = metricQuery(
      sli.thresholdMetric.metricSource,
      [...at, 'thresholdMetric', 'metricSource'],
      service,
    );
    if (Array.isArray(metric)) return metric;
    const first = slo?.objectives[0];
    return { kind: 'threshold', metric, op: first?.op ?? 'lte', value: first?.value ?? 0 };
  }
  const ratio = sli.ratioMetric!;
  if (ratio.raw)
    return [
      {
        path: [...at, 'ratioMetric', 'raw'],
        message: 'precomputed ratios cannot be summed over a window: give good (or bad) and total counts',
      },
    ];
  const numerator = ratio.good ? 'good' : 'bad';
  const events = metricQuery(
    ratio[numerator]!.metricSource,
    [...at, 'ratioMetric', numerator, 'metricSource'],
    service,
  );
  const total = metricQuery(
    ratio.total!.metricSource,
    [...at, 'ratioMetric', 'total', 'metricSource'],
    service,
  );
  const problems = [...(Array.isArray(events) ? events : []), ...(Array.isArray(total) ? total : [])];
  if (Array.isArray(events) || Array.isArray(total)) return problems;
  return { kind: 'ratio', numerator, events, total, counter: ratio.counter ?? false };
}

function windowOf(spec: SloSpecValue, problems: FieldProblem[]): SloWindow | undefined {
  const w = spec.timeWindow?.[0];
  if (!w) {
    problems.push({ path: ['spec', 'timeWindow'], message: 'is required to compute a budget' });
    return undefined;
  }
  const duration = parseDuration(w.duration)!;
  if (!w.calendar) return { kind: 'rolling', duration, ms: durationMs(duration) };
  return {
    kind: 'calendar',
    duration,
    timeZone: w.calendar.timeZone,
    start: parseWallTime(w.calendar.startTime)!,
  };
}

function objectiveOf(
  spec: SloSpecValue,
  sli: SliSpecValue,
  i: number,
  window: SloWindow | undefined,
  problems: FieldProblem[],
): SloObjective {
  const o = spec.objectives[i]!;
  const at = ['spec', 'objectives', i];
  const method = spec.budgetingMethod;
  if (sli.ratioMetric && o.value !== undefined)
    problems.push({
      path: [...at, 'value'],
      message: 'applies to a thresholdMetric; this SLO has a ratioMetric',
    });
  if (method !== 'Timeslices' && o.timeSliceTarget !== undefined)
    problems.push({
      path: [...at, 'timeSliceTarget'],
      message: `applies to budgetingMethod Timeslices, not ${method}`,
    });
  if (method === 'Occurrences' && o.timeSliceWindow !== undefined)
    problems.push({
      path: [...at, 'timeSliceWindow'],
      message: 'applies to timeslice budgeting, not Occurrences',
    });
  if (method === 'Occurrences' && sli.ratioMetric && o.op !== undefined)
    problems.push({
      path: [...at, 'op'],
      message:
        'a ratioMetric under Occurrences compares nothing: op applies to thresholdMetric or Timeslices',
    });
  const target = o.target ?? o.targetPercent! / 100;
  const name = o.displayName ?? `objective ${i + 1}`;
  if (method === 'Occurrences' || o.timeSliceWindow === undefined) return { name, target };
  const sliceMs = sliceLength(o.timeSliceWindow, [...at, 'timeSliceWindow'], problems);
  if (sliceMs !== undefined && window) {
    const windowMs = window.kind === 'rolling' ? window.ms : durationMs(window.duration);
    if (sliceMs > windowMs)
      problems.push({ path: [...at, 'timeSliceWindow'], message: 'is longer than the time window' });
  }
  const base = { name, target, sliceMs: sliceMs ?? MINUTE_MS };
  if (method === 'RatioTimeslices') return base;
  // A threshold SLI's op compares samples; a slice is then good when enough of them are.
  return { ...base, sliceTarget: o.timeSliceTarget!, sliceOp: sli.thresholdMetric ? 'gte' : (o.op ?? 'gte') };
}

function sliceLength(window: number | string, at: FieldPath, problems: FieldProblem[]): number | undefined {
  if (typeof window === 'number') {
    const ms = window * MINUTE_MS;
    if (Number.isInteger(ms / 1000)) return ms;
    problems.push({ path: at, message: 'must be a whole number of seconds' });
    return undefined;
  }
  const d = parseDuration(window)!;
  if (!isCalendarUnit(d.unit)) return durationMs(d);
  problems.push({ path: at, message: `"${window}": a time slice needs a fixed length (m, h, d or w)` });
  return undefined;
}

function alertingOf(
  spec: SloSpecValue,
  named: Lookup,
  conditionNamed: (name: string) => OpenSloObject<'AlertCondition'> | undefined,
  problems: FieldProblem[],
): BurnRateTier[] {
  if (!spec.alertPolicies || spec.alertPolicies.length === 0) return [...WORKBOOK_TIERS];
  const tiers: BurnRateTier[] = [];
  spec.alertPolicies.forEach((item, i) => {
    const at = ['spec', 'alertPolicies', i];
    let policy: { metadata: { name: string }; spec: AlertPolicySpecValue } | undefined;
    if (inline(item)) policy = item as typeof policy;
    else {
      const ref = (item as { alertPolicyRef: string }).alertPolicyRef;
      policy = named('AlertPolicy', ref) as typeof policy;
      if (!policy) {
        problems.push({
          path: [...at, 'alertPolicyRef'],
          message: `no AlertPolicy named "${ref}" in the files read`,
        });
        return;
      }
    }
    const found = policyTier(
      policy!,
      inline(item) ? [...at, 'spec'] : [...at, 'alertPolicyRef'],
      conditionNamed,
    );
    if (Array.isArray(found)) problems.push(...found);
    else tiers.push(found);
  });
  return tiers;
}
