// Metric series of a service over a time range, at the resolution the range calls for: raw
// points for short ranges, 1-minute rollups for days, 1-hour rollups beyond — and never a
// resolution whose retention no longer covers the start of the range; and which metrics some
// services reported.
import type { ClickHouseStore } from '../port.js';
import {
  fromTelemetryPointRow,
  type StoredTelemetryPoint,
  type StoredTelemetryPointRow,
} from '../records/telemetry.record.js';
import { asMs, pageSize, pairKey, timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export type Resolution = 'raw' | '1m' | '1h';

export interface ResolutionPolicy {
  /** Longest range served from raw points (default 6 h: 2,160 points of a 10-second series). */
  readonly rawMaxRangeMs: number;
  /** Longest range served from 1-minute buckets (default 7 days: 10,080 buckets). */
  readonly minuteMaxRangeMs: number;
  /** Raw retention: a range starting earlier is served from rollups (default 30 days). */
  readonly rawRetentionMs: number;
  /** 1-minute retention: a range starting earlier is served from hours (default 90 days). */
  readonly minuteRetentionMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_RESOLUTION_POLICY: ResolutionPolicy = {
  rawMaxRangeMs: 6 * HOUR,
  minuteMaxRangeMs: 7 * DAY,
  rawRetentionMs: 30 * DAY,
  minuteRetentionMs: 90 * DAY,
};

/** The coarsest resolution needed for neither too many points nor data already expired. */
export function pickResolution(
  fromMs: number,
  toMs: number,
  nowMs: number,
  policy = DEFAULT_RESOLUTION_POLICY,
): Resolution {
  const range = toMs - fromMs;
  if (range > policy.minuteMaxRangeMs || fromMs < nowMs - policy.minuteRetentionMs) return '1h';
  if (range > policy.rawMaxRangeMs || fromMs < nowMs - policy.rawRetentionMs) return '1m';
  return 'raw';
}

export interface SeriesQuery {
  readonly service: string;
  readonly metric: string;
  readonly from: Instant;
  readonly to: Instant;
  /** Only this environment (default: all). */
  readonly environment?: string;
  /** Default 'auto' (pickResolution). */
  readonly resolution?: Resolution | 'auto';
  /** At most this many series (label sets), default 100. */
  readonly maxSeries?: number;
  /**
   * About this many points per series at most, for a chart that shows no more: with 'auto', the
   * finest of raw points (taken as one per RAW_STEP_MS), the 1-minute and the 1-hour rollups that
   * stays within it (else the 1-hour rollup), and never finer than pickResolution's choice.
   */
  readonly maxPoints?: number;
}

/** Several services' metrics over one range, in one query: what an incident's charts need. */
export interface SeriesBatchQuery extends Omit<SeriesQuery, 'service' | 'metric'> {
  readonly metrics: readonly { readonly service: string; readonly metric: string }[];
}

/** One (service, metric) pair's series, for a SeriesBatchQuery (pairs without data are left out). */
export interface MetricSeriesOf {
  readonly service: string;
  readonly metric: string;
  readonly series: MetricSeries[];
}

export interface SeriesBatchResult {
  readonly resolution: Resolution;
  readonly metrics: MetricSeriesOf[];
}

/** How often a series is taken to report, when maxPoints weighs raw points against the rollups. */
export const RAW_STEP_MS = 10_000;

/** pickResolution, coarsened until the range holds at most `maxPoints` points per series. */
export function resolutionFor(
  fromMs: number,
  toMs: number,
  nowMs: number,
  maxPoints: number | undefined,
  policy = DEFAULT_RESOLUTION_POLICY,
): Resolution {
  const picked = pickResolution(fromMs, toMs, nowMs, policy);
  if (maxPoints === undefined) return picked;
  const ladder: [Resolution, number][] = [
    ['raw', RAW_STEP_MS],
    ['1m', ROLLUPS['1m'].bucketMs],
    ['1h', ROLLUPS['1h'].bucketMs],
  ];
  const allowed = ladder.slice(ladder.findIndex(([r]) => r === picked));
  return (allowed.find(([, step]) => (toMs - fromMs) / step <= maxPoints) ?? allowed.at(-1)!)[0];
}

/**
 * One point of a series. Raw points: count 1 and every statistic equal to the value. Buckets:
 * statistics of the points in the bucket starting at `t`; quantiles from t-digests (within 1%
 * of rank).
 */
export interface SeriesPoint {
  readonly t: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
}

export interface MetricSeries {
  readonly environment: string;
  readonly labels: Record<string, string>;
  readonly unit: string | null;
  readonly points: SeriesPoint[];
}

export interface SeriesResult {
  readonly resolution: Resolution;
  readonly series: MetricSeries[];
}

export interface PointsQuery {
  readonly service: string;
  readonly from: Instant;
  readonly to: Instant;
  readonly metric?: string;
  readonly limit?: number;
}

export interface MetricsQuery {
  /** The services whose metrics are wanted (none: no metrics). */
  readonly services: readonly string[];
  readonly from: Instant;
  readonly to: Instant;
  /** Only this environment (default: all). */
  readonly environment?: string;
}

export interface ReportedMetric {
  readonly service: string;
  readonly metric: string;
  readonly unit: string | null;
}

interface SeriesRow<P> {
  readonly service: string;
  readonly metric: string;
  readonly environment: string;
  readonly series: string;
  readonly labels: Record<string, string>;
  readonly unit: string | null;
  readonly points: P[];
}

type RawPoint = [t: string | number, value: number];
type BucketPoint = [
  t: string | number,
  count: string | number,
  min: number,
  max: number,
  sum: number,
  quantiles: number[],
];

/** The rollup table of each bucket size, and the size. */
const ROLLUPS = {
  '1m': { table: 'telemetry_rollup_1m', bucketMs: 60_000 },
  '1h': { table: 'telemetry_rollup_1h', bucketMs: 3_600_000 },
} as const;

export class TelemetryRepository {
  private readonly sql = sqlFiles({
    raw: 'telemetry/series-raw',
    rollup: 'telemetry/series-rollup',
    points: 'telemetry/points',
    metrics: 'telemetry/metrics',
  });

  constructor(
    private readonly store: ClickHouseStore,
    private readonly policy: ResolutionPolicy = DEFAULT_RESOLUTION_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  async series(query: SeriesQuery): Promise<SeriesResult> {
    const { service, metric, ...rest } = query;
    const { resolution, metrics } = await this.seriesOf({ ...rest, metrics: [{ service, metric }] });
    return { resolution, series: metrics[0]?.series ?? [] };
  }

  /** The series of several (service, metric) pairs over one range, at one resolution, in one query. */
  async seriesOf(query: SeriesBatchQuery): Promise<SeriesBatchResult> {
    const { from, to } = timeRange(query.from, query.to);
    const resolution =
      !query.resolution || query.resolution === 'auto'
        ? resolutionFor(asMs(from), asMs(to), this.now(), query.maxPoints, this.policy)
        : query.resolution;
    if (query.metrics.length === 0) return { resolution, metrics: [] };
    const params = {
      services: [...new Set(query.metrics.map((m) => m.service))],
      metrics: [...new Set(query.metrics.map((m) => m.metric))],
      pairs: query.metrics.map((m) => pairKey(m.service, m.metric)),
      environment: query.environment ?? '',
      from,
      to,
      maxSeries: pageSize(query.maxSeries, 100, 10_000),
    };
    if (resolution === 'raw') {
      const rows = await this.store.query<SeriesRow<RawPoint>>(this.sql.raw, params);
      return { resolution, metrics: byMetric(query, rows, rawPoint) };
    }
    const { table, bucketMs } = ROLLUPS[resolution];
    const fromBucket = new Date(Math.floor(from.getTime() / bucketMs) * bucketMs);
    const rows = await this.store.query<SeriesRow<BucketPoint>>(this.sql.rollup, {
      ...params,
      rollup: table,
      fromBucket,
    });
    return { resolution, metrics: byMetric(query, rows, bucketPoint) };
  }

  /** Raw points with every field (export, inspection), in series and time order. */
  async points(query: PointsQuery): Promise<StoredTelemetryPoint[]> {
    const { from, to } = timeRange(query.from, query.to);
    const rows = await this.store.query<StoredTelemetryPointRow>(this.sql.points, {
      service: query.service,
      metric: query.metric ?? '',
      from,
      to,
      limit: pageSize(query.limit, 10_000, 1_000_000),
    });
    return rows.map(fromTelemetryPointRow);
  }

  /** The metrics the services reported in [from, to), with their unit, by service and metric. */
  async metrics(query: MetricsQuery): Promise<ReportedMetric[]> {
    if (query.services.length === 0) return [];
    return this.store.query<ReportedMetric>(this.sql.metrics, {
      services: query.services,
      environment: query.environment ?? '',
      ...timeRange(query.from, query.to),
    });
  }
}

/** The rows grouped by their pair, in the order the query asked for the pairs. */
function byMetric<P>(
  query: SeriesBatchQuery,
  rows: readonly SeriesRow<P>[],
  point: (p: P) => SeriesPoint,
): MetricSeriesOf[] {
  const found = new Map<string, MetricSeries[]>();
  for (const row of rows) {
    const key = pairKey(row.service, row.metric);
    const list = found.get(key) ?? [];
    list.push(toSeries(row, point));
    found.set(key, list);
  }
  return query.metrics.flatMap(({ service, metric }) => {
    const series = found.get(pairKey(service, metric));
    return series ? [{ service, metric, series }] : [];
  });
}

function toSeries<P>(row: SeriesRow<P>, point: (p: P) => SeriesPoint): MetricSeries {
  return { environment: row.environment, labels: row.labels, unit: row.unit, points: row.points.map(point) };
}

function rawPoint([t, value]: RawPoint): SeriesPoint {
  return {
    t: Number(t),
    count: 1,
    min: value,
    max: value,
    sum: value,
    mean: value,
    p50: value,
    p90: value,
    p95: value,
    p99: value,
  };
}

function bucketPoint([t, count, min, max, sum, [p50, p90, p95, p99]]: BucketPoint): SeriesPoint {
  const n = Number(count);
  return { t: Number(t), count: n, min, max, sum, mean: sum / n, p50, p90, p95, p99 };
}
