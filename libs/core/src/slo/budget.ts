// SLI and error budget of one objective over its window, from good/total counts per time
// bucket (the store's rollups, or a test's hand-made series). Pure arithmetic, no I/O.
//
// Reading of the spec, where it is silent (it says nothing of gaps; `alertWhenNoData` is its
// one word on missing data):
// - Buckets are half-open [start, start + bucketMs) and count when they lie wholly inside the
//   window and have ended by the instant asked about. A bucket across a window or slice edge
//   is refused (RangeError): the caller aligns its buckets, nothing is apportioned by guess.
// - Occurrences: SLI = good / total events so far; the budget is (1 − target) of the events
//   seen, so consumed = bad / ((1 − target) × total). No events: nothing consumed.
// - Timeslices: the window is cut into slices from its start (the last one shorter when the
//   window is not a whole number of slices, e.g. 1-day slices over a DST month). A slice is
//   judged once it has ended; it is good when its ratio `op` timeSliceTarget. The budget is
//   (1 − target) of all slices in the window, known in advance; a slice without data is
//   neither good nor bad (counted as `noData`): no evidence of failure spends no budget.
// - RatioTimeslices: SLI = mean of the judged slices' ratios, slices without data left out;
//   consumed = (1 − SLI) / (1 − target).
import type { SloObjective } from './model.js';
import type { BudgetingMethod, Operator } from './openslo-schema.js';
import type { WindowBounds } from './window.js';

export interface CountBucket {
  readonly start: number;
  readonly good: number;
  readonly total: number;
  /** Width of this bucket when it is not the input's `bucketMs` (a series of mixed widths). */
  readonly ms?: number;
}

export interface BudgetInput {
  readonly window: WindowBounds;
  /** The instant asked about: buckets and slices ending after it are not counted yet. */
  readonly at: number;
  readonly bucketMs: number;
  readonly buckets: readonly CountBucket[];
}

export interface SliceCounts {
  /** Slices in the whole window. */
  readonly inWindow: number;
  /** Judged slices (ended by the instant asked about) with data, and without. */
  readonly withData: number;
  readonly noData: number;
  /** Timeslices: judged slices good and bad by timeSliceTarget. */
  readonly good?: number;
  readonly bad?: number;
}

export interface BudgetState {
  readonly method: BudgetingMethod;
  readonly objective: string;
  readonly target: number;
  readonly window: WindowBounds;
  /** Undefined when nothing was measured yet. */
  readonly sli: number | undefined;
  /** Fraction of the error budget spent; above 1 once it is overspent. */
  readonly consumed: number;
  readonly remaining: number;
  readonly goodEvents: number;
  readonly totalEvents: number;
  readonly slices?: SliceCounts;
}

/** The objective with the highest target: its budget burns first, so it is the one to alert and rank on. */
export function strictestObjective<T extends { readonly target: number }>(
  objectives: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const o of objectives) if (!best || o.target > best.target) best = o;
  return best;
}

export function compare(op: Operator, a: number, b: number): boolean {
  return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
}

export function budgetOf(method: BudgetingMethod, objective: SloObjective, input: BudgetInput): BudgetState {
  const counted = inWindow(input);
  const goodEvents = sum(counted, 'good');
  const totalEvents = sum(counted, 'total');
  const base = {
    method,
    objective: objective.name,
    target: objective.target,
    window: input.window,
    goodEvents,
    totalEvents,
  };
  const allowed = 1 - objective.target;
  if (method === 'Occurrences') {
    const bad = totalEvents - goodEvents;
    const sli = totalEvents > 0 ? goodEvents / totalEvents : undefined;
    const consumed = totalEvents > 0 ? spent(bad, allowed * totalEvents) : 0;
    return { ...base, sli, consumed, remaining: 1 - consumed };
  }
  const slices = judgedSlices(counted, input, objective.sliceMs!);
  const ratios = slices.ratios;
  if (method === 'RatioTimeslices') {
    const sli = ratios.length > 0 ? ratios.reduce((a, b) => a + b, 0) / ratios.length : undefined;
    const consumed = sli === undefined ? 0 : spent(1 - sli, allowed);
    return { ...base, sli, consumed, remaining: 1 - consumed, slices: sliceCounts(slices) };
  }
  const good = (r: number) => compare(objective.sliceOp ?? 'gte', r, objective.sliceTarget!);
  const goodSlices = ratios.filter(good).length;
  const badSlices = ratios.length - goodSlices;
  const counts = { ...sliceCounts(slices), good: goodSlices, bad: badSlices };
  const sli = ratios.length > 0 ? goodSlices / ratios.length : undefined;
  const consumed = spent(badSlices, allowed * counts.inWindow);
  return { ...base, sli, consumed, remaining: 1 - consumed, slices: counts };
}

