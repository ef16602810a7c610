import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { DecodeError, EventCodec, contentId, type TelemetryBatch, type TelemetryPoint } from '#contracts';
import { seededUniform } from '#core';
import { FIXTURE_T0 as T0, MINUTE } from '#testing';
import type { CanonicalEvent, RawInput } from '../normaliser.js';
import { ServiceIdentity } from '../service-identity.js';
import {
  createOtlpMetricsNormaliser,
  createOtlpMetricsNormalisers,
  otlpEncodingOf,
  quantileSuffix,
  serviceGraphEdges,
  type OtlpMetricsNormaliser,
  type OtlpMetricsNormaliserOptions,
} from './otlp-metrics.js';
import { encodeOtlpMetricsProto } from './otlp-proto.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const FIXTURES = projectPath('libs', 'ingestion', 'fixtures', 'otlp');
const fixture = (name: string): Buffer => readFileSync(`${FIXTURES}/${name}`);
const context = { identity: new ServiceIdentity() };
/** The fixtures are written around FIXTURE_T0 (2026-11-02T12:00:00Z). */
const codec = new EventCodec({ now: () => T0 + 5 * MINUTE });

const input = (body: Buffer, headers: Record<string, string> = {}): RawInput => ({
  body,
  headers,
  source: 'otlp_metrics',
  receivedAt: T0 + MINUTE,
});

function batchesOf(events: CanonicalEvent[]): TelemetryBatch[] {
  return events.map((e) => {
    assert.equal(e.event, 'telemetry');
    return e.value as TelemetryBatch;
  });
}

function run(n: OtlpMetricsNormaliser, body: Buffer, headers: Record<string, string> = {}): TelemetryBatch[] {
  return batchesOf(n.normalise(input(body, headers), context));
}

function refusal(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a DecodeError, but the input was accepted');
}

/** Point values (derived rates, means, percentiles) compare to this relative tolerance. */
const TOLERANCE = 1e-9;

/**
 * Checks batches against the expected ones: every field exactly, point values to TOLERANCE, the
 * id as the content hash of the rest, and each batch valid as a canonical telemetry event.
 */
function assertBatches(actual: TelemetryBatch[], expected: Omit<TelemetryBatch, 'id'>[]): void {
  assert.equal(actual.length, expected.length, `batches: ${actual.map((b) => b.service).join(', ')}`);
  actual.forEach((batch, i) => {
    const want = expected[i]!;
    const { id, ...content } = batch;
    assert.equal(id, contentId('tb', content), 'the batch id is the hash of its content');
    assert.deepEqual(codec.validate('telemetry', batch), batch, 'valid canonical telemetry');
    assert.equal(content.service, want.service);
    assert.equal(content.environment, want.environment);
    assert.deepEqual(content.resource, want.resource);
    assert.deepEqual(
      content.points.map((p) => p.metric),
      want.points.map((p) => p.metric),
      `${want.service}: metrics`,
    );
    content.points.forEach((point, j) => {
      const w = want.points[j]!;
      const where = `${want.service} points[${j}] ${w.metric}`;
      assert.deepEqual({ ...point, value: 0 }, { ...w, value: 0 }, where);
      assert.ok(
        Math.abs(point.value - w.value) <= TOLERANCE * Math.max(1, Math.abs(w.value)),
        `${where}: value ${point.value}, expected ${w.value}`,
      );
    });
  });
}

const point = (
  metric: string,
  value: number,
  unit: string | null,
  labels: Record<string, string> = {},
  timestamp = T0,
): TelemetryPoint => ({ metric, value, timestamp, unit, labels });

const nanos = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

type Json = Record<string, unknown>;
const kv = (key: string, value: string): Json => ({ key, value: { stringValue: value } });
const attrs = (labels: Record<string, string>): Json[] => Object.entries(labels).map(([k, v]) => kv(k, v));

/** An OTLP/JSON request with one resource and one scope. */
function request(metrics: Json[], resource: Record<string, string> = { 'service.name': 'svc' }): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceMetrics: [
        { resource: { attributes: attrs(resource) }, scopeMetrics: [{ scope: { name: 't' }, metrics }] },
      ],
    }),
  );
}

interface SamplePoint {
  readonly start?: number;
  readonly time: number;
  readonly value: number;
  readonly labels?: Record<string, string>;
  readonly flags?: number;
}

const numberPoints = (points: SamplePoint[]): Json[] =>
  points.map((p) => ({
    attributes: attrs(p.labels ?? {}),
    ...(p.start !== undefined ? { startTimeUnixNano: nanos(p.start) } : {}),
    timeUnixNano: nanos(p.time),
    asDouble: p.value,
    ...(p.flags ? { flags: p.flags } : {}),
  }));

const counter = (name: string, points: SamplePoint[], temporality = 2): Json => ({
  name,
  unit: '{request}',
  sum: { dataPoints: numberPoints(points), aggregationTemporality: temporality, isMonotonic: true },
});

const rates = (batches: TelemetryBatch[], metric: string): number[] =>
  batches.flatMap((b) => b.points.filter((p) => p.metric === metric).map((p) => p.value));

// ---------------------------------------------------------------------------------------------
// Golden fixtures

