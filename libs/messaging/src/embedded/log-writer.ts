// The embedded log's only writer, on a worker thread so that fsync never blocks the event loop.
// Requests that arrive while a transaction commits queue up and go into the next one together
// (group commit): one fsync covers every append of that turn, and each append is acknowledged
// only after the commit that holds it. Offsets are assigned here and never restart: each
// partition's next offset is stored with it, also once retention has removed every message.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { KEPT_WHOLE } from '../local/log-store.js';
import {
  SCHEMA,
  type GroupOffsetRow,
  type LogWriterSettings,
  type PartitionRow,
  type WriterReply,
  type WriterRequest,
} from './log-protocol.js';

/** Free pages returned to the file system per retention pass at most. */
const VACUUM_PAGES = 4096;

interface PartitionState {
  readonly id: number;
  readonly retentionMs: number;
  start: number;
  next: number;
  bytes: number;
  lastTs: number;
}

class LogWriter {
  private readonly db: DatabaseSync;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly queue: WriterRequest[] = [];
  private scheduled = false;
  private lastRetention = 0;
  private readonly insertMessage: StatementSync;
  private readonly upsertPartition: StatementSync;
  private readonly upsertOffset: StatementSync;

  constructor(
    private readonly settings: LogWriterSettings,
    private readonly reply: (message: WriterReply) => void,
  ) {
    this.db = new DatabaseSync(settings.path);
    // auto_vacuum must be chosen before the first table exists; WAL lets the bus read meanwhile.
    this.db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec(`PRAGMA synchronous = ${settings.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec('PRAGMA journal_size_limit = 67108864');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insertMessage = this.db.prepare(
      'INSERT INTO messages (pid, offset, ts, size, key, value, headers) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertPartition = this.db.prepare(
      `INSERT INTO partitions (id, topic, partition, retention_ms, start_offset, next_offset, bytes)
       VALUES (?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT (id) DO UPDATE SET start_offset = excluded.start_offset, next_offset = excluded.next_offset`,
    );
    this.upsertOffset = this.db.prepare(
      `INSERT INTO group_offsets (group_id, pid, next_offset, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_id, pid) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at`,
    );
  }

  start(): void {
    const rows = this.db
      .prepare(
        `SELECT p.id, p.topic, p.partition, p.retention_ms, p.start_offset, p.next_offset, p.bytes,
                (SELECT max(ts) FROM messages m WHERE m.pid = p.id AND m.offset = p.next_offset - 1) AS last_ts
         FROM partitions p`,
      )
      .all() as {
      id: number;
      topic: string;
      partition: number;
      retention_ms: number;
      start_offset: number;
      next_offset: number;
      bytes: number;
      last_ts: number | null;
    }[];
    const partitions: PartitionRow[] = [];
    for (const row of rows) {
      this.partitions.set(row.id, {
        id: row.id,
        retentionMs: row.retention_ms,
        start: row.start_offset,
        next: row.next_offset,
        bytes: row.bytes,
        lastTs: row.last_ts ?? 0,
      });
      partitions.push({
        id: row.id,
        topic: row.topic,
        partition: row.partition,
        retentionMs: row.retention_ms,
        startOffset: row.start_offset,
        nextOffset: row.next_offset,
      });
    }
    const offsets = (
      this.db.prepare('SELECT group_id, pid, next_offset FROM group_offsets').all() as {
        group_id: string;
        pid: number;
        next_offset: number;
      }[]
    ).map((r): GroupOffsetRow => ({ groupId: r.group_id, pid: r.pid, next: r.next_offset }));
    this.reply({ type: 'ready', partitions, offsets });
  }

  enqueue(request: WriterRequest): void {
    this.queue.push(request);
    if (this.scheduled) return;
    this.scheduled = true;
    // Everything that arrived in this turn goes into one transaction.
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const requests = this.queue.splice(0);
    const appended: number[] = [];
    const touched = new Map<number, PartitionState>();
    const before = new Map<number, { next: number; bytes: number; lastTs: number }>();
    const created: number[] = [];
    let closing: number | undefined;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const request of requests) {
        switch (request.type) {
          case 'topic':
            for (const p of request.partitions) if (this.createPartition(p)) created.push(p.id);
            break;
          case 'append':
            for (const row of request.rows) {
              const state = this.partitions.get(row.pid)!;
              if (!before.has(state.id))
                before.set(state.id, { next: state.next, bytes: state.bytes, lastTs: state.lastTs });
              // Stamps never go back within a partition, as on a broker: reads by time rely on it.
              state.lastTs = Math.max(state.lastTs, row.ts);
              const size = (row.key?.length ?? 0) + (row.value?.length ?? 0) + (row.headers?.length ?? 0);
              this.insertMessage.run(
                row.pid,
                state.next,
                state.lastTs,
                size,
                row.key,
                row.value,
                row.headers,
              );
              state.next++;
              state.bytes += size;
              touched.set(state.id, state);
            }
            appended.push(request.seq);
            break;
          case 'commit': {
            const now = Date.now();
            for (const o of request.offsets) this.upsertOffset.run(o.groupId, o.pid, o.next, now);
            break;
          }
          case 'close':
            closing = request.seq;
            break;
        }
      }
      const save = this.db.prepare('UPDATE partitions SET next_offset = ?, bytes = ? WHERE id = ?');
      for (const state of touched.values()) save.run(state.next, state.bytes, state.id);
      this.db.exec('COMMIT');
    } catch (error) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // nothing was begun
      }
      for (const [id, was] of before) Object.assign(this.partitions.get(id)!, was);
      // New topics must exist whatever else failed: try them again with the next requests.
      const topics = requests.filter((r) => r.type === 'topic');
      for (const id of created) this.partitions.delete(id);
      if (topics.length > 0) for (const r of topics) this.enqueue(r);
      this.reply({ type: 'failed', seqs: appended, error: (error as Error).message });
      if (closing !== undefined) this.close(closing);
      return;
    }
    if (appended.length > 0)
      this.reply({
        type: 'appended',
        seqs: appended,
        ends: [...touched.values()].map((s) => [s.id, s.next]),
      });
    if (closing !== undefined) return this.close(closing);
    if (Date.now() - this.lastRetention >= this.settings.retentionCheckMs) this.retain();
  }

  private createPartition(p: PartitionRow): boolean {
    if (this.partitions.has(p.id)) return false;
    this.upsertPartition.run(p.id, p.topic, p.partition, p.retentionMs, p.startOffset, p.nextOffset);
    this.partitions.set(p.id, {
      id: p.id,
      retentionMs: p.retentionMs,
      start: p.startOffset,
      next: p.nextOffset,
      bytes: 0,
      lastTs: 0,
    });
    return true;
  }

  /** Removes what is past each partition's age or beyond its size, oldest first. */
  private retain(): void {
    this.lastRetention = Date.now();
    const firstYoungEnough = this.db.prepare(
      'SELECT offset FROM messages WHERE pid = ? AND ts >= ? ORDER BY offset LIMIT 1',
    );
    const sizes = this.db.prepare(
      'SELECT offset, size FROM messages WHERE pid = ? AND offset >= ? ORDER BY offset',
    );
    const bytesBefore = this.db.prepare(
      'SELECT coalesce(sum(size), 0) AS bytes FROM messages WHERE pid = ? AND offset < ?',
    );
    const remove = this.db.prepare('DELETE FROM messages WHERE pid = ? AND offset < ?');
    const save = this.db.prepare('UPDATE partitions SET start_offset = ?, bytes = ? WHERE id = ?');
    const starts: [number, number][] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const state of this.partitions.values()) {
        if (state.next === state.start || state.retentionMs === KEPT_WHOLE) continue;
        const young = firstYoungEnough.get(state.id, this.lastRetention - state.retentionMs) as
          { offset: number } | undefined;
        let cut = young?.offset ?? state.next;
        let freed = cut > state.start ? (bytesBefore.get(state.id, cut) as { bytes: number }).bytes : 0;
        if (state.bytes - freed > this.settings.retentionBytes) {
          for (const row of sizes.iterate(state.id, cut) as Iterable<{ offset: number; size: number }>) {
            if (state.bytes - freed <= this.settings.retentionBytes) break;
            freed += row.size;
            cut = row.offset + 1;
          }
        }
        if (cut <= state.start) continue;
        remove.run(state.id, cut);
        state.start = cut;
        state.bytes -= freed;
        save.run(state.start, state.bytes, state.id);
        starts.push([state.id, state.start]);
      }
      // A group whose last commit is older than the retention resumes at the start anyway.
      this.db
        .prepare(
          `DELETE FROM group_offsets WHERE pid IN (SELECT id FROM partitions WHERE retention_ms <> ?)
             AND updated_at < ? - (SELECT retention_ms FROM partitions p WHERE p.id = group_offsets.pid)`,
        )
        .run(KEPT_WHOLE, this.lastRetention);
      this.db.exec('COMMIT');
    } catch {
      this.db.exec('ROLLBACK');
      return;
    }
    if (starts.length === 0) return;
    this.db.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`);
    this.reply({ type: 'trimmed', starts });
  }

  private close(seq: number): void {
    try {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
      this.reply({ type: 'closed', seq });
    }
  }
}

const port = parentPort!;
const writer = new LogWriter(workerData as LogWriterSettings, (message) => port.postMessage(message));
writer.start();
port.on('message', (request: WriterRequest) => writer.enqueue(request));
