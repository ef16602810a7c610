// SLO counts from the telemetry store: good and total events of an indicator per bucket, the
// `SloCountsSource` the core's budget arithmetic awaits.
//
// Where each count comes from:
// - Ratio of per-interval counts: sums, which the rollups hold exactly — the hourly table for
//   whole-hour buckets, the minute table otherwise (90 days kept); raw points only when asked
//   (`rollups: false`, the benchmark's baseline).
// - Ratio of counters: increases with resets, which need each point and the one before it
//   (rollups keep no first or last value): raw points.
// - Threshold: every point judged against the threshold, which no rollup can answer exactly
//   (their quantiles are approximate): raw points.
// Raw points are kept 30 days by default: a counter or threshold SLO asked for earlier data is
// refused (`CountsUnavailableError`), never answered from whatever is left. A 28-day window is
// within reach; a calendar month of 31 days is not for its first day. (Materializing per-SLO
// good counts would lift that, at the price of a table per definition version; not done.)
import {
  CountsUnavailableError,
  type CountBucket,
  type Indicator,
  type MetricQuery,
  type SloCountsSource,
} from '#core';
import type { ClickHouseStore } from '../port.js';
import { DEFAULT_RESOLUTION_POLICY, type ResolutionPolicy } from './telemetry.repository.js';
import { sqlFiles } from './sql-files.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface SloCountsOptions {
  /** Raw and 1-minute retention (default: 30 and 90 days, as the recorder's defaults). */
  readonly policy?: Pick<ResolutionPolicy, 'rawRetentionMs' | 'minuteRetentionMs'>;
  readonly now?: () => number;
  /** How far before a range a counter's previous point is looked for (default 10 minutes). */
  readonly counterLookbackMs?: number;
  /** Per-interval ratios from the rollups (default true); false reads raw points only. */
  readonly rollups?: boolean;
}

interface CountRow {
  readonly start: string | number;
  readonly events: number;
  readonly total: number | string;
}

export class SloCountsRepository implements SloCountsSource {
  private readonly sql = sqlFiles({
    rollup: 'slo/ratio-rollup',
    raw: 'slo/ratio-raw',
    counter: 'slo/counter-raw',
    threshold: 'slo/threshold-raw',
  });
  private readonly policy: Pick<ResolutionPolicy, 'rawRetentionMs' | 'minuteRetentionMs'>;
  private readonly now: () => number;
  private readonly lookbackMs: number;
  private readonly rollups: boolean;

  constructor(
    private readonly store: ClickHouseStore,
    options: SloCountsOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_RESOLUTION_POLICY;
    this.now = options.now ?? Date.now;
    this.lookbackMs = options.counterLookbackMs ?? 10 * MINUTE;
    this.rollups = options.rollups ?? true;
  }

  async counts(indicator: Indicator, fromMs: number, toMs: number, bucketMs: number): Promise<CountBucket[]> {
    if (!(Number.isInteger(bucketMs / MINUTE) && bucketMs > 0))
      throw new RangeError(`bucket width ${bucketMs} ms is not a whole number of minutes`);
    if (fromMs % bucketMs !== 0 || toMs % bucketMs !== 0)
      throw new RangeError(`[${iso(fromMs)}, ${iso(toMs)}) is not on the ${bucketMs / MINUTE}-minute grid`);
    if (toMs <= fromMs) return [];
    const range = { from: new Date(fromMs), to: new Date(toMs), bucketMs };
    if (indicator.kind === 'threshold') {
      this.needRaw(fromMs, 'threshold');
      const rows = await this.store.query<CountRow>(this.sql.threshold, {
        ...range,
        ...match('e', indicator.metric),
        op: indicator.op,
        threshold: indicator.value,
      });
      return rows.map((r) => bucket(r, 'good'));
    }
    const params = { ...range, ...match('e', indicator.events), ...match('t', indicator.total) };
    let rows: CountRow[];
    if (indicator.counter) {
      this.needRaw(fromMs, 'counter');
      rows = await this.store.query<CountRow>(this.sql.counter, {
        ...params,
        lookFrom: new Date(fromMs - this.lookbackMs),
      });
    } else if (!this.rollups) {
      this.needRaw(fromMs, 'without rollups, ratio');
      rows = await this.store.query<CountRow>(this.sql.raw, params);
    } else {
      const hourly = bucketMs % HOUR === 0 && fromMs % HOUR === 0;
      if (!hourly && fromMs < this.now() - this.policy.minuteRetentionMs)
        throw new CountsUnavailableError(
          `minute rollups are kept ${days(this.policy.minuteRetentionMs)} days: ${iso(fromMs)} is older; ask for whole hours`,
        );
      rows = await this.store.query<CountRow>(this.sql.rollup, {
        ...params,
        rollup: hourly ? 'telemetry_rollup_1h' : 'telemetry_rollup_1m',
        bucketS: bucketMs / 1000,
      });
    }
    return rows.map((r) => bucket(r, indicator.numerator));
  }

  private needRaw(fromMs: number, kind: string): void {
    if (fromMs < this.now() - this.policy.rawRetentionMs)
      throw new CountsUnavailableError(
        `${kind} indicators are counted from raw points, kept ${days(this.policy.rawRetentionMs)} days: ${iso(fromMs)} is older`,
      );
  }
}

/** The parameters of parts/slo-events (prefix e) or parts/slo-total (prefix t). */
function match(prefix: 'e' | 't', query: MetricQuery): Record<string, unknown> {
  const keys = Object.keys(query.labels).sort();
  return {
    [`${prefix}Service`]: query.service,
    [`${prefix}Metric`]: query.metric,
    [`${prefix}Environment`]: query.environment,
    [`${prefix}Keys`]: keys,
    [`${prefix}Values`]: keys.map((k) => query.labels[k]!),
  };
}

/** Counts of one bucket, clamped: no negative total, no more good (or bad) events than in total. */
function bucket(row: CountRow, numerator: 'good' | 'bad'): CountBucket {
  const total = Math.max(0, Number(row.total));
  const events = Math.min(Math.max(0, row.events), total);
  return { start: Number(row.start), good: numerator === 'good' ? events : total - events, total };
}

const iso = (ms: number) => new Date(ms).toISOString();
const days = (ms: number) => Math.round(ms / 86_400_000);
