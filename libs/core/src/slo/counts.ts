// Where an SLO's counts come from, and its budget now: the port the store implements
// (`SloCountsSource`), the buckets to ask it for, and the budget and burn-down over the window
// so far. Pure except for awaiting the port.
//
// Buckets: whole minutes on the epoch's grid. A window is asked for in at most three spans —
// minutes up to the first coarse edge, coarse buckets (the largest of 1 h, 30 min, 15 min, 5 min
// that fits) through the last coarse edge before now, minutes after — so 28 days cost 672
// hourly buckets and at most 118 minutes, not 40,320 minutes, while the budget stays current
// to the minute. A coarse bucket never crosses a window edge or a slice edge: with slices, the
// coarse width divides the slice length and the window's start.
//
// "Now" is the last whole minute before the instant asked about: a minute still filling is
// not counted (a rolling window ends there too, so its start lies on a minute).
import { HOUR_MS, MINUTE_MS } from './duration.js';
import { budgetOf, type BudgetState, type CountBucket } from './budget.js';
import type { Indicator, SloDefinition, SloObjective } from './model.js';
import type { BudgetingMethod } from './openslo-schema.js';
import { windowAt, type WindowBounds } from './window.js';

export interface SloCountsSource {
  /**
   * Good and total events of `indicator` per bucket of `bucketMs` (a whole number of minutes)
   * in [fromMs, toMs), both multiples of `bucketMs` from the epoch; in time order, a bucket
   * without data absent, good ≤ total. Rejects with `CountsUnavailableError` when the data
   * needed is no longer kept.
   */
  counts(indicator: Indicator, fromMs: number, toMs: number, bucketMs: number): Promise<CountBucket[]>;
}

/** The counts asked for lie beyond what the store keeps at the resolution they need. */
export class CountsUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CountsUnavailableError';
  }
}

export interface BucketSpan {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
}

const COARSE_MS = [HOUR_MS, 30 * MINUTE_MS, 15 * MINUTE_MS, 5 * MINUTE_MS] as const;

/** The spans to ask for to cover [window.start, until) (see the header). */
export function bucketPlan(window: WindowBounds, until: number, sliceMs?: number): BucketSpan[] {
  for (const [name, ms] of [
    ['window start', window.start],
    ['window end', window.end],
    ['slice length', sliceMs ?? 0],
  ] as const)
    if (ms % MINUTE_MS !== 0)
      throw new RangeError(`${name} ${ms} ms is not a whole minute: counts are kept by the minute`);
  const end = Math.min(until, window.end);
  if (end <= window.start) return [];
  const coarse =
    COARSE_MS.find((c) => sliceMs === undefined || (sliceMs % c === 0 && window.start % c === 0)) ??
    MINUTE_MS;
  const a = Math.ceil(window.start / coarse) * coarse;
  const b = Math.floor(end / coarse) * coarse;
  if (coarse === MINUTE_MS || b <= a) return [{ from: window.start, to: end, bucketMs: MINUTE_MS }];
  const spans: BucketSpan[] = [];
  if (a > window.start) spans.push({ from: window.start, to: a, bucketMs: MINUTE_MS });
  spans.push({ from: a, to: b, bucketMs: coarse });
  if (end > b) spans.push({ from: b, to: end, bucketMs: MINUTE_MS });
  return spans;
}

/** An objective's counts over its window so far: the input of its budget and burn-down. */
export interface WindowCounts {
  readonly window: WindowBounds;
  /** Counted up to here (exclusive): the last whole minute at the instant asked about. */
  readonly until: number;
  readonly spans: readonly BucketSpan[];
  /** Each bucket with its width (`ms`), in time order. */
  readonly buckets: readonly CountBucket[];
}

export async function countsNow(
  definition: Pick<SloDefinition, 'indicator' | 'window'>,
  objective: SloObjective,
  at: number,
  source: SloCountsSource,
): Promise<WindowCounts> {
  const until = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  const window = windowAt(definition.window, definition.window.kind === 'rolling' ? until : at);
  const spans = bucketPlan(window, until, objective.sliceMs);
  const parts = await Promise.all(
    spans.map(async (span) =>
      (await source.counts(definition.indicator, span.from, span.to, span.bucketMs)).map((b) => ({
        ...b,
        ms: span.bucketMs,
      })),
    ),
  );
  return { window, until: Math.min(until, window.end), spans, buckets: parts.flat() };
}

/** The budget of an objective from its window's counts. */
export function budgetOfCounts(
  method: BudgetingMethod,
  objective: SloObjective,
  counts: WindowCounts,
): BudgetState {
  return budgetOf(method, objective, {
    window: counts.window,
    at: counts.until,
    bucketMs: MINUTE_MS,
    buckets: counts.buckets,
  });
}

/** The budget of an objective at `at`: its window there, its counts from `source`, its arithmetic. */
export async function budgetNow(
  definition: Pick<SloDefinition, 'indicator' | 'window' | 'budgeting'>,
  objective: SloObjective,
  at: number,
  source: SloCountsSource,
): Promise<BudgetState> {
  return budgetOfCounts(definition.budgeting, objective, await countsNow(definition, objective, at, source));
}

export interface BurnDownPoint {
  /** End of the bucket: the budget as it stood then. */
  readonly at: number;
  readonly sli: number | undefined;
  readonly consumed: number;
  readonly remaining: number;
}

/**
 * Remaining budget through the window so far, for a chart's burn-down: at each bucket end for
 * Occurrences (buckets without data hold the line), at each slice end for the slice methods
 * (their budget moves only when a slice is judged). The same arithmetic as the budget, asked
 * at each end in turn, over hourly buckets or whole slices: a few hundred points a window.
 */
export function burnDown(
  method: BudgetingMethod,
  objective: SloObjective,
  counts: WindowCounts,
): BurnDownPoint[] {
  const { window, until } = counts;
  const ends: number[] = [];
  let buckets = counts.buckets;
  if (method === 'Occurrences') {
    for (const span of counts.spans)
      for (let end = span.from + span.bucketMs; end <= span.to; end += span.bucketMs) ends.push(end);
  } else {
    const sliceMs = objective.sliceMs!;
    const slices = new Map<number, { start: number; good: number; total: number; ms: number }>();
    for (const b of buckets) {
      const start = window.start + Math.floor((b.start - window.start) / sliceMs) * sliceMs;
      const slice = slices.get(start) ?? {
        start,
        good: 0,
        total: 0,
        ms: Math.min(sliceMs, window.end - start),
      };
      slice.good += b.good;
      slice.total += b.total;
      slices.set(start, slice);
    }
    buckets = [...slices.values()];
    for (let start = window.start; start < until; start += sliceMs) {
      const end = Math.min(start + sliceMs, window.end);
      if (end <= until) ends.push(end);
    }
  }
  return ends.map((end) => {
    const state = budgetOf(method, objective, { window, at: end, bucketMs: MINUTE_MS, buckets });
    return { at: end, sli: state.sli, consumed: state.consumed, remaining: state.remaining };
  });
}
