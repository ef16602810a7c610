// The dead-letter record: what every Aftershock consumer and the HTTP ingest write to the
// dead-letter topic for input they refuse (libs/messaging writes it, the recorder stores it),
// as self-contained JSON so nothing is lost to decoding — original key, value and header bytes
// in base64 — and a person can read it with any Kafka tool. The one shape both sides share.
// (The Avro `DeadLetter` event in schemas/ is the form an outside producer may send instead.)

export interface DeadLetterRecord {
  readonly reason: string;
  readonly code: string;
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  /** Base64 of the original key and value bytes; null when absent. */
  readonly key: string | null;
  readonly value: string | null;
  /** Original headers, each value as base64 bytes. */
  readonly headers: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly deadLetteredAt: string;
}

/** Whether parsed JSON is a dead-letter record. */
export function isDeadLetterRecord(value: unknown): value is DeadLetterRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.reason === 'string' &&
    typeof v.code === 'string' &&
    typeof v.groupId === 'string' &&
    typeof v.topic === 'string' &&
    typeof v.partition === 'number' &&
    typeof v.offset === 'string' &&
    typeof v.deadLetteredAt === 'string' &&
    (v.value === null || typeof v.value === 'string')
  );
}
