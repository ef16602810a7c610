// Dead letters → `dead_letters` rows (0001 + 0005). What arrives on the dead-letter topic:
// - the dead-letter record every Aftershock consumer and the HTTP ingest write (#contracts'
//   DeadLetterRecord, JSON): original key, value and header bytes in base64;
// - a canonical DeadLetter event (schemas/dead-letter), from producers that write that schema;
// - anything else: kept as it arrived (bytes in base64) with the reason it could not be read,
//   because the dead-letter topic has no dead-letter topic of its own.
// `value` and `key` are stored base64-encoded, so any payload survives; header values as text.
import { createHash } from 'node:crypto';
import type { DeadLetter, DeadLetterRecord } from '#contracts';
import { dbInt, dbTime, dbTimeOrNull } from './db-values.js';

/** A message of the dead-letter topic that is neither of the known forms. */
export interface RawDeadLetterMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string | undefined>>;
}

interface DeadLetterColumns<Time, Int64> {
  readonly id: string;
  /** When it was refused (dead-lettered). */
  readonly received_at: Time;
  /** Original topic, or the HTTP endpoint. */
  readonly source: string;
  /** The consumer group or app that refused it. */
  readonly app: string;
  readonly partition: number;
  readonly offset: Int64;
  readonly code: string;
  readonly reason: string;
  /** Base64; '' when absent. */
  readonly key: string;
  /** Base64; '' when absent. */
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The original message's timestamp, when known. */
  readonly message_at: Time | null;
}

export type DeadLetterRow = DeadLetterColumns<number, string>;
export type StoredDeadLetterRow = DeadLetterColumns<string, string>;

/** Code of a dead-letter-topic message the recorder could not read (kept raw). */
export const UNREADABLE_DEAD_LETTER = 'recorder.unreadable-dead-letter';

export function deadLetterRowFromRecord(record: DeadLetterRecord): DeadLetterRow {
  const refusedAt = Date.parse(record.deadLetteredAt);
  return {
    id: deadLetterId(record.topic, record.partition, record.offset, record.value, record.code),
    received_at: Number.isFinite(refusedAt) ? refusedAt : record.timestamp,
    source: record.topic,
    app: record.groupId,
    partition: record.partition,
    offset: record.offset,
    code: record.code,
    reason: record.reason,
    key: record.key ?? '',
    value: record.value ?? '',
    headers: Object.fromEntries(
      Object.entries(record.headers).map(([name, base64]) => [
        name,
        headerText(Buffer.from(base64, 'base64')),
      ]),
    ),
    message_at: record.timestamp > 0 ? record.timestamp : null,
  };
}

export function deadLetterRowFromEvent(event: DeadLetter): DeadLetterRow {
  return {
    id: event.id,
    received_at: event.receivedAt,
    source: event.source,
    app: event.app ?? '',
    partition: event.partition ?? -1,
    offset: event.offset ?? '-1',
    code: event.code,
    reason: event.reason,
    key: event.key?.toString('base64') ?? '',
    value: event.value?.toString('base64') ?? '',
    headers: event.headers,
    message_at: null,
  };
}

export function deadLetterRowFromRaw(message: RawDeadLetterMessage, reason: string): DeadLetterRow {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : headerText(value);
  }
  return {
    id: `${message.topic}/${message.partition}/${message.offset}`,
    received_at: message.timestamp,
    source: message.topic,
    app: '',
    partition: message.partition,
    offset: message.offset,
    code: UNREADABLE_DEAD_LETTER,
    reason,
    key: message.key?.toString('base64') ?? '',
    value: message.value?.toString('base64') ?? '',
    headers,
    message_at: message.timestamp,
  };
}

/** A stored dead letter, in the canonical shape plus when the original message was produced. */
export interface StoredDeadLetter extends DeadLetter {
  readonly messageAt: number | null;
}

export function fromDeadLetterRow(row: StoredDeadLetterRow): StoredDeadLetter {
  const partition = row.partition;
  const offset = dbInt(row.offset);
  return {
    id: row.id,
    receivedAt: dbTime(row.received_at),
    source: row.source,
    partition: partition < 0 ? null : partition,
    offset: offset < 0 ? null : String(row.offset),
    code: row.code,
    reason: row.reason,
    key: row.key === '' ? null : Buffer.from(row.key, 'base64'),
    value: row.value === '' ? null : Buffer.from(row.value, 'base64'),
    headers: { ...row.headers },
    app: row.app === '' ? null : row.app,
    messageAt: dbTimeOrNull(row.message_at),
  };
}

/** Topic input: `topic/partition/offset`. HTTP input (no offset): a hash of what was refused. */
function deadLetterId(
  topic: string,
  partition: number,
  offset: string,
  value: string | null,
  code: string,
): string {
  if (partition >= 0) return `${topic}/${partition}/${offset}`;
  const hash = createHash('sha256')
    .update(`${topic}\n${code}\n${value ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  return `${topic}/${hash}`;
}

/** Header bytes as text when they are UTF-8 (they nearly always are), else `base64:…`. */
function headerText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : `base64:${bytes.toString('base64')}`;
}
