// What the bus (main thread) and its log writer (worker thread) say to each other, and the
// schema they share. The writer is the only connection that writes; the bus reads through its
// own connection (WAL mode lets readers run beside the writer).

/** `full`: every commit fsyncs the WAL (survives power loss); `normal`: commits reach the OS (survive a killed process). */
export type LogSync = 'full' | 'normal';

export interface LogWriterSettings {
  readonly path: string;
  readonly sync: LogSync;
  /** Per partition: the oldest messages go once a partition holds more than this. */
  readonly retentionBytes: number;
  /** How often retention runs. */
  readonly retentionCheckMs: number;
}

export interface PartitionRow {
  readonly id: number;
  readonly topic: string;
  readonly partition: number;
  readonly retentionMs: number;
  readonly startOffset: number;
  readonly nextOffset: number;
}

export interface GroupOffsetRow {
  readonly groupId: string;
  readonly pid: number;
  readonly next: number;
}

export interface MessageRow {
  readonly pid: number;
  readonly ts: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: Uint8Array | null;
}

export type WriterRequest =
  | { readonly type: 'topic'; readonly partitions: readonly PartitionRow[] }
  | { readonly type: 'append'; readonly seq: number; readonly rows: readonly MessageRow[] }
  | { readonly type: 'commit'; readonly offsets: readonly GroupOffsetRow[] }
  | { readonly type: 'close'; readonly seq: number };

export type WriterReply =
  | {
      readonly type: 'ready';
      readonly partitions: readonly PartitionRow[];
      readonly offsets: readonly GroupOffsetRow[];
    }
  /** The appends `seqs` are durable; `ends` is each touched partition's new end offset. */
  | {
      readonly type: 'appended';
      readonly seqs: readonly number[];
      readonly ends: readonly [number, number][];
    }
  | { readonly type: 'failed'; readonly seqs: readonly number[]; readonly error: string }
  /** Retention removed messages: each trimmed partition's new start offset. */
  | { readonly type: 'trimmed'; readonly starts: readonly [number, number][] }
  | { readonly type: 'closed'; readonly seq: number };

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS partitions (
  id           INTEGER PRIMARY KEY,
  topic        TEXT    NOT NULL,
  partition    INTEGER NOT NULL,
  retention_ms INTEGER NOT NULL,
  start_offset INTEGER NOT NULL,
  next_offset  INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  UNIQUE (topic, partition)
);
CREATE TABLE IF NOT EXISTS messages (
  pid     INTEGER NOT NULL,
  offset  INTEGER NOT NULL,
  ts      INTEGER NOT NULL,
  size    INTEGER NOT NULL,
  key     BLOB,
  value   BLOB,
  headers BLOB,
  PRIMARY KEY (pid, offset)
);
CREATE TABLE IF NOT EXISTS group_offsets (
  group_id    TEXT    NOT NULL,
  pid         INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (group_id, pid)
) WITHOUT ROWID;
`;