const CHECKOUT_RESOURCE = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.version': '1.4.2',
  'service.instance.id': 'checkout-7d9f8c-x2kq1',
  'deployment.environment': 'staging',
  'host.name': 'ip-10-0-1-17',
  'process.pid': '4242',
  'k8s.pod.ready': 'true',
  'process.command_args': '["/app/checkout","--port=8080"]',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'go',
  'telemetry.sdk.version': '1.38.0',
};

const SERVER_ROUTE = {
  'http.request.method': 'GET',
  'http.response.status_code': '200',
  'http.route': '/api/cart',
};
const CLIENT_CALL = { 'http.request.method': 'POST', 'server.address': 'payments.internal' };
const FRONTEND_EDGE = {
  client: 'frontend',
  'client_deployment.environment': 'staging',
  connection_type: '',
  server: 'checkout',
  'server_deployment.environment': 'staging',
};
/** 2^(x/8): exponential-histogram estimates at scale 3 are powers of 2^(1/8). */
const scale3 = (x: number): number => 2 ** (x / 8);

/** all-types.json: every metric kind, with hand-computed derived values. */
const ALL_TYPES_EXPECTED: Omit<TelemetryBatch, 'id'>[] = [
  {
    service: 'checkout',
    environment: 'staging',
    resource: CHECKOUT_RESOURCE,
    points: [
      point('process.memory.usage', 73400320, 'By'),
      // The `system` point is flagged NO_RECORDED_VALUE and the `idle` one is NaN: both skipped.
      point('system.cpu.utilization', 0.42, '1', { 'cpu.mode': 'user', 'cpu.logical_number': '0' }),
      // Delta counter: 30 orders over the 60 s interval.
      point('app.orders.placed', 0.5, '{order}/s', { 'payment.method': 'card' }),
      // A non-monotonic sum is a current value.
      point('db.client.connection.count', 12, '{connection}', {
        'db.client.connection.state': 'used',
        'db.client.connection.pool.name': 'orders-db',
      }),
      // Delta histogram of 120: p50 rank 60 ends bucket (0.025, 0.05]; p95 rank 114 is 2/5 into
      // (0.25, 0.5]; p99 rank 118.8 is 1.8/2 into (0.5, 0.75].
      point('http.server.request.duration.p50', 0.05, 's', SERVER_ROUTE),
      point('http.server.request.duration.p95', 0.25 + 0.25 * 0.4, 's', SERVER_ROUTE),
      point('http.server.request.duration.p99', 0.5 + 0.25 * 0.9, 's', SERVER_ROUTE),
      point('http.server.request.duration.mean', 6.3 / 120, 's', SERVER_ROUTE),
      point('http.server.request.duration.count', 120 / 60, '1/s', SERVER_ROUTE),
      point('http.server.request.duration.sum', 6.3 / 60, 's/s', SERVER_ROUTE),
      // Exponential (scale 3, offset -40, counts 3 5 10 7 4 1): p50 rank 15 is 7/10 into bucket
      // -38, p95 rank 28.5 is 3.5/4 into bucket -36, p99 rank 29.7 is 0.7/1 into bucket -35.
      point('http.client.request.duration.p50', scale3(-38 + 0.7), 's', CLIENT_CALL),
      point('http.client.request.duration.p95', scale3(-36 + 0.875), 's', CLIENT_CALL),
      point('http.client.request.duration.p99', scale3(-35 + 0.7), 's', CLIENT_CALL),
      point('http.client.request.duration.mean', 1.1 / 30, 's', CLIENT_CALL),
      point('http.client.request.duration.count', 30 / 60, '1/s', CLIENT_CALL),
      point('http.client.request.duration.sum', 1.1 / 60, 's/s', CLIENT_CALL),
      // Summary: quantiles as they are; count and sum are cumulative, started 120 s ago (recent
      // enough for a first rate from the start time).
      point('go_gc_duration_seconds.p0', 0.000021, 's'),
      point('go_gc_duration_seconds.p25', 0.000035, 's'),
      point('go_gc_duration_seconds.p50', 0.000048, 's'),
      point('go_gc_duration_seconds.p75', 0.000091, 's'),
      point('go_gc_duration_seconds.p100', 0.0012, 's'),
      point('go_gc_duration_seconds.count', 250 / 120, '1/s'),
      point('go_gc_duration_seconds.sum', 0.021 / 120, 's/s'),
      point('go_gc_duration_seconds.mean', 0.021 / 250, 's'),
      // The service graph's checkout → postgresql edge belongs to checkout (the client).
      point('traces_service_graph_request_total', 300 / 60, '1/s', {
        client: 'checkout',
        'client_deployment.environment': 'staging',
        connection_type: 'database',
        failed: 'false',
        server: 'postgresql',
      }),
      point('service_graph.edge', 300, '{request}', {
        client: 'checkout',
        server: 'postgresql',
        connection_type: 'database',
      }),
      point('service_graph.edge.failed', 0, '{request}', {
        client: 'checkout',
        server: 'postgresql',
        connection_type: 'database',
      }),
    ],
  },
  {
    service: 'frontend',
    environment: 'staging',
    // The connector's (empty) resource describes the connector, not the service.
    resource: {},
    points: [
      point('traces_service_graph_request_total', 594 / 60, '1/s', { ...FRONTEND_EDGE, failed: 'false' }),
      point('traces_service_graph_request_total', 6 / 60, '1/s', { ...FRONTEND_EDGE, failed: 'true' }),
      point('traces_service_graph_request_failed_total', 6 / 60, '1/s', { ...FRONTEND_EDGE, failed: 'true' }),
      // Cumulative, first seen, started 60 s ago: the whole histogram is the interval's.
      // Counts 100 400 60 30 4 0 over bounds 0.01 0.05 0.1 0.5 1 (no min or max).
      point('traces_service_graph_request_server_seconds.p50', 0.01 + 0.04 * (197 / 400), 's', {
        ...FRONTEND_EDGE,
        failed: 'false',
      }),
      point('traces_service_graph_request_server_seconds.p95', 0.1 + 0.4 * (4.3 / 30), 's', {
        ...FRONTEND_EDGE,
        failed: 'false',
      }),
      point('traces_service_graph_request_server_seconds.p99', 0.1 + 0.4 * (28.06 / 30), 's', {
        ...FRONTEND_EDGE,
        failed: 'false',
      }),
      point('traces_service_graph_request_server_seconds.mean', 29.7 / 594, 's', {
        ...FRONTEND_EDGE,
        failed: 'false',
      }),
      point('traces_service_graph_request_server_seconds.count', 594 / 60, '1/s', {
        ...FRONTEND_EDGE,
        failed: 'false',
      }),
      point('traces_service_graph_request_server_seconds.sum', 29.7 / 60, 's/s', {
        ...FRONTEND_EDGE,
        failed: 'false',
      }),
      // 594 + 6 requests, of which 6 failed (request_failed_total).
      point('service_graph.edge', 600, '{request}', { client: 'frontend', server: 'checkout' }),
      point('service_graph.edge.failed', 6, '{request}', { client: 'frontend', server: 'checkout' }),
    ],
  },
];

