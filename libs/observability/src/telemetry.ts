// Aftershock's own spans and metrics. Metrics go to the SDK's Prometheus reader (metrics-sdk);
// spans are recorded and exported only when OTLP export is configured (tracing.ts), and cost
// next to nothing otherwise.
import { trace, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { meterProvider } from './metrics-sdk.js';

export const tracer = trace.getTracer('aftershock');
export const meter = meterProvider.getMeter('aftershock');

/** Runs `work` in a span that records errors and always ends. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent?: Context,
): Promise<T> {
  const run = (span: Span) =>
    work(span).then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
        span.end();
        throw error;
      },
    );
  return parent
    ? tracer.startActiveSpan(name, { attributes }, parent, run)
    : tracer.startActiveSpan(name, { attributes }, run);
}
