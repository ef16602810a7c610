// Errors carried as a label of the request count — `http_requests{code="503"}`,
// `http.server.request.count{http.response.status_code=500}`, the way Prometheus client
// libraries and OpenTelemetry's HTTP conventions report them — rather than as a metric of
// their own. Read by name alone, every status series is "throughput", and a deploy that sends
// a tenth of requests to 5xx passes as long as the request rate holds. So for each request
// count with a status label, the points taken at one instant (same metric, same other labels)
// are summed into two derived series: `<metric>.error.ratio`, the share of server errors
// (status 5xx, or an OpenTelemetry span status of ERROR), and `<metric>` without the status
// label, all requests — an error ratio with its exposure beside it, judged per request like
// any other, and watched by the anomaly detector like any other (the correlator derives them
// once, for every reader of the batch).
// Client errors (4xx) are the caller's mistake, not a regression of the service: not counted.
import type { TelemetryBatch, TelemetryPoint } from '#contracts';
import { REQUEST_COUNT_PATTERN } from './signals.js';

/** Label keys that carry a response status, in the naming of common instrumentations. */
const STATUS_LABELS = [
  'code',
  'status',
  'status_code',
  'http_status',
  'http_status_code',
  'http.status_code',
  'http.response.status_code',
  'response_code',
  'otel.status_code',
];

const SERVER_ERROR = /^(5\d\d|5xx|error)$/i;
const requestCountPattern = new RegExp(REQUEST_COUNT_PATTERN, 'i');
/** Per metric name, whether it is a request count: every point of every batch asks (hot path). */
const requestCounts = new Map<string, boolean>();

function isRequestCount(metric: string): boolean {
  let known = requestCounts.get(metric);
  if (known === undefined) {
    if (requestCounts.size > 10_000) requestCounts.clear();
    requestCounts.set(metric, (known = requestCountPattern.test(metric)));
  }
  return known;
}

export const STATUS_ERRORS_SUFFIX = '.error.ratio';

/** The points, plus each instant's server errors and total requests of status-labelled request counts. */
export function withStatusErrors(points: readonly TelemetryPoint[]): readonly TelemetryPoint[] {
  let groups:
    | Map<string, { errors: number; total: number; point: TelemetryPoint; rest: Record<string, string> }>
    | undefined;
  for (const point of points) {
    const status = statusOf(point);
    if (status === undefined || !isRequestCount(point.metric)) continue;
    const rest: Record<string, string> = {};
    for (const k of Object.keys(point.labels).sort()) if (k !== status.key) rest[k] = point.labels[k]!;
    const key = `${point.metric}\0${point.timestamp}\0${JSON.stringify(rest)}`;
    groups ??= new Map();
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { errors: 0, total: 0, point, rest }));
    g.total += point.value;
    if (SERVER_ERROR.test(status.value)) g.errors += point.value;
  }
  if (!groups) return points;
  const derived: TelemetryPoint[] = [];
  for (const { errors, total, point, rest } of groups.values()) {
    derived.push({
      ...point,
      metric: `${point.metric}${STATUS_ERRORS_SUFFIX}`,
      value: total > 0 ? errors / total : 0,
      unit: '1',
      labels: rest,
    });
    derived.push({ ...point, value: total, labels: rest });
  }
  return [...points, ...derived];
}

function statusOf(point: TelemetryPoint): { key: string; value: string } | undefined {
  for (const key of STATUS_LABELS) {
    const value = point.labels[key];
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

/** The batch with its status-derived series (the same batch when it has none). */
export function withStatusErrorSeries(batch: TelemetryBatch): TelemetryBatch {
  const points = withStatusErrors(batch.points);
  return points === batch.points ? batch : { ...batch, points: [...points] };
}
