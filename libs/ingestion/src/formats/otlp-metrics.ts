// OpenTelemetry metrics as the OpenTelemetry Collector's Kafka exporter writes them to the
// `otlp_metrics` topic: one ExportMetricsServiceRequest per record, `otlp_proto` (protobuf, the
// exporter's default) or `otlp_json` (OTLP/JSON). Either encoding is read by either format name:
// the `content-type` header decides when present (application/json, application/x-protobuf),
// else a body starting with `{` is JSON and anything else protobuf. Output: one TelemetryBatch per
// (service, environment), the service and environment taken from the resource attributes.
//
// What becomes a point (labels = the data point's attributes, non-strings as JSON text;
// timestamp = timeUnixNano in ms; unit = the metric's unit, null when empty):
// - Gauge, and non-monotonic Sum (an up-down counter is a current value): the value as it is.
// - Monotonic Sum: a rate per second over the point's interval, under the metric's own name, with
//   unit `<unit>/s` (`1/s` when the unit is empty). Delta: value / (time − start); with no start
//   time, the interval since the series' previous point. Cumulative: the increase since the
//   series' previous point over that interval; never negative. A restart (new start time, or a
//   value that went down) counts from zero. A series' first point gives a rate from its start
//   time when that is at most firstPointMaxAgeMs old (the producer just started), else nothing
//   yet — except a series new since its resource's previous export, counted from zero at that
//   export (see OtlpSeriesState.advanceCumulative, also for redelivery).
// - Histogram and ExponentialHistogram: from the distribution of the interval (delta as it is;
//   cumulative as the difference from the series' previous point, bucket by bucket):
//   `<name>.p50`, `<name>.p95`, `<name>.p99` and `<name>.mean` in the metric's unit,
//   `<name>.count` (observations per second, unit `1/s`) and `<name>.sum` (unit `<unit>/s`).
//   Percentile method and error bounds: see otlp-quantiles.ts.
// - Summary: each quantile value as `<name>.p<100·q>` (0.5 → p50, 0.99 → p99, 0.999 → p99_9,
//   1 → p100), as the producer computed it; count and sum are cumulative (Prometheus semantics),
//   so `<name>.count`, `<name>.sum` and `<name>.mean` follow the cumulative rules above.
// - Skipped and counted in stats(): points flagged NO_RECORDED_VALUE, NaN/±Infinity values,
//   number points with no value, negative monotonic values, delta rates with no interval, metrics
//   with no data; cumulative first points with no history yet are counted too.
//
// Service graph: the Collector's servicegraph connector emits `traces_service_graph_*` metrics
// (request_total, request_failed_total, the request_server/client(_seconds) latency histograms)
// with an empty resource and `client`/`server` attributes. Each of their points belongs to the
// client's batch (the server's when there is no client), environment from the connector's
// `client_`-prefixed dimensions or the resource. On top of the usual rates and percentiles, every
// edge gets, once per request:
//   `service_graph.edge`        value = requests on the edge in the interval ending at timestamp
//   `service_graph.edge.failed` value = failed requests in that interval
// (unit `{request}`, labels `client`, `server` and `connection_type` when not empty). Counts, not
// rates, so a consumer can add them up over any window and divide failed by requests; they travel
// on the telemetry topic keyed by the client service, and the correlator learns the dependency
// graph from them (serviceGraphEdges does that aggregation for a set of batches). The connector's
// resource describes the connector, so these points add nothing to a batch's `resource`.
//
// Refused with a DecodeError naming the field (its JSON path, in either encoding): bytes that
// are not JSON / protobuf, no resourceMetrics, a resource naming no service (ServiceIdentity
// rules), fields of the wrong type, malformed histograms, a point with no timeUnixNano. All checks
// run before the cumulative state changes, so a refused record leaves it as it was.
//
// Batches: when several resources of one request share a service and environment (instances of
// one service), `resource` holds the attributes they all share with equal values and the rest
// become point labels, so series stay distinct. A batch holds at most maxPointsPerBatch points
// (more are split across batches). Its id is contentId('tb', content): the same payload gives
// the same ids; because rates come from the previous export, an older export redelivered after a
// newer one gives no rates, while the latest export redelivered gives the same output again.
import { createHash } from 'node:crypto';
import {
  DecodeError,
  canonicalJson,
  contentId,
  parseJson,
  type TelemetryBatch,
  type TelemetryPoint,
} from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import type { ServiceIdentity } from '../service-identity.js';
import { decodeOtlpMetricsProto } from './otlp-proto.js';
import {
  FLAG_NO_RECORDED_VALUE,
  TEMPORALITY_CUMULATIVE,
  readExportRequest,
  type Attributes,
  type ExpHistogramPoint,
  type HistogramPoint,
  type NumberPoint,
  type OtlpMetric,
  type OtlpResourceMetrics,
  type PointBase,
  type SummaryPoint,
  type Temporality,
} from './otlp-request.js';
import {
  PERCENTILES,
  explicitBucketQuantile,
  exponentialQuantile,
  sparseBuckets,
  subtractExponential,
  type ExpDistribution,
} from './otlp-quantiles.js';
import { OtlpSeriesState, type CumulativeOps, type CumulativeOutcome } from './otlp-series-state.js';

