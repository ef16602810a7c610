// The embedded durable log: every partition and every group's committed offsets in one SQLite
// database (WAL mode) in the data directory. Appends go to the writer thread (log-writer.ts) and
// resolve once their transaction is committed under the sync policy; reads run here, on a
// read-only connection, straight from disk pages, so the heap holds only the batches in flight.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { Logger } from '#observability';
import type { Headers, InboundMessage } from '../port.js';
import type { Appended, LogStore, StoredPartition, TopicLayout } from '../local/log-store.js';
import type {
  GroupOffsetRow,
  LogSync,
  LogWriterSettings,
  MessageRow,
  PartitionRow,
  WriterReply,
  WriterRequest,
} from './log-protocol.js';

export interface SqliteLogOptions {
  /** Directory of the database (created when missing). */
  readonly dir: string;
  readonly sync: LogSync;
  readonly retentionBytes: number;
  readonly retentionCheckMs?: number;
  readonly logger: Logger;
}

export const LOG_FILE = 'log.sqlite';

interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class SqliteLogStore implements LogStore {
  private readonly worker: Worker;
  private readonly opened: Promise<void>;
  private reader: DatabaseSync | undefined;
  private readStatement: StatementSync | undefined;
  private seekStatement: StatementSync | undefined;
  private readonly byTopic = new Map<string, SqlitePartition[]>();
  private readonly byId = new Map<number, SqlitePartition>();
  private nextId = 1;
  private readonly offsets = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private commits: GroupOffsetRow[] = [];
  private broken: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly path: string;

  constructor(private readonly options: SqliteLogOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.path = join(options.dir, LOG_FILE);
    const settings: LogWriterSettings = {
      path: this.path,
      sync: options.sync,
      retentionBytes: options.retentionBytes,
      retentionCheckMs: options.retentionCheckMs ?? 10_000,
    };
    this.worker = new Worker(new URL('./log-writer.js', import.meta.url), { workerData: settings });
    const ready = Promise.withResolvers<void>();
    this.opened = ready.promise;
    this.worker.on('message', (reply: WriterReply) => {
      if (reply.type === 'ready') {
        this.load(reply);
        ready.resolve();
        this.keepAlive();
      } else this.onReply(reply);
    });
    const fail = (error: Error) => {
      this.broken ??= error;
      ready.reject(error);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => {
      options.logger.error('the embedded log writer failed', { error });
      fail(error);
    });
    this.worker.on('exit', (code) => fail(new Error(`the embedded log writer exited (code ${code})`)));
  }

  open(): Promise<void> {
    return this.opened;
  }

  partitions(topic: string, layout: TopicLayout): readonly StoredPartition[] {
    this.assertOpen();
    let logs = this.byTopic.get(topic);
    if (!logs) {
      const rows: PartitionRow[] = Array.from({ length: layout.partitions }, (_, partition) => ({
        id: this.nextId++,
        topic,
        partition,
        retentionMs: layout.retentionMs,
        startOffset: 0,
        nextOffset: 0,
      }));
      this.post({ type: 'topic', partitions: rows });
      logs = rows.map((row) => this.track(row));
      this.byTopic.set(topic, logs);
    }
    return logs;
  }

  append(topic: string, messages: readonly Appended[]): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const logs = this.byTopic.get(topic)!;
    const rows: MessageRow[] = messages.map(({ partition, message }) => ({
      pid: logs[partition]!.id,
      ts: message.timestamp,
      key: message.key,
      value: message.value,
      headers: encodeHeaders(message.headers),
    }));
    const seq = ++this.seq;
    const done = Promise.withResolvers<void>();
    this.pending.set(seq, done);
    this.keepAlive();
    this.post({ type: 'append', seq, rows });
    return done.promise;
  }

  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    const log = this.byTopic.get(topic)?.[partition];
    return log ? this.offsets.get(offsetKey(groupId, log.id)) : undefined;
  }

  commit(groupId: string, topic: string, partition: number, next: number): void {
    const log = this.byTopic.get(topic)![partition]!;
    this.offsets.set(offsetKey(groupId, log.id), next);
    // Written with the next group commit; a commit lost to a crash only means a redelivery.
    if (this.commits.length === 0) setImmediate(() => this.flushCommits());
    this.commits.push({ groupId, pid: log.id, next });
  }

  isHealthy(): boolean {
    return !this.broken && !this.closing;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** For reads by partition: the reader connection, opened once the writer has set the file up. */
  readRows(pid: number, from: number, end: number, maxMessages: number): Iterable<StoredRow> {
    return this.readStatement!.iterate(pid, from, end, maxMessages) as Iterable<StoredRow>;
  }

  /** The first retained message at or after `offset`: its offset and stamp. */
  seek(pid: number, offset: number): { offset: number; ts: number } | undefined {
    return this.seekStatement!.get(pid, offset) as { offset: number; ts: number } | undefined;
  }

  private load(reply: Extract<WriterReply, { type: 'ready' }>): void {
    this.reader = new DatabaseSync(this.path, { readOnly: true });
    this.reader.exec('PRAGMA busy_timeout = 5000');
    this.readStatement = this.reader.prepare(
      `SELECT offset, ts, key, value, headers FROM messages
       WHERE pid = ? AND offset >= ? AND offset < ? ORDER BY offset LIMIT ?`,
    );
    this.seekStatement = this.reader.prepare(
      'SELECT offset, ts FROM messages WHERE pid = ? AND offset >= ? ORDER BY offset LIMIT 1',
    );
    for (const row of reply.partitions) {
      const log = this.track(row);
      const logs = this.byTopic.get(row.topic) ?? [];
      logs[row.partition] = log;
      this.byTopic.set(row.topic, logs);
      this.nextId = Math.max(this.nextId, row.id + 1);
    }
    for (const o of reply.offsets) this.offsets.set(offsetKey(o.groupId, o.pid), o.next);
    this.options.logger.info('embedded log opened', {
      path: this.path,
      sync: this.options.sync,
      topics: this.byTopic.size,
      messages: reply.partitions.reduce((n, p) => n + p.nextOffset - p.startOffset, 0),
    });
  }

  private track(row: PartitionRow): SqlitePartition {
    const log = new SqlitePartition(this, row);
    this.byId.set(row.id, log);
    return log;
  }

  private onReply(reply: WriterReply): void {
    switch (reply.type) {
      case 'appended':
        for (const [pid, end] of reply.ends) this.byId.get(pid)?.appended(end);
        for (const seq of reply.seqs) this.settle(seq);
        for (const [pid] of reply.ends) this.byId.get(pid)?.notify();
        break;
      case 'failed':
        for (const seq of reply.seqs)
          this.settle(seq, new Error(`the embedded log refused the append: ${reply.error}`));
        break;
      case 'trimmed':
        for (const [pid, start] of reply.starts) this.byId.get(pid)?.trimmed(start);
        break;
      case 'closed':
        this.settle(reply.seq);
        break;
    }
  }

  private settle(seq: number, error?: Error): void {
    const pending = this.pending.get(seq);
    this.pending.delete(seq);
    this.keepAlive();
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  private flushCommits(): void {
    if (this.commits.length === 0 || this.broken) return;
    const offsets = this.commits;
    this.commits = [];
    this.post({ type: 'commit', offsets });
  }

  private post(request: WriterRequest): void {
    this.worker.postMessage(request);
  }

  /** The writer keeps the process alive only while something waits for it (a bus left open does not hang an exit). */
  private keepAlive(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private async shutdown(): Promise<void> {
    if (!this.broken) {
      this.flushCommits();
      const seq = ++this.seq;
      const closed = Promise.withResolvers<void>();
      this.pending.set(seq, closed);
      this.keepAlive();
      this.post({ type: 'close', seq });
      await closed.promise.catch((error: unknown) =>
        this.options.logger.error('closing the embedded log failed', { error }),
      );
    }
    this.reader?.close();
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private assertOpen(): void {
    if (!this.reader) throw new Error('the embedded log is not open yet (connect first)');
  }
}

const offsetKey = (groupId: string, pid: number) => `${groupId}\0${pid}`;

interface StoredRow {
  readonly offset: number;
  readonly ts: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: Uint8Array | null;
}

class SqlitePartition implements StoredPartition {
  readonly id: number;
  readonly topic: string;
  readonly partition: number;
  private start: number;
  private end: number;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: SqliteLogStore,
    row: PartitionRow,
  ) {
    this.id = row.id;
    this.topic = row.topic;
    this.partition = row.partition;
    this.start = row.startOffset;
    this.end = row.nextOffset;
  }

  get startOffset(): number {
    return this.start;
  }

  get endOffset(): number {
    return this.end;
  }

  appended(end: number): void {
    this.end = Math.max(this.end, end);
  }

  trimmed(start: number): void {
    this.start = Math.max(this.start, start);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  read(offset: number, maxMessages: number, maxBytes: number): InboundMessage[] {
    const out: InboundMessage[] = [];
    let bytes = 0;
    for (const row of this.store.readRows(this.id, Math.max(offset, this.start), this.end, maxMessages)) {
      const key = toBuffer(row.key);
      const value = toBuffer(row.value);
      bytes += (key?.length ?? 0) + (value?.length ?? 0) + (row.headers?.length ?? 0);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push({
        topic: this.topic,
        partition: this.partition,
        offset: String(row.offset),
        key,
        value,
        headers: decodeHeaders(row.headers),
        timestamp: row.ts,
      });
    }
    return out;
  }

  /** Stamps only grow within a partition (the writer sees to it): a binary search over offsets. */
  offsetAt(timestamp: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const found = this.store.seek(this.id, mid);
      if (!found || found.offset >= hi) {
        hi = mid;
      } else if (found.ts < timestamp) {
        lo = found.offset + 1;
      } else {
        hi = found.offset;
      }
    }
    return lo;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function toBuffer(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Headers as JSON, each value in base64 (header values are bytes). */
function encodeHeaders(headers: Headers): Uint8Array | null {
  const entries = Object.entries(headers).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return null;
  return Buffer.from(
    JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [k, Buffer.from(v!).toString('base64')]))),
  );
}

function decodeHeaders(bytes: Uint8Array | null): Headers {
  if (bytes === null) return {};
  const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}
