// A look's baseline: the last baselineMs before the change, leaving out the windows of the
// service's earlier failed changes (their regression is not "normal"), reaching back at most to
// the verification's baseline reach; and the points of a series over that plan.
import type { SeriesBuffer } from './series-buffer.js';

/** The verification window [from, to) of a change that failed verification. */
export interface FailedWindow {
  readonly changeId: string;
  readonly from: number;
  readonly to: number;
}

/** The baseline of one look: time segments [from, to), latest first, and what was left out. */
export interface BaselinePlan {
  readonly segments: readonly (readonly [number, number])[];
  readonly start: number;
  readonly excluded: readonly FailedWindow[];
}

/** The verification's window, as the plan needs it. */
export interface BaselineWindow {
  readonly change: { readonly id: string };
  readonly baselineStart: number;
  readonly baselineEnd: number;
  /** How far back baseline points are kept. */
  readonly baselineReach: number;
}

/**
 * The last baselineMs of time before the change outside the windows of other failed changes
 * of its service, reaching back at most to baselineReach.
 */
export function planBaseline(
  v: BaselineWindow,
  failures: readonly FailedWindow[],
  baselineMs: number,
): BaselinePlan {
  const end = v.baselineEnd;
  const excluded = failures
    .filter((f) => f.changeId !== v.change.id && f.from < end && f.to > v.baselineReach)
    .sort((a, b) => b.to - a.to);
  if (excluded.length === 0 || excluded.every((f) => f.to <= v.baselineStart))
    return { segments: [[v.baselineStart, end]], start: v.baselineStart, excluded: [] };
  const segments: [number, number][] = [];
  let needed = baselineMs;
  let cursor = end;
  const used: FailedWindow[] = [];
  for (const f of excluded) {
    if (needed <= 0 || cursor <= v.baselineReach) break;
    if (f.to < cursor) {
      const from = Math.max(f.to, cursor - needed, v.baselineReach);
      segments.push([from, cursor]);
      needed -= cursor - from;
      cursor = from;
      if (needed <= 0) break;
    }
    if (f.from < cursor) {
      used.push(f);
      cursor = f.from;
    }
  }
  if (needed > 0 && cursor > v.baselineReach) {
    const from = Math.max(v.baselineReach, cursor - needed);
    segments.push([from, cursor]);
  }
  const start = segments.length > 0 ? segments.at(-1)![0] : end;
  return { segments, start, excluded: used };
}

/** A series' points over a plan's segments, oldest first. */
export function baselineRange(buffer: SeriesBuffer, plan: BaselinePlan): { ts: number[]; values: number[] } {
  if (plan.segments.length === 1) return buffer.range(plan.segments[0]![0], plan.segments[0]![1]);
  const ts: number[] = [];
  const values: number[] = [];
  for (let i = plan.segments.length - 1; i >= 0; i--) {
    const r = buffer.range(plan.segments[i]![0], plan.segments[i]![1]);
    ts.push(...r.ts);
    values.push(...r.values);
  }
  return { ts, values };
}