export const OTLP_METRICS_FORMATS = ['otlp_json', 'otlp_proto'] as const;
export type OtlpMetricsFormat = (typeof OTLP_METRICS_FORMATS)[number];

export const SERVICE_GRAPH_PREFIX = 'traces_service_graph_';
export const SERVICE_GRAPH_REQUESTS = 'traces_service_graph_request_total';
export const SERVICE_GRAPH_FAILED = 'traces_service_graph_request_failed_total';
export const EDGE_METRIC = 'service_graph.edge';
export const EDGE_FAILED_METRIC = 'service_graph.edge.failed';

export interface OtlpMetricsNormaliserOptions {
  /** The format name it is registered under; either reads both encodings. Default otlp_proto. */
  readonly format?: OtlpMetricsFormat;
  /** Cumulative-series state; pass one to share it between the otlp_json and otlp_proto names. */
  readonly state?: OtlpSeriesState;
  /** Bound of a new state's LRU (ignored when `state` is given). Default 100,000. */
  readonly maxSeries?: number;
  /** A cumulative series' first point gives a rate from its start time only if that is this recent. Default 5 min. */
  readonly firstPointMaxAgeMs?: number;
  /** Points per batch at most; more are split. Default 5,000 (the canonical limit is 10,000). */
  readonly maxPointsPerBatch?: number;
  /**
   * Count a cumulative series that first appears since its resource's previous export from zero
   * at that export (default true). Sound when every record of one resource reaches the same
   * consumer — set `partition_metrics_by_resource_attributes: true` on the Collector's Kafka
   * exporter — else a resource's export split over records on different consumers could look
   * like new series there. Off: such a series gives its first rate one export later.
   */
  readonly detectNewSeries?: boolean;
}

export interface OtlpMetricsStats {
  readonly requests: number;
  readonly batches: number;
  readonly points: number;
  readonly skippedNoRecordedValue: number;
  readonly skippedNonFinite: number;
  readonly skippedNoValue: number;
  readonly skippedInvalid: number;
  readonly skippedNoInterval: number;
  readonly skippedEmptyMetric: number;
  /** Cumulative first points that gave no rate yet. */
  readonly cumulativeFirst: number;
  /** Cumulative points not newer than their series' previous one (and not a redelivery of it). */
  readonly cumulativeStale: number;
  readonly cumulativeResets: number;
  readonly cumulativeNewSeries: number;
  /** Entries in the series state now, and evictions from it so far. */
  readonly series: number;
  readonly evictions: number;
}

export interface OtlpMetricsNormaliser extends Normaliser {
  readonly format: OtlpMetricsFormat;
  readonly state: OtlpSeriesState;
  stats(): OtlpMetricsStats;
}

export interface ServiceGraphEdge {
  readonly client: string;
  readonly server: string;
  /** The connector's connection_type ('' for a direct call; virtual_node, messaging_system, database). */
  readonly connectionType: string;
  /** Requests and failed requests on the edge, summed over the given batches. */
  readonly requests: number;
  readonly failed: number;
}

