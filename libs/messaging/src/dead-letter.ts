// Writes the dead-letter record (#contracts' DeadLetterRecord: everything needed to understand
// and replay a rejected message); the message headers repeat the essentials so tools can filter
// without parsing the value.
import type { DeadLetterRecord } from '#contracts';
import { isCredentialName } from '#observability';
import type { Headers, InboundMessage, OutboundMessage, Rejection } from './port.js';

export type { DeadLetterRecord };

export const DEFAULT_DEAD_LETTER_TOPIC = 'aftershock.dlq.v1';

export const DLQ_HEADER = {
  reason: 'x-aftershock-dlq-reason',
  code: 'x-aftershock-dlq-code',
  topic: 'x-aftershock-dlq-topic',
  partition: 'x-aftershock-dlq-partition',
  offset: 'x-aftershock-dlq-offset',
  group: 'x-aftershock-dlq-group',
} as const;

/** Trace headers are not copied: the dead-letter record joins the trace of the consumer that rejected it. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

/** Headers that carry a credential, which a dead-letter record must never keep. */
export const isCredentialHeader = isCredentialName;

export function toDeadLetterRecord(
  rejection: Rejection,
  groupId: string,
  now = new Date(),
): DeadLetterRecord {
  const { message } = rejection;
  return {
    reason: rejection.reason,
    code: rejection.code,
    groupId,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key?.toString('base64') ?? null,
    value: message.value?.toString('base64') ?? null,
    headers: Object.fromEntries(
      presentHeaders(message.headers).map(([name, value]) => [name, toBytes(value).toString('base64')]),
    ),
    deadLetteredAt: now.toISOString(),
  };
}

export function toDeadLetterMessage(rejection: Rejection, groupId: string): OutboundMessage {
  const { message } = rejection;
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of presentHeaders(message.headers)) {
    if (!TRACE_HEADERS.has(name)) headers[name] = value;
  }
  headers[DLQ_HEADER.reason] = rejection.reason;
  headers[DLQ_HEADER.code] = rejection.code;
  headers[DLQ_HEADER.topic] = message.topic;
  headers[DLQ_HEADER.partition] = String(message.partition);
  headers[DLQ_HEADER.offset] = message.offset;
  headers[DLQ_HEADER.group] = groupId;
  return { key: message.key, value: JSON.stringify(toDeadLetterRecord(rejection, groupId)), headers };
}

/** Reads a dead-letter record back, e.g. for a replay tool or a test. */
export function parseDeadLetter(message: InboundMessage): DeadLetterRecord {
  if (!message.value)
    throw new Error(`dead-letter record at ${message.topic}/${message.partition}@${message.offset} is empty`);
  return JSON.parse(message.value.toString('utf8')) as DeadLetterRecord;
}

/** The headers worth keeping: present, and not a credential. */
function presentHeaders(headers: Headers): [string, Buffer | string][] {
  return Object.entries(headers).filter(
    (entry): entry is [string, Buffer | string] => entry[1] !== undefined && !isCredentialHeader(entry[0]),
  );
}

function toBytes(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
