// The OpenTelemetry metrics SDK, installed when this module loads, so every instrument any
// module creates (at its own load) records for real: @opentelemetry/api's meters, unlike its
// tracers, are no-ops forever when created before a provider exists. One provider per process
// (the all-in-one process shares it between its apps); Prometheus pulls it from GET /metrics
// on each app's HTTP port (libs/platform serves the handler below).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

const prometheus = new PrometheusExporter({ preventServerStart: true });

export const meterProvider = new MeterProvider({
  resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME ?? 'aftershock' }),
  readers: [prometheus],
});
metrics.setGlobalMeterProvider(meterProvider);

/** Serves the current metrics in the Prometheus text format. */
export function serveMetrics(request: IncomingMessage, response: ServerResponse): void {
  prometheus.getMetricsRequestHandler(request, response);
}

/** Bucket boundaries for durations in seconds (OpenTelemetry's HTTP semantic conventions). */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Bucket boundaries for counts of messages or rows in one batch. */
export const COUNT_BUCKETS = [1, 10, 100, 500, 1_000, 5_000, 10_000, 50_000, 100_000];