/** The dependency edges in telemetry batches (from `service_graph.edge` points), summed per edge. */
export function serviceGraphEdges(batches: readonly TelemetryBatch[]): ServiceGraphEdge[] {
  const edges = new Map<
    string,
    { client: string; server: string; connectionType: string; requests: number; failed: number }
  >();
  for (const batch of batches) {
    for (const point of batch.points) {
      if (point.metric !== EDGE_METRIC && point.metric !== EDGE_FAILED_METRIC) continue;
      const client = point.labels['client'] ?? '';
      const server = point.labels['server'] ?? '';
      const connectionType = point.labels['connection_type'] ?? '';
      const key = canonicalJson([client, server, connectionType]);
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { client, server, connectionType, requests: 0, failed: 0 }));
      if (point.metric === EDGE_METRIC) edge.requests += point.value;
      else edge.failed += point.value;
    }
  }
  return [...edges.values()];
}

/** Both format names over one shared state. */
export function createOtlpMetricsNormalisers(
  options: Omit<OtlpMetricsNormaliserOptions, 'format'> = {},
): Record<OtlpMetricsFormat, OtlpMetricsNormaliser> {
  const state = options.state ?? new OtlpSeriesState({ maxSeries: options.maxSeries });
  return {
    otlp_json: createOtlpMetricsNormaliser({ ...options, state, format: 'otlp_json' }),
    otlp_proto: createOtlpMetricsNormaliser({ ...options, state, format: 'otlp_proto' }),
  };
}

export function createOtlpMetricsNormaliser(
  options: OtlpMetricsNormaliserOptions = {},
): OtlpMetricsNormaliser {
  return new OtlpMetricsNormaliserImpl(options);
}

type Encoding = 'json' | 'proto';

/** The encoding of a record: its content-type when it has a known one, else sniffed. */
export function otlpEncodingOf(input: Pick<RawInput, 'body' | 'headers'>): Encoding {
  const contentType = input.headers['content-type']?.toLowerCase() ?? '';
  if (contentType.includes('json')) return 'json';
  if (contentType.includes('protobuf')) return 'proto';
  return input.body[0] === 0x7b /* { */ ? 'json' : 'proto';
}

const NS_PER_MS = 1_000_000n;
const toMs = (ns: bigint): number => Number(ns / NS_PER_MS);
const seconds = (fromNs: bigint, toNs: bigint): number => Number(toNs - fromNs) / 1e9;
const rateUnit = (unit: string): string => (unit ? `${unit}/s` : '1/s');

type Counter = { -readonly [K in keyof OtlpMetricsStats]: number };

interface Owned {
  readonly service: string;
  readonly environment: string;
  readonly resource: Attributes;
  /** Undefined for service-graph points: their resource is the connector's, not the service's. */
  readonly resourceKey: string | undefined;
  readonly point: TelemetryPoint;
}

interface EdgeTally {
  readonly service: string;
  readonly environment: string;
  readonly resource: Attributes;
  readonly resourceKey: string | undefined;
  readonly labels: Attributes;
  timestamp: number;
  requests: number | undefined;
  failedFromTotal: number | undefined;
  failedFromFlag: number;
}

/** Where one point's output goes. */
interface Target {
  readonly service: string;
  readonly environment: string;
  readonly resource: Attributes;
  readonly resourceKey: string | undefined;
  /** LRU key prefix of the export stream (resource + scope). */
  readonly stream: string;
}

interface HistogramSample {
  readonly count: number;
  readonly sum: number | undefined;
  readonly bounds: readonly number[];
  readonly buckets: readonly number[];
}

interface ExpSample {
  readonly count: number;
  readonly sum: number | undefined;
  readonly distribution: ExpDistribution;
}

interface SummarySample {
  readonly count: number;
  readonly sum: number;
}

const scalarOps: CumulativeOps<number> = {
  subtract: (current, previous) => (current >= previous ? current - previous : undefined),
  same: (a, b) => a === b,
};

const subtractSum = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined ? a - b : undefined;

const sameArrays = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

