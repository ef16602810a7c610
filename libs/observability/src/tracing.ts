// Trace export over OTLP/HTTP, off by default: on only when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (the exporter reads those, and the headers and
// timeout variables, itself). OTEL_TRACES_EXPORTER=none turns it off again, as in other SDKs.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { installTraceContextPropagation } from './trace-context.js';

export interface TraceExport {
  /** Sends the spans still buffered; then stops. */
  shutdown(): Promise<void>;
}

export function traceExportConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_TRACES_EXPORTER?.trim() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

let started: TraceExport | undefined;

/**
 * Installs a tracer provider exporting over OTLP when configured (once per process: the
 * all-in-one's apps share it); undefined when not configured.
 */
export function startTraceExport(
  service: { readonly name: string; readonly version: string },
  env: NodeJS.ProcessEnv = process.env,
): TraceExport | undefined {
  if (!traceExportConfigured(env)) return undefined;
  if (started) return started;
  installTraceContextPropagation();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || `aftershock-${service.name}`,
      [ATTR_SERVICE_VERSION]: service.version,
    }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  trace.setGlobalTracerProvider(provider);
  started = { shutdown: () => provider.shutdown() };
  return started;
}
