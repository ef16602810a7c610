// W3C trace context (traceparent/tracestate) carried in Kafka headers. @opentelemetry/api
// alone ships a no-op propagator, so we register this one unless the host app installed an
// SDK propagator of its own; with no SDK, spans are non-recording but context still flows.
import {
  context,
  propagation,
  trace,
  TraceFlags,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { installAsyncContext } from './async-context.js';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export class W3CTraceContextPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(ctx);
    if (!span || !trace.isSpanContextValid(span)) return;
    const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
    setter.set(carrier, TRACEPARENT, `00-${span.traceId}-${span.spanId}-${flags}`);
    const state = span.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = first(getter.get(carrier, TRACEPARENT));
    const match = header ? PATTERN.exec(header.trim()) : null;
    if (!match) return ctx;
    const [, traceId, spanId, flags] = match;
    return trace.setSpanContext(ctx, {
      traceId: traceId!,
      spanId: spanId!,
      traceFlags: parseInt(flags!, 16),
      isRemote: true,
    });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

let installed = false;
/** Installs the W3C propagator globally once (a no-op when an SDK already set one). */
export function installTraceContextPropagation(): void {
  if (installed) return;
  installed = true;
  installAsyncContext();
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

type HeaderBag = Record<string, Buffer | string | undefined>;

const headerGetter: TextMapGetter<HeaderBag> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return value === undefined ? undefined : value.toString();
  },
};
const headerSetter: TextMapSetter<Record<string, string | Buffer>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Adds traceparent/tracestate of the active (or given) context to outgoing Kafka headers. */
export function injectTraceHeaders(
  headers: Record<string, string | Buffer> = {},
  ctx: Context = context.active(),
): Record<string, string | Buffer> {
  installTraceContextPropagation();
  propagation.inject(ctx, headers, headerSetter);
  return headers;
}

/** The context a message's producer was in, for parenting the consumer's span. */
export function extractTraceContext(headers: HeaderBag, ctx: Context = context.active()): Context {
  installTraceContextPropagation();
  return propagation.extract(ctx, headers, headerGetter);
}