const histogramOps: CumulativeOps<HistogramSample> = {
  subtract(current, previous) {
    if (current.count < previous.count || !sameArrays(current.bounds, previous.bounds)) return undefined;
    if (current.buckets.length !== previous.buckets.length) return undefined;
    const buckets: number[] = [];
    for (let i = 0; i < current.buckets.length; i++) {
      const d = current.buckets[i]! - previous.buckets[i]!;
      if (d < 0) return undefined;
      buckets.push(d);
    }
    return {
      count: current.count - previous.count,
      sum: subtractSum(current.sum, previous.sum),
      bounds: current.bounds,
      buckets,
    };
  },
  same: (a, b) =>
    a.count === b.count &&
    a.sum === b.sum &&
    sameArrays(a.bounds, b.bounds) &&
    sameArrays(a.buckets, b.buckets),
};

const expOps: CumulativeOps<ExpSample> = {
  subtract(current, previous) {
    if (current.count < previous.count) return undefined;
    const distribution = subtractExponential(current.distribution, previous.distribution);
    if (!distribution) return undefined;
    return {
      count: current.count - previous.count,
      sum: subtractSum(current.sum, previous.sum),
      distribution,
    };
  },
  same: (a, b) =>
    a.count === b.count && a.sum === b.sum && canonicalJson(a.distribution) === canonicalJson(b.distribution),
};

const summaryOps: CumulativeOps<SummarySample> = {
  subtract: (current, previous) =>
    current.count >= previous.count
      ? { count: current.count - previous.count, sum: current.sum - previous.sum }
      : undefined,
  same: (a, b) => a.count === b.count && a.sum === b.sum,
};

/** Sets an own property even for the key `__proto__` (attribute keys are untrusted). */
function setAttribute(target: Attributes, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function hashKey(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('base64');
}

/** `p50`, `p99`, `p99_9`, `p100`: the summary quantile's metric suffix. */
export function quantileSuffix(quantile: number): string {
  const percent = Math.round(quantile * 100 * 10_000) / 10_000;
  return `p${String(percent).replace('.', '_')}`;
}

class OtlpMetricsNormaliserImpl implements OtlpMetricsNormaliser {
  readonly format: OtlpMetricsFormat;
  readonly state: OtlpSeriesState;
  readonly firstPointMaxAgeNs: bigint;
  readonly maxPointsPerBatch: number;
  readonly detectNewSeries: boolean;
  private readonly counts: Counter = {
    requests: 0,
    batches: 0,
    points: 0,
    skippedNoRecordedValue: 0,
    skippedNonFinite: 0,
    skippedNoValue: 0,
    skippedInvalid: 0,
    skippedNoInterval: 0,
    skippedEmptyMetric: 0,
    cumulativeFirst: 0,
    cumulativeStale: 0,
    cumulativeResets: 0,
    cumulativeNewSeries: 0,
    series: 0,
    evictions: 0,
  };

  constructor(options: OtlpMetricsNormaliserOptions) {
    this.format = options.format ?? 'otlp_proto';
    this.state = options.state ?? new OtlpSeriesState({ maxSeries: options.maxSeries });
    this.firstPointMaxAgeNs = BigInt(Math.round(options.firstPointMaxAgeMs ?? 5 * 60_000)) * NS_PER_MS;
    this.maxPointsPerBatch = Math.max(1, options.maxPointsPerBatch ?? 5_000);
    this.detectNewSeries = options.detectNewSeries ?? true;
  }

  stats(): OtlpMetricsStats {
    return { ...this.counts, series: this.state.size, evictions: this.state.evictions };
  }

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    const document =
      otlpEncodingOf(input) === 'json' ? parseJson(input.body) : decodeOtlpMetricsProto(input.body);
    const request = readExportRequest(document);
    // Everything that can refuse the request is checked before any state changes, so a refused
    // record leaves the cumulative state as it was.
    const services = request.resourceMetrics.map((rm) => this.checkResource(rm, context.identity));
    const run = new Run(this, context.identity);
    request.resourceMetrics.forEach((rm, i) => run.resource(rm, services[i]));
    const batches = run.batches();
    this.counts.requests++;
    this.counts.batches += batches.length;
    for (const b of batches) this.counts.points += b.points.length;
    return batches.map((value) => ({ event: 'telemetry', value }));
  }

  /** The resource's service, or undefined when only service-graph metrics (routed per point) need none. */
  private checkResource(rm: OtlpResourceMetrics, identity: ServiceIdentity): string | undefined {
    const service = identity.service(rm.attributes);
    for (const scope of rm.scopes) {
      for (const metric of scope.metrics) {
        const graph = metric.name.startsWith(SERVICE_GRAPH_PREFIX);
        for (const point of metric.data?.points ?? []) {
          if (point.timeNs === 0n) {
            throw new DecodeError(
              'validate.timestamp',
              'is missing or zero; OTLP consumers reject such points',
              `${point.path}.timeUnixNano`,
            );
          }
          if (
            service === undefined &&
            !(graph && (point.attributes['client'] || point.attributes['server']))
          ) {
            throw new DecodeError(
              'otlp.missing-service',
              `names no service: none of ${identity.rules.serviceKeys.join(', ')} is set`,
              `${rm.path}.resource.attributes`,
            );
          }
        }
      }
    }
    return service;
  }

  /** Internal: used by Run. */
  count(key: keyof Counter): void {
    this.counts[key]++;
  }
}

