// Aftershock's own spans and metrics, through @opentelemetry/api only: any OpenTelemetry SDK
// the operator installs picks them up; without one they cost next to nothing.
import { metrics, trace, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';

export const tracer = trace.getTracer('aftershock');
export const meter = metrics.getMeter('aftershock');

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