/** Share of a budget spent; a zero budget (target 1) is overspent by any failure. */
function spent(bad: number, budget: number): number {
  if (bad <= 0) return 0;
  return budget > 0 ? bad / budget : Infinity;
}

function sum(buckets: readonly CountBucket[], field: 'good' | 'total'): number {
  let s = 0;
  for (const b of buckets) s += b[field];
  return s;
}

function inWindow({ window, at, bucketMs, buckets }: BudgetInput): CountBucket[] {
  const until = Math.min(window.end, at);
  const out: CountBucket[] = [];
  for (const b of buckets) {
    const end = b.start + (b.ms ?? bucketMs);
    if (end <= window.start || b.start >= until) continue;
    if (b.start < window.start)
      throw new RangeError(
        `bucket at ${new Date(b.start).toISOString()} crosses the window start ${new Date(window.start).toISOString()}`,
      );
    if (end > window.end)
      throw new RangeError(
        `bucket at ${new Date(b.start).toISOString()} crosses the window end ${new Date(window.end).toISOString()}`,
      );
    if (end > at) continue; // still open at the instant asked about
    if (b.good < 0 || b.total < 0 || b.good > b.total)
      throw new RangeError(
        `bucket at ${new Date(b.start).toISOString()}: good ${b.good} of total ${b.total}`,
      );
    out.push(b);
  }
  return out;
}

interface Slices {
  readonly inWindow: number;
  readonly judged: number;
  /** Ratio of each judged slice that has data. */
  readonly ratios: readonly number[];
}

function judgedSlices(buckets: readonly CountBucket[], input: BudgetInput, sliceMs: number): Slices {
  const { window, at, bucketMs } = input;
  const length = window.end - window.start;
  const inWindowCount = Math.ceil(length / sliceMs);
  const good = new Float64Array(inWindowCount);
  const total = new Float64Array(inWindowCount);
  for (const b of buckets) {
    const offset = b.start - window.start;
    const k = Math.floor(offset / sliceMs);
    if (offset - k * sliceMs + (b.ms ?? bucketMs) > sliceMs)
      throw new RangeError(
        `bucket at ${new Date(b.start).toISOString()} crosses a ${sliceMs / 1000}-second slice edge`,
      );
    good[k]! += b.good;
    total[k]! += b.total;
  }
  const ended = Math.min(window.end, at);
  let judged = 0;
  const ratios: number[] = [];
  for (let k = 0; k < inWindowCount; k++) {
    const end = Math.min(window.start + (k + 1) * sliceMs, window.end);
    if (end > ended) break;
    judged++;
    if (total[k]! > 0) ratios.push(good[k]! / total[k]!);
  }
  return { inWindow: inWindowCount, judged, ratios };
}

function sliceCounts(s: Slices): SliceCounts {
  return { inWindow: s.inWindow, withData: s.ratios.length, noData: s.judged - s.ratios.length };
}

/** A threshold indicator's counts: each sample is an event, good when `sample op value`. */
export function thresholdCounts(
  samples: readonly number[],
  op: Operator,
  value: number,
): { good: number; total: number } {
  let good = 0;
  for (const s of samples) if (compare(op, s, value)) good++;
  return { good, total: samples.length };
}