/** The work of one normalise() call. */
class Run {
  private readonly owned: Owned[] = [];
  private readonly edges = new Map<string, EdgeTally>();
  private readonly state: OtlpSeriesState;
  private readonly firstPointMaxAgeNs: bigint;

  constructor(
    private readonly normaliser: OtlpMetricsNormaliserImpl,
    private readonly identity: ServiceIdentity,
  ) {
    this.state = normaliser.state;
    this.firstPointMaxAgeNs = normaliser.firstPointMaxAgeNs;
  }

  resource(rm: OtlpResourceMetrics, service: string | undefined): void {
    const resourceKey = canonicalJson(rm.attributes);
    const environment = this.identity.environment(rm.attributes);
    for (const scope of rm.scopes) {
      const stream = hashKey('stream', resourceKey, scope.name, scope.version);
      for (const metric of scope.metrics) {
        if (!metric.data) {
          this.normaliser.count('skippedEmptyMetric');
          continue;
        }
        const graph = metric.name.startsWith(SERVICE_GRAPH_PREFIX);
        const base: Target = {
          service: service ?? '',
          environment,
          resource: rm.attributes,
          resourceKey,
          stream,
        };
        this.metric(metric, graph ? (p) => this.graphTarget(p, rm, base) : () => base);
      }
    }
  }

  /** A service-graph point goes to its client's batch (its server's when there is no client). */
  private graphTarget(point: PointBase, rm: OtlpResourceMetrics, base: Target): Target {
    const client = point.attributes['client'];
    const side = client ? 'client' : point.attributes['server'] ? 'server' : undefined;
    if (!side) return base;
    const prefix = `${side}_`;
    const dimensions: Attributes = {};
    for (const [k, v] of Object.entries(point.attributes)) {
      if (k.startsWith(prefix)) setAttribute(dimensions, k.slice(prefix.length), v);
    }
    return {
      ...base,
      service: point.attributes[side]!,
      environment: this.identity.environment(dimensions, rm.attributes),
      resource: {},
      resourceKey: undefined,
    };
  }

  private metric(metric: OtlpMetric, target: (p: PointBase) => Target): void {
    const data = metric.data!;
    switch (data.kind) {
      case 'gauge':
        for (const p of data.points) this.gauge(metric, p, target(p));
        return;
      case 'sum':
        for (const p of data.points) {
          if (data.monotonic) this.monotonicSum(metric, data.temporality, p, target(p));
          else this.gauge(metric, p, target(p));
        }
        return;
      case 'histogram':
        for (const p of data.points) this.histogram(metric, data.temporality, p, target(p));
        return;
      case 'exponentialHistogram':
        for (const p of data.points) this.exponentialHistogram(metric, data.temporality, p, target(p));
        return;
      case 'summary':
        for (const p of data.points) this.summary(metric, p, target(p));
        return;
    }
  }

  private emit(
    t: Target,
    metric: string,
    value: number,
    timestamp: number,
    unit: string | null,
    labels: Attributes,
  ): void {
    if (!Number.isFinite(value)) {
      this.normaliser.count('skippedNonFinite');
      return;
    }
    this.owned.push({
      service: t.service,
      environment: t.environment,
      resource: t.resource,
      resourceKey: t.resourceKey,
      point: { metric, value, timestamp, unit, labels: { ...labels } },
    });
  }

