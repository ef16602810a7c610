// Conversions between kafkajs's message shapes and the port's.
import type { KafkaMessage, Message } from 'kafkajs';
import type { Headers, InboundMessage, OutboundMessage } from '../port.js';
import { outgoingHeaders } from '../trace-headers.js';

export function toInbound(topic: string, partition: number, message: KafkaMessage): InboundMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: toHeaders(message.headers),
    timestamp: Number(message.timestamp),
  };
}

export function toKafkaMessage(message: OutboundMessage): Message {
  return {
    key: message.key ?? null,
    value: message.value,
    headers: outgoingHeaders(message),
    partition: message.partition,
  };
}

/** Shared by every message without headers: this runs per message on the hot path. */
const NO_HEADERS: Headers = Object.freeze({});

/** A header repeated under one name keeps its last value, as Java's `lastHeader` reads it. */
function toHeaders(headers: KafkaMessage['headers']): Headers {
  let out: Record<string, Buffer | string | undefined> | undefined;
  for (const name in headers) {
    const value = headers[name];
    out ??= {};
    out[name] = Array.isArray(value) ? value.at(-1) : value;
  }
  return out ?? NO_HEADERS;
}
