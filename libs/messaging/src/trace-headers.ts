// Outgoing headers with the W3C trace context of the active span, shared by both adapters.
// A traceparent the caller set explicitly wins: it is forwarding someone else's trace.
import { injectTraceHeaders } from '#observability';
import type { OutboundMessage } from './port.js';

export function outgoingHeaders(message: OutboundMessage): Record<string, string | Buffer> {
  const headers = { ...message.headers };
  return headers.traceparent === undefined ? injectTraceHeaders(headers) : headers;
}