  /** False (and counted) for a point flagged as having no recorded value. */
  private recorded(p: PointBase): boolean {
    if ((p.flags & FLAG_NO_RECORDED_VALUE) !== 0) {
      this.normaliser.count('skippedNoRecordedValue');
      return false;
    }
    return true;
  }

  private seriesKey(t: Target, kind: string, metric: OtlpMetric, p: PointBase): string {
    return hashKey(t.stream, kind, metric.name, metric.unit, canonicalJson(p.attributes));
  }

  private gauge(metric: OtlpMetric, p: NumberPoint, t: Target): void {
    if (!this.recorded(p)) return;
    if (p.value === undefined) {
      this.normaliser.count('skippedNoValue');
      return;
    }
    this.emit(t, metric.name, p.value, toMs(p.timeNs), metric.unit || null, p.attributes);
  }

  /** The interval of a delta point: (start, time], or since the series' previous point. */
  private deltaInterval(key: string, p: PointBase): bigint | undefined {
    if (p.startNs > 0n && p.startNs < p.timeNs) return p.startNs;
    return this.state.deltaStart(key, p.timeNs);
  }

  /**
   * What a distribution point covers: itself (delta), or the increase since the series' last
   * cumulative point; undefined when a cumulative point has nothing to add yet.
   */
  private intervalOf<T>(
    key: string,
    temporality: Temporality,
    t: Target,
    p: PointBase,
    sample: T,
    ops: CumulativeOps<T>,
  ): { interval: T; fromNs: bigint | undefined } | undefined {
    if (temporality !== TEMPORALITY_CUMULATIVE)
      return { interval: sample, fromNs: this.deltaInterval(key, p) };
    const outcome = this.cumulative(key, t, p, sample, ops);
    return outcome && { interval: outcome.increase, fromNs: outcome.fromNs };
  }

  /** Cumulative bookkeeping shared by every cumulative kind; returns the increase, if any. */
  private cumulative<T>(
    key: string,
    t: Target,
    p: PointBase,
    value: T,
    ops: CumulativeOps<T>,
  ): Extract<CumulativeOutcome<T>, { kind: 'increase' }> | undefined {
    const outcome = this.state.advanceCumulative(
      key,
      this.normaliser.detectNewSeries ? t.stream : undefined,
      { startNs: p.startNs, timeNs: p.timeNs, value },
      ops,
      this.firstPointMaxAgeNs,
    );
    if (outcome.kind === 'first') this.normaliser.count('cumulativeFirst');
    else if (outcome.kind === 'stale') this.normaliser.count('cumulativeStale');
    else if (outcome.reason === 'reset') this.normaliser.count('cumulativeResets');
    else if (outcome.reason === 'new-series') this.normaliser.count('cumulativeNewSeries');
    return outcome.kind === 'increase' ? outcome : undefined;
  }

  private monotonicSum(metric: OtlpMetric, temporality: Temporality, p: NumberPoint, t: Target): void {
    if (!this.recorded(p)) return;
    if (p.value === undefined) {
      this.normaliser.count('skippedNoValue');
      return;
    }
    if (!Number.isFinite(p.value)) {
      this.normaliser.count('skippedNonFinite');
      return;
    }
    if (p.value < 0) {
      this.normaliser.count('skippedInvalid'); // a monotonic sum never goes below zero
      return;
    }
    const key = this.seriesKey(t, 'sum', metric, p);
    let fromNs: bigint | undefined;
    let increase: number;
    if (temporality === TEMPORALITY_CUMULATIVE) {
      const outcome = this.cumulative(key, t, p, p.value, scalarOps);
      if (!outcome) return;
      fromNs = outcome.fromNs;
      increase = outcome.increase;
    } else {
      fromNs = this.deltaInterval(key, p);
      increase = p.value;
    }
    if (fromNs === undefined) {
      this.normaliser.count('skippedNoInterval');
      return;
    }
    const timestamp = toMs(p.timeNs);
    this.emit(
      t,
      metric.name,
      increase / seconds(fromNs, p.timeNs),
      timestamp,
      rateUnit(metric.unit),
      p.attributes,
    );
    if (metric.name === SERVICE_GRAPH_REQUESTS || metric.name === SERVICE_GRAPH_FAILED) {
      this.tallyEdge(metric.name, t, p.attributes, increase, timestamp);
    }
  }