const PAYMENTS_RESOURCE = {
  'service.name': 'payments',
  'service.instance.id': 'payments-0',
  'deployment.environment.name': 'production',
  'service.version': '2.3.0',
};
const approved = { outcome: 'approved' };
const declined = { outcome: 'declined' };

/** cumulative-{1,2,3}.json: three exports a minute apart; the process restarts before the third. */
const CUMULATIVE_EXPECTED: Omit<TelemetryBatch, 'id'>[][] = [
  // First export: the series started an hour ago, so there is no rate yet.
  [],
  [
    {
      service: 'payments',
      environment: 'production',
      resource: PAYMENTS_RESOURCE,
      points: [
        point('payments.transactions', (1120 - 1000) / 60, '{transaction}/s', approved, T0 + MINUTE),
        // `declined` is new since the first export: all 3 counted over that minute.
        point('payments.transactions', 3 / 60, '{transaction}/s', declined, T0 + MINUTE),
        // The interval's buckets: 20 60 20 3 1 (104) over bounds 10 50 100 500, sum 8000.
        point('payments.authorization.duration.p50', 10 + 40 * (32 / 60), 'ms', {}, T0 + MINUTE),
        point('payments.authorization.duration.p95', 50 + 50 * (18.8 / 20), 'ms', {}, T0 + MINUTE),
        point('payments.authorization.duration.p99', 100 + 400 * (2.96 / 3), 'ms', {}, T0 + MINUTE),
        point('payments.authorization.duration.mean', 8000 / 104, 'ms', {}, T0 + MINUTE),
        point('payments.authorization.duration.count', 104 / 60, '1/s', {}, T0 + MINUTE),
        point('payments.authorization.duration.sum', 8000 / 60, 'ms/s', {}, T0 + MINUTE),
      ],
    },
  ],
  [
    {
      service: 'payments',
      environment: 'production',
      resource: PAYMENTS_RESOURCE,
      points: [
        // Restarted 100 s after T0 (new start time, lower values): counted from zero since then.
        point('payments.transactions', 40 / 20, '{transaction}/s', approved, T0 + 2 * MINUTE),
        point('payments.transactions', 1 / 20, '{transaction}/s', declined, T0 + 2 * MINUTE),
        // Buckets 5 20 10 1 0 (36) since the restart; p99 clamped to the new max, 180.
        point('payments.authorization.duration.p50', 10 + 40 * (13 / 20), 'ms', {}, T0 + 2 * MINUTE),
        point('payments.authorization.duration.p95', 50 + 50 * (9.2 / 10), 'ms', {}, T0 + 2 * MINUTE),
        point('payments.authorization.duration.p99', 180, 'ms', {}, T0 + 2 * MINUTE),
        point('payments.authorization.duration.mean', 2300 / 36, 'ms', {}, T0 + 2 * MINUTE),
        point('payments.authorization.duration.count', 36 / 20, '1/s', {}, T0 + 2 * MINUTE),
        point('payments.authorization.duration.sum', 2300 / 20, 'ms/s', {}, T0 + 2 * MINUTE),
      ],
    },
  ],
];

