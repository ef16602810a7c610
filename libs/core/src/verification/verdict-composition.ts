// A look's verdict from its metrics' assessments: the outcome (pass / fail / inconclusive), the
// score, and the summary in words, with what qualifies it (a newer change that cut the
// observation short, changes that overlap it, failed windows left out of the baseline).
import type { Change, MetricJudgement, Verdict, VerdictOutcome } from '#contracts';
import type { MetricAssessment } from './judge.js';
import { formatDuration } from './wording.js';

/** What a verdict says of the verification it ends or interrupts. */
export interface VerifiedChange {
  readonly change: Change;
  readonly observationStart: number;
  readonly baselineEnd: number;
  readonly lookTimes: readonly number[];
  /** The newer change on the same service that ended the observation early. */
  readonly supersededBy: Change | null;
  /** Newer changes on the same service that began before this one could be judged on its own. */
  readonly jointWith?: readonly Change[];
  readonly overlapping: ReadonlySet<string>;
}

/** The baseline the look used: where it starts, and the failed windows it left out. */
export interface BaselineUsed {
  readonly start: number;
  readonly excluded: readonly { readonly changeId: string; readonly from: number; readonly to: number }[];
}

export function composeVerdict(
  v: VerifiedChange,
  index: number,
  lookEnd: number,
  isLast: boolean,
  assessments: MetricAssessment[],
  plan: BaselineUsed,
): Verdict {
  const { change } = v;
  const fails = assessments.filter((a) => a.status === 'fail');
  const judged = assessments.filter(
    (a) => a.status === 'fail' || a.status === 'pass' || a.status === 'suspicious',
  );
  const blocking = assessments.filter((a) => a.status === 'suspicious' || a.status === 'vanished');
  const elapsed = formatDuration(lookEnd - v.observationStart);
  const look = index + 1;
  let outcome: VerdictOutcome;
  let score: number;
  let summary: string;
  if (fails.length > 0) {
    outcome = 'fail';
    fails.sort((a, b) => a.score - b.score);
    score = fails[0]!.score;
    const more =
      fails.length > 1 ? ` (and ${fails.length - 1} more failing metric${fails.length > 2 ? 's' : ''})` : '';
    summary = `Regression after change ${change.id} on ${change.service}, ${elapsed} after it (look ${look}): ${fails[0]!.judgement.reason}${more}`;
  } else if (!isLast) {
    outcome = 'inconclusive';
    score = judged.length > 0 ? Math.min(...judged.map((a) => a.score)) : 50;
    summary = `Look ${look} of ${v.lookTimes.length}, ${elapsed} after change ${change.id}: no regression so far (${judged.length} metric${judged.length === 1 ? '' : 's'} judged)`;
  } else if (assessments.length === 0) {
    outcome = 'inconclusive';
    score = 50;
    summary = `No telemetry from ${change.service} to verify change ${change.id} against: inconclusive, not a pass`;
  } else if (blocking.length > 0) {
    outcome = 'inconclusive';
    score = Math.min(50, ...judged.map((a) => a.score));
    summary = `Inconclusive after ${elapsed}: ${blocking.map((a) => a.judgement.reason).join('; ')}`;
  } else if (judged.length === 0) {
    outcome = 'inconclusive';
    score = 50;
    summary = `Too little telemetry from ${change.service} to verify change ${change.id}: ${assessments[0]!.judgement.reason}`;
  } else {
    outcome = 'pass';
    score = Math.min(...judged.map((a) => a.score));
    const names = judged.map((a) => a.judgement.metric);
    summary = `No regression on ${change.service} ${elapsed} after change ${change.id}: ${judged.length} metric${judged.length === 1 ? '' : 's'} within bounds (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})`;
  }
  if (isLast && v.supersededBy)
    summary += `; the observation ended after ${elapsed}, when change ${v.supersededBy.id} on the same service started`;
  const joint = v.jointWith ?? [];
  if (joint.length > 0)
    summary += `; judged together with ${joint.map((c) => `change ${c.id}`).join(', ')} on the same service, begun ${joint.map((c) => formatDuration(c.startedAt - v.observationStart)).join(', ')} after it, before this one could be judged on its own`;
  const overlapping = [...v.overlapping].filter(
    (id) => id !== v.supersededBy?.id && !joint.some((c) => c.id === id),
  );
  if (overlapping.length > 0)
    summary += `; note: other changes overlap this window (${overlapping.join(', ')})`;
  if (plan.excluded.length > 0) {
    const left = plan.excluded.map(
      (f) => `${formatDuration(Math.min(f.to, v.baselineEnd) - f.from)} after ${f.changeId}`,
    );
    summary += `; the baseline leaves out the windows of earlier failed changes (${left.join(', ')}) and starts ${formatDuration(v.baselineEnd - plan.start)} before the change`;
  }
  const order: Record<string, number> = {
    fail: 0,
    suspicious: 1,
    vanished: 2,
    pass: 3,
    shared: 4,
    'too-little-data': 5,
    'no-baseline': 6,
  };
  const metrics: MetricJudgement[] = [...assessments]
    .sort(
      (a, b) =>
        order[a.status]! - order[b.status]! ||
        a.score - b.score ||
        (a.judgement.metric < b.judgement.metric ? -1 : 1),
    )
    .map((a) => a.judgement);
  return {
    id: `${change.id}/${look}`,
    changeId: change.id,
    service: change.service,
    environment: change.environment,
    outcome,
    score: Math.max(0, Math.min(100, Math.round(score))),
    look,
    final: isLast || outcome === 'fail',
    decidedAt: lookEnd,
    baselineStart: plan.start,
    baselineEnd: v.baselineEnd,
    observationStart: v.observationStart,
    observationEnd: lookEnd,
    metrics,
    summary,
    team: change.team,
  };
}