  private tallyEdge(
    name: string,
    t: Target,
    attributes: Attributes,
    increase: number,
    timestamp: number,
  ): void {
    const labels: Attributes = { client: attributes['client'] ?? '', server: attributes['server'] ?? '' };
    if (attributes['connection_type']) labels['connection_type'] = attributes['connection_type'];
    const key = canonicalJson([t.service, t.environment, t.resourceKey ?? null, labels]);
    let edge = this.edges.get(key);
    if (!edge) {
      edge = {
        service: t.service,
        environment: t.environment,
        resource: t.resource,
        resourceKey: t.resourceKey,
        labels,
        timestamp,
        requests: undefined,
        failedFromTotal: undefined,
        failedFromFlag: 0,
      };
      this.edges.set(key, edge);
    }
    edge.timestamp = Math.max(edge.timestamp, timestamp);
    if (name === SERVICE_GRAPH_FAILED) {
      edge.failedFromTotal = (edge.failedFromTotal ?? 0) + increase;
    } else {
      edge.requests = (edge.requests ?? 0) + increase;
      // Newer connectors split request_total by a boolean `failed` attribute.
      if (attributes['failed'] === 'true') edge.failedFromFlag += increase;
    }
  }

  /** The derived points of a histogram's interval distribution. */
  private distributionPoints(
    t: Target,
    metric: OtlpMetric,
    p: PointBase,
    sample: { count: number; sum: number | undefined },
    fromNs: bigint | undefined,
    quantile: (q: number) => number | undefined,
  ): void {
    const timestamp = toMs(p.timeNs);
    const unit = metric.unit || null;
    if (sample.count > 0) {
      for (const [suffix, q] of PERCENTILES) {
        const value = quantile(q);
        if (value !== undefined)
          this.emit(t, `${metric.name}.${suffix}`, value, timestamp, unit, p.attributes);
      }
      if (sample.sum !== undefined) {
        this.emit(t, `${metric.name}.mean`, sample.sum / sample.count, timestamp, unit, p.attributes);
      }
    }
    if (fromNs === undefined) {
      this.normaliser.count('skippedNoInterval');
      return;
    }
    const s = seconds(fromNs, p.timeNs);
    this.emit(t, `${metric.name}.count`, sample.count / s, timestamp, '1/s', p.attributes);
    if (sample.sum !== undefined) {
      this.emit(t, `${metric.name}.sum`, sample.sum / s, timestamp, rateUnit(metric.unit), p.attributes);
    }
  }

  private histogram(metric: OtlpMetric, temporality: Temporality, p: HistogramPoint, t: Target): void {
    if (!this.recorded(p)) return;
    const key = this.seriesKey(t, 'histogram', metric, p);
    const sample: HistogramSample = {
      count: p.count,
      sum: p.sum,
      bounds: p.explicitBounds,
      buckets: p.bucketCounts,
    };
    const covered = this.intervalOf(key, temporality, t, p, sample, histogramOps);
    if (!covered) return;
    const { interval, fromNs } = covered;
    this.distributionPoints(t, metric, p, interval, fromNs, (q) =>
      explicitBucketQuantile(q, interval.bounds, interval.buckets, p.min, p.max),
    );
  }

  private exponentialHistogram(
    metric: OtlpMetric,
    temporality: Temporality,
    p: ExpHistogramPoint,
    t: Target,
  ): void {
    if (!this.recorded(p)) return;
    const key = this.seriesKey(t, 'exponentialHistogram', metric, p);
    const sample: ExpSample = {
      count: p.count,
      sum: p.sum,
      distribution: {
        scale: p.scale,
        zeroCount: p.zeroCount,
        zeroThreshold: p.zeroThreshold,
        positive: sparseBuckets(p.positive, p.scale),
        negative: sparseBuckets(p.negative, p.scale),
      },
    };
    const covered = this.intervalOf(key, temporality, t, p, sample, expOps);
    if (!covered) return;
    const { interval, fromNs } = covered;
    this.distributionPoints(t, metric, p, interval, fromNs, (q) =>
      exponentialQuantile(q, interval.distribution, p.min, p.max),
    );
  }