describe('OTLP metrics normaliser: golden fixtures', () => {
  for (const encoding of ['json', 'pb'] as const) {
    it(`all-types.${encoding}: every metric kind, field by field`, () => {
      const n = createOtlpMetricsNormaliser();
      assertBatches(run(n, fixture(`all-types.${encoding}`)), ALL_TYPES_EXPECTED);
      const stats = n.stats();
      assert.equal(stats.skippedNoRecordedValue, 1);
      assert.equal(stats.skippedNonFinite, 1);
      assert.equal(stats.batches, 2);
    });

    it(`cumulative-{1,2,3}.${encoding}: rates across exports, a new series and a restart`, () => {
      const n = createOtlpMetricsNormaliser();
      CUMULATIVE_EXPECTED.forEach((expected, i) => {
        assertBatches(run(n, fixture(`cumulative-${i + 1}.${encoding}`)), expected);
      });
      const stats = n.stats();
      assert.equal(stats.cumulativeFirst, 2);
      assert.equal(stats.cumulativeNewSeries, 1);
      assert.equal(stats.cumulativeResets, 3);
    });
  }

  it('gives identical output (ids included) for the JSON and protobuf encodings', () => {
    for (const names of [['all-types'], ['cumulative-1', 'cumulative-2', 'cumulative-3']]) {
      const fromJson = createOtlpMetricsNormaliser({ format: 'otlp_json' });
      const fromProto = createOtlpMetricsNormaliser({ format: 'otlp_proto' });
      for (const name of names) {
        assert.deepEqual(run(fromProto, fixture(`${name}.pb`)), run(fromJson, fixture(`${name}.json`)), name);
      }
    }
  });

  it('reads protobuf written by protobufjs from our .proto copy like the official encoding', () => {
    const json = JSON.parse(fixture('all-types.json').toString('utf8')) as Record<string, unknown>;
    const ours = run(createOtlpMetricsNormaliser(), encodeOtlpMetricsProto(json));
    assert.deepEqual(ours, run(createOtlpMetricsNormaliser(), fixture('all-types.pb')));
  });

  it('gives the same batches and ids when the latest export is delivered again', () => {
    const n = createOtlpMetricsNormaliser();
    run(n, fixture('cumulative-1.json'));
    const first = run(n, fixture('cumulative-2.json'));
    const again = run(n, fixture('cumulative-2.pb'));
    assert.deepEqual(again, first);
    const stillAllTypes = createOtlpMetricsNormaliser();
    assert.deepEqual(
      run(stillAllTypes, fixture('all-types.json')),
      run(stillAllTypes, fixture('all-types.json')),
    );
  });

  it('gives no rates for an older export delivered after a newer one', () => {
    const n = createOtlpMetricsNormaliser();
    for (const i of [1, 2, 3]) run(n, fixture(`cumulative-${i}.json`));
    assert.deepEqual(run(n, fixture('cumulative-2.json')), []);
    assert.equal(n.stats().cumulativeStale, 3);
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviour

describe('OTLP metrics normaliser: cumulative sums', () => {
  it('never gives a negative rate, whatever the resets', () => {
    const random = seededUniform(5);
    const n = createOtlpMetricsNormaliser();
    let value = 0;
    let start = T0 - 60 * MINUTE;
    let emitted = 0;
    for (let i = 0; i < 300; i++) {
      const time = T0 + i * 15_000;
      const roll = random();
      if (roll < 0.1)
        value = Math.floor(random() * 10); // restart, same start time (unknown restart)
      else if (roll < 0.2) {
        value = Math.floor(random() * 10);
        start = time - 5_000; // restart announced by a new start time
      } else value += Math.floor(random() * 100);
      const batches = run(n, request([counter('requests', [{ start, time, value }])]));
      for (const r of rates(batches, 'requests')) {
        assert.ok(r >= 0 && Number.isFinite(r), `rate ${r} at export ${i}`);
        emitted++;
      }
    }
    assert.ok(emitted >= 290, `rates emitted: ${emitted}`);
  });

  it('treats a value that goes down as a restart counted from the previous point', () => {
    const n = createOtlpMetricsNormaliser();
    run(n, request([counter('requests', [{ time: T0, value: 500 }])]));
    const batches = run(n, request([counter('requests', [{ time: T0 + 10_000, value: 20 }])]));
    assert.deepEqual(rates(batches, 'requests'), [2]);
  });

  it('gives no rate for a first point with an old or unknown start time', () => {
    const n = createOtlpMetricsNormaliser();
    const old = run(n, request([counter('a', [{ start: T0 - 60 * MINUTE, time: T0, value: 10 }])]));
    const unknown = run(n, request([counter('b', [{ time: T0, value: 10 }])], { 'service.name': 'other' }));
    assert.deepEqual([old, unknown], [[], []]);
    assert.equal(n.stats().cumulativeFirst, 2);
  });

  it('gives a first point a rate from its start time when that is recent (firstPointMaxAgeMs)', () => {
    const recent = request([counter('a', [{ start: T0 - 2 * MINUTE, time: T0, value: 60 }])]);
    assert.deepEqual(rates(run(createOtlpMetricsNormaliser(), recent), 'a'), [0.5]);
    assert.deepEqual(run(createOtlpMetricsNormaliser({ firstPointMaxAgeMs: MINUTE }), recent), []);
  });

  it('skips points with no recorded value without touching the series', () => {
    const n = createOtlpMetricsNormaliser();
    run(n, request([counter('a', [{ time: T0, value: 10 }])]));
    assert.deepEqual(run(n, request([counter('a', [{ time: T0 + 10_000, value: 0, flags: 1 }])])), []);
    assert.deepEqual(rates(run(n, request([counter('a', [{ time: T0 + 20_000, value: 30 }])])), 'a'), [1]);
    assert.equal(n.stats().skippedNoRecordedValue, 1);
  });

  it('never lets evictions from a full state show up as bursts', () => {
    // 40 series growing by 60 a minute, in a state with room for 10 entries: most series lose
    // their history every export; any rate given must still be the true 1/s.
    const n = createOtlpMetricsNormaliser({ maxSeries: 10 });
    const seen: number[] = [];
    for (let e = 0; e < 5; e++) {
      const points = Array.from({ length: 40 }, (_, s) => ({
        start: T0 - 60 * MINUTE,
        time: T0 + e * MINUTE,
        value: 1000 * s + 60 * e,
        labels: { series: String(s) },
      }));
      seen.push(...rates(run(n, request([counter('c', points)])), 'c'));
    }
    assert.ok(
      seen.every((r) => r === 1),
      `rates: ${seen.join(' ')}`,
    );
    const stats = n.stats();
    assert.ok(stats.series <= 10, `series kept: ${stats.series}`);
    assert.ok(stats.evictions >= 150, `evictions: ${stats.evictions}`);
  });

  it('keeps every series when the state is large enough', () => {
    const n = createOtlpMetricsNormaliser({ maxSeries: 100 });
    const seen: number[] = [];
    for (let e = 0; e < 3; e++) {
      const points = Array.from({ length: 40 }, (_, s) => ({
        start: T0 - 60 * MINUTE,
        time: T0 + e * MINUTE,
        value: 60 * e,
        labels: { series: String(s) },
      }));
      seen.push(...rates(run(n, request([counter('c', points)])), 'c'));
    }
    assert.deepEqual(seen, new Array<number>(80).fill(1));
    assert.equal(n.stats().evictions, 0);
  });

  it('shares one state between the two format names', () => {
    const { otlp_json: json, otlp_proto: proto } = createOtlpMetricsNormalisers();
    assert.equal(json.state, proto.state);
    assert.deepEqual([json.format, proto.format], ['otlp_json', 'otlp_proto']);
    run(json, fixture('cumulative-1.json'));
    assertBatches(run(proto, fixture('cumulative-2.pb')), CUMULATIVE_EXPECTED[1]!);
  });
});

describe('OTLP metrics normaliser: delta sums, gauges, histograms', () => {
  it('uses the previous point of a delta series when a point has no start time', () => {
    const n = createOtlpMetricsNormaliser();
    assert.deepEqual(run(n, request([counter('d', [{ time: T0, value: 5 }], 1)])), []);
    assert.deepEqual(
      rates(run(n, request([counter('d', [{ time: T0 + 10_000, value: 5 }], 1)])), 'd'),
      [0.5],
    );
    assert.equal(n.stats().skippedNoInterval, 1);
  });

  it('skips a negative monotonic value', () => {
    const n = createOtlpMetricsNormaliser();
    assert.deepEqual(run(n, request([counter('d', [{ start: T0 - 1000, time: T0, value: -5 }], 1)])), []);
    assert.equal(n.stats().skippedInvalid, 1);
  });

  it('derives percentiles from the interval of a cumulative exponential histogram across a scale change', () => {
    const n = createOtlpMetricsNormaliser();
    const metric = (time: number, scale: number, offset: number, counts: number[]): Json => ({
      name: 'latency',
      unit: 'ms',
      exponentialHistogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            startTimeUnixNano: nanos(T0 - 60 * MINUTE),
            timeUnixNano: nanos(time),
            count: String(counts.reduce((a, b) => a + b, 0)),
            scale,
            positive: { offset, bucketCounts: counts.map(String) },
          },
        ],
      },
    });
    run(n, request([metric(T0, 1, 2, [4, 4])])); // buckets 2 and 3 at scale 1
    // Scale 0 now: buckets 1 (old 2 and 3) and 2 (new): 8 + 2 = 10 and 10 new.
    const batches = run(n, request([metric(T0 + MINUTE, 0, 1, [10, 10])]));
    const p50 = batches[0]!.points.find((p) => p.metric === 'latency.p50')!;
    // The interval holds 2 observations in (2, 4] and 10 in (4, 8]: rank 6 is 4/10 into (4, 8].
    assert.ok(Math.abs(p50.value - 2 ** 2.4) < 1e-9, `p50 ${p50.value}`);
    assert.deepEqual(rates(batches, 'latency.count'), [12 / 60]);
  });

  it('refuses nothing for a metric with no data, but counts it', () => {
    const n = createOtlpMetricsNormaliser();
    assert.deepEqual(run(n, request([{ name: 'empty' }])), []);
    assert.equal(n.stats().skippedEmptyMetric, 1);
  });

  it('splits a batch beyond maxPointsPerBatch, each part with its own id', () => {
    const n = createOtlpMetricsNormaliser({ maxPointsPerBatch: 2 });
    const gauge: Json = {
      name: 'g',
      gauge: {
        dataPoints: numberPoints(
          [1, 2, 3, 4, 5].map((v) => ({ time: T0, value: v, labels: { v: String(v) } })),
        ),
      },
    };
    const batches = run(n, request([gauge]));
    assert.deepEqual(
      batches.map((b) => b.points.map((p) => p.value)),
      [[1, 2], [3, 4], [5]],
    );
    assert.equal(new Set(batches.map((b) => b.id)).size, 3);
  });

  it('merges instances of one service: shared resource attributes, the rest as labels', () => {
    const gauge = (v: number): Json => ({
      name: 'g',
      gauge: { dataPoints: numberPoints([{ time: T0, value: v }]) },
    });
    const body = Buffer.from(
      JSON.stringify({
        resourceMetrics: [1, 2].map((i) => ({
          resource: {
            attributes: attrs({ 'service.name': 'api', 'service.instance.id': `api-${i}`, region: 'eu' }),
          },
          scopeMetrics: [{ metrics: [gauge(i)] }],
        })),
      }),
    );
    assertBatches(run(createOtlpMetricsNormaliser(), body), [
      {
        service: 'api',
        environment: 'production',
        resource: { 'service.name': 'api', region: 'eu' },
        points: [
          point('g', 1, null, { 'service.instance.id': 'api-1' }),
          point('g', 2, null, { 'service.instance.id': 'api-2' }),
        ],
      },
    ]);
  });

  it('keeps attribute keys that name Object.prototype members as labels; `__proto__` is refused at validation, naming it', () => {
    const gauge: Json = {
      name: 'g',
      gauge: {
        dataPoints: numberPoints([{ time: T0, value: 1, labels: { __proto__x: 'a', constructor: 'b' } }]),
      },
    };
    const raw = JSON.parse(request([gauge]).toString('utf8')) as Json;
    const text = JSON.stringify(raw).replace('"__proto__x"', '"__proto__"');
    const [batch] = run(createOtlpMetricsNormaliser(), Buffer.from(text));
    assert.deepEqual(Object.entries(batch!.points[0]!.labels), [
      ['__proto__', 'a'],
      ['constructor', 'b'],
    ]);
    // Decoding (Avro maps, plain objects) would drop `__proto__` silently downstream: refused here.
    assert.throws(() => codec.validate('telemetry', batch), {
      code: 'validate.reserved-key',
      field: 'points[0].labels.__proto__',
    });
    const { __proto__: _dropped, ...kept } = Object.fromEntries(Object.entries(batch!.points[0]!.labels));
    const withoutProto = { ...batch!, points: [{ ...batch!.points[0]!, labels: kept }] };
    assert.deepEqual(codec.validate('telemetry', withoutProto).points[0]!.labels, { constructor: 'b' });
  });
});

describe('OTLP metrics normaliser: service graph', () => {
  it('turns the connector metrics into dependency edges', () => {
    const batches = run(createOtlpMetricsNormaliser(), fixture('all-types.json'));
    assert.deepEqual(serviceGraphEdges(batches), [
      { client: 'checkout', server: 'postgresql', connectionType: 'database', requests: 300, failed: 0 },
      { client: 'frontend', server: 'checkout', connectionType: '', requests: 600, failed: 6 },
    ]);
  });

  it('adds edges up across exports, from the increase of the cumulative counters', () => {
    const n = createOtlpMetricsNormaliser();
    const edge = { client: 'web', server: 'api', connection_type: '' };
    const graph = (time: number, total: number, failed: number): Buffer =>
      request(
        [
          counter('traces_service_graph_request_total', [
            { start: T0 - 60 * MINUTE, time, value: total, labels: edge },
          ]),
          counter('traces_service_graph_request_failed_total', [
            { start: T0 - 60 * MINUTE, time, value: failed, labels: edge },
          ]),
        ],
        {},
      );
    const all = [graph(T0, 1000, 10), graph(T0 + MINUTE, 1300, 10), graph(T0 + 2 * MINUTE, 1500, 25)].flatMap(
      (b) => run(n, b),
    );
    assert.deepEqual(serviceGraphEdges(all), [
      { client: 'web', server: 'api', connectionType: '', requests: 500, failed: 15 },
    ]);
    assert.ok(all.every((b) => b.service === 'web' && b.environment === 'production'));
  });

  it('gives a failure series that first appears its whole count at once', () => {
    const n = createOtlpMetricsNormaliser();
    const edge = { client: 'web', server: 'api' };
    const total = (time: number, value: number): Json =>
      counter('traces_service_graph_request_total', [{ start: T0 - 60 * MINUTE, time, value, labels: edge }]);
    run(n, request([total(T0, 1000)], {}));
    const second = run(
      n,
      request(
        [
          total(T0 + MINUTE, 1100),
          counter('traces_service_graph_request_failed_total', [
            { start: T0 - 60 * MINUTE, time: T0 + MINUTE, value: 7, labels: edge },
          ]),
        ],
        {},
      ),
    );
    assert.deepEqual(serviceGraphEdges(second), [
      { client: 'web', server: 'api', connectionType: '', requests: 100, failed: 7 },
    ]);
  });

  it('counts a new series one export later with detectNewSeries off', () => {
    const n = createOtlpMetricsNormaliser({ detectNewSeries: false });
    const edge = { client: 'web', server: 'api' };
    const failed = (time: number, value: number): Buffer =>
      request(
        [
          counter('traces_service_graph_request_failed_total', [
            { start: T0 - 60 * MINUTE, time, value, labels: edge },
          ]),
        ],
        {},
      );
    run(
      n,
      request([counter('traces_service_graph_request_total', [{ time: T0, value: 1, labels: edge }])], {}),
    );
    assert.deepEqual(run(n, failed(T0 + MINUTE, 7)), []);
    assert.deepEqual(
      rates(run(n, failed(T0 + 2 * MINUTE, 13)), 'traces_service_graph_request_failed_total'),
      [0.1],
    );
  });

  it('routes a point with only a server to the server', () => {
    const batches = run(
      createOtlpMetricsNormaliser(),
      request(
        [
          counter('traces_service_graph_unpaired_spans_total', [
            { start: T0 - 30_000, time: T0, value: 3, labels: { server: 'db' } },
          ]),
        ],
        {},
      ),
    );
    assert.deepEqual(
      batches.map((b) => [b.service, b.points.map((p) => p.value)]),
      [['db', [0.1]]],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Encodings and refusals

describe('OTLP metrics normaliser: encodings', () => {
  it('takes the encoding from content-type, else from the first byte', () => {
    const json = Buffer.from('{}');
    const proto = Buffer.from([0x0a, 0x00]);
    assert.equal(otlpEncodingOf({ body: proto, headers: { 'content-type': 'application/json' } }), 'json');
    assert.equal(
      otlpEncodingOf({ body: json, headers: { 'content-type': 'application/x-protobuf' } }),
      'proto',
    );
    assert.equal(otlpEncodingOf({ body: json, headers: {} }), 'json');
    assert.equal(
      otlpEncodingOf({ body: proto, headers: { 'content-type': 'application/octet-stream' } }),
      'proto',
    );
  });

  it('reads either encoding under either format name', () => {
    const n = createOtlpMetricsNormaliser({ format: 'otlp_json' });
    assert.equal(run(n, fixture('all-types.pb')).length, 2);
    assert.equal(
      run(n, fixture('all-types.json'), { 'content-type': 'application/json; charset=utf-8' }).length,
      2,
    );
  });

  it('refuses JSON sent as protobuf and protobuf sent as JSON', () => {
    const n = createOtlpMetricsNormaliser();
    const asProto = refusal(() =>
      run(n, fixture('all-types.json'), { 'content-type': 'application/x-protobuf' }),
    );
    assert.equal(asProto.code, 'decode.protobuf');
    const asJson = refusal(() => run(n, fixture('all-types.pb'), { 'content-type': 'application/json' }));
    assert.match(asJson.code, /^decode\.(json|utf8)$/);
  });

  it('names summary quantiles by percent', () => {
    assert.deepEqual([0, 0.5, 0.95, 0.99, 0.999, 1].map(quantileSuffix), [
      'p0',
      'p50',
      'p95',
      'p99',
      'p99_9',
      'p100',
    ]);
  });
});

describe('OTLP metrics normaliser: refusals', () => {
  const n = createOtlpMetricsNormaliser();
  const refuse = (body: Buffer | string, headers: Record<string, string> = {}): DecodeError =>
    refusal(() => run(n, typeof body === 'string' ? Buffer.from(body) : body, headers));
  const gauge = (point: Json): Json => ({
    name: 'g',
    gauge: { dataPoints: [{ timeUnixNano: nanos(T0), asDouble: 1, ...point }] },
  });
  const path = 'resourceMetrics[0].scopeMetrics[0].metrics[0]';

  it('refuses a request with no resourceMetrics, in either encoding', () => {
    for (const body of ['{}', '{"resourceMetrics":[]}', '{"resourceMetrics":null}']) {
      const e = refuse(body);
      assert.deepEqual([e.code, e.field], ['otlp.missing-field', 'resourceMetrics'], body);
    }
    const e = refuse(Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    assert.deepEqual([e.code, e.field], ['otlp.missing-field', 'resourceMetrics']);
  });

  it('refuses a resource that names no service', () => {
    const e = refuse(request([gauge({})], { 'host.name': 'h1' }));
    assert.deepEqual([e.code, e.field], ['otlp.missing-service', 'resourceMetrics[0].resource.attributes']);
    const noResource = refuse(
      '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1","asInt":"1"}]}}]}]}]}',
    );
    assert.equal(noResource.code, 'otlp.missing-service');
    // A service-graph point with neither client nor server cannot be placed either.
    const graph = refuse(
      request([counter('traces_service_graph_request_total', [{ time: T0, value: 1 }])], {}),
    );
    assert.equal(graph.code, 'otlp.missing-service');
  });

  it('refuses fields of the wrong type, naming the field', () => {
    const cases: [Buffer | string, string][] = [
      ['{"resourceMetrics":"x"}', 'resourceMetrics'],
      ['{"resourceMetrics":[7]}', 'resourceMetrics[0]'],
      ['[]', '(root)'],
      [request([gauge({ timeUnixNano: true })]), `${path}.gauge.dataPoints[0].timeUnixNano`],
      [request([gauge({ timeUnixNano: '-5' })]), `${path}.gauge.dataPoints[0].timeUnixNano`],
      [
        request([gauge({ timeUnixNano: '99999999999999999999' })]),
        `${path}.gauge.dataPoints[0].timeUnixNano`,
      ],
      [request([gauge({ asDouble: 'abc' })]), `${path}.gauge.dataPoints[0].asDouble`],
      [request([gauge({ asDouble: undefined, asInt: 1.5 })]), `${path}.gauge.dataPoints[0].asInt`],
      [request([gauge({ asInt: '1' })]), `${path}.gauge.dataPoints[0]`],
      [
        request([gauge({ attributes: [{ key: 'k', value: { stringValue: 'a', boolValue: true } }] })]),
        `${path}.gauge.dataPoints[0].attributes[0].value`,
      ],
      [request([gauge({ attributes: {} })]), `${path}.gauge.dataPoints[0].attributes`],
      [
        request([gauge({ attributes: [{ key: 'k', value: { intValue: 'x' } }] })]),
        `${path}.gauge.dataPoints[0].attributes[0].value.intValue`,
      ],
      [request([gauge({ flags: -1 })]), `${path}.gauge.dataPoints[0].flags`],
      [request([{ name: 7, gauge: {} }]), `${path}.name`],
      [request([{ name: ' ', gauge: {} }]), `${path}.name`],
      [request([{ name: 'g', gauge: [] }]), `${path}.gauge`],
      [request([{ name: 'g', gauge: {}, sum: {} }]), path],
      [request([{ name: 's', sum: { dataPoints: [] } }]), `${path}.sum.aggregationTemporality`],
      [
        request([{ name: 's', sum: { aggregationTemporality: 2, isMonotonic: 'yes' } }]),
        `${path}.sum.isMonotonic`,
      ],
      [request([{ name: 's', sum: { aggregationTemporality: 9 } }]), `${path}.sum.aggregationTemporality`],
    ];
    for (const [body, field] of cases) {
      const e = refuse(body, { 'content-type': 'application/json' });
      assert.equal(e.field, field, `${String(body).slice(0, 200)} → ${e.message}`);
      assert.match(e.code, /^otlp\./);
    }
  });

  it('refuses malformed histograms', () => {
    const histogram = (point: Json, kind = 'histogram'): Json => ({
      name: 'h',
      [kind]: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: nanos(T0), ...point }] },
    });
    const cases: [Json, string][] = [
      [
        histogram({ bucketCounts: ['1', '2'], explicitBounds: [1, 2] }),
        `${path}.histogram.dataPoints[0].bucketCounts`,
      ],
      [
        histogram({ bucketCounts: ['1', '2', '3'], explicitBounds: [2, 1] }),
        `${path}.histogram.dataPoints[0].explicitBounds[1]`,
      ],
      [histogram({ scale: 21 }, 'exponentialHistogram'), `${path}.exponentialHistogram.dataPoints[0].scale`],
      [
        histogram({ positive: { offset: 0, bucketCounts: ['-1'] } }, 'exponentialHistogram'),
        `${path}.exponentialHistogram.dataPoints[0].positive.bucketCounts[0]`,
      ],
    ];
    for (const [metric, field] of cases) assert.equal(refuse(request([metric])).field, field);
  });

  it('refuses a point with no timestamp as OTLP asks', () => {
    const e = refuse(request([{ name: 'g', gauge: { dataPoints: [{ asDouble: 1 }] } }]));
    assert.deepEqual([e.code, e.field], ['validate.timestamp', `${path}.gauge.dataPoints[0].timeUnixNano`]);
  });

  it('refuses bodies that are neither JSON nor protobuf', () => {
    assert.equal(refuse('{"resourceMetrics": [').code, 'decode.json');
    assert.equal(refuse(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])).code, 'decode.protobuf');
  });

  it('leaves the cumulative state as it was when it refuses a request', () => {
    const m = createOtlpMetricsNormaliser();
    run(m, request([counter('a', [{ time: T0, value: 10 }])]));
    const bad = JSON.parse(request([counter('a', [{ time: T0 + MINUTE, value: 70 }])]).toString('utf8')) as {
      resourceMetrics: Json[];
    };
    bad.resourceMetrics.push({ resource: {}, scopeMetrics: [{ metrics: [{ name: 'g', gauge: {} }] }] });
    bad.resourceMetrics.push({
      resource: {},
      scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ timeUnixNano: '1' }] } }] }],
    });
    refusal(() => run(m, Buffer.from(JSON.stringify(bad))));
    assert.deepEqual(rates(run(m, request([counter('a', [{ time: T0 + MINUTE, value: 70 }])])), 'a'), [1]);
  });

  it('accepts the options it documents', () => {
    const options: OtlpMetricsNormaliserOptions = {
      format: 'otlp_json',
      maxSeries: 5,
      firstPointMaxAgeMs: 0,
      maxPointsPerBatch: 1,
    };
    const m = createOtlpMetricsNormaliser(options);
    assert.equal(m.format, 'otlp_json');
    assert.equal(m.state.maxSeries, 5);
  });
});