  private summary(metric: OtlpMetric, p: SummaryPoint, t: Target): void {
    if (!this.recorded(p)) return;
    const timestamp = toMs(p.timeNs);
    const unit = metric.unit || null;
    for (const { quantile, value } of p.quantiles) {
      if (!(quantile >= 0 && quantile <= 1)) {
        this.normaliser.count('skippedInvalid');
        continue;
      }
      this.emit(t, `${metric.name}.${quantileSuffix(quantile)}`, value, timestamp, unit, p.attributes);
    }
    if (!Number.isFinite(p.sum)) {
      this.normaliser.count('skippedNonFinite');
      return;
    }
    const key = this.seriesKey(t, 'summary', metric, p);
    const outcome = this.cumulative(key, t, p, { count: p.count, sum: p.sum }, summaryOps);
    if (!outcome) return;
    const s = seconds(outcome.fromNs, p.timeNs);
    const { count, sum } = outcome.increase;
    this.emit(t, `${metric.name}.count`, count / s, timestamp, '1/s', p.attributes);
    this.emit(t, `${metric.name}.sum`, sum / s, timestamp, rateUnit(metric.unit), p.attributes);
    if (count > 0) this.emit(t, `${metric.name}.mean`, sum / count, timestamp, unit, p.attributes);
  }

  /** Groups the points per (service, environment) and builds the batches. */
  batches(): TelemetryBatch[] {
    for (const edge of this.edges.values()) {
      if (edge.requests === undefined) continue;
      const t: Target = { ...edge, stream: '' };
      this.emit(t, EDGE_METRIC, edge.requests, edge.timestamp, '{request}', edge.labels);
      this.emit(
        t,
        EDGE_FAILED_METRIC,
        edge.failedFromTotal ?? edge.failedFromFlag,
        edge.timestamp,
        '{request}',
        edge.labels,
      );
    }
    const groups = new Map<string, Owned[]>();
    for (const o of this.owned) {
      const key = canonicalJson([o.service, o.environment]);
      const group = groups.get(key);
      if (group) group.push(o);
      else groups.set(key, [o]);
    }
    const out: TelemetryBatch[] = [];
    const max = this.normaliser.maxPointsPerBatch;
    for (const group of groups.values()) {
      const { service, environment } = group[0]!;
      const { resource, points } = mergeResources(group);
      for (let i = 0; i < points.length; i += max) {
        const content = { service, environment, points: points.slice(i, i + max), resource };
        out.push({ id: contentId('tb', content), ...content });
      }
    }
    return out;
  }
}

/**
 * One resource: its attributes, points as they are. Several (instances of one service): the
 * attributes shared with equal values by all, the others added to each point's labels (the
 * point's own attributes win on a clash). Service-graph points take no part: their resource
 * describes the connector, not the service.
 */
function mergeResources(group: readonly Owned[]): { resource: Attributes; points: TelemetryPoint[] } {
  const distinct = new Map<string, Attributes>();
  for (const o of group) {
    if (o.resourceKey !== undefined && !distinct.has(o.resourceKey)) distinct.set(o.resourceKey, o.resource);
  }
  if (distinct.size <= 1) {
    const [only] = distinct.values();
    return { resource: { ...only }, points: group.map((o) => o.point) };
  }
  const [first, ...rest] = [...distinct.values()];
  const shared: Attributes = {};
  for (const [k, v] of Object.entries(first!)) {
    if (rest.every((r) => Object.hasOwn(r, k) && r[k] === v)) setAttribute(shared, k, v);
  }
  const points = group.map((o) => {
    if (o.resourceKey === undefined) return o.point;
    const extra: Attributes = {};
    for (const [k, v] of Object.entries(o.resource)) if (!Object.hasOwn(shared, k)) setAttribute(extra, k, v);
    return { ...o.point, labels: { ...extra, ...o.point.labels } };
  });
  return { resource: shared, points };
}
