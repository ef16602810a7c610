// Writes the rows of one offset range into one table through a BatchWriter, with dedup tokens
// derived from the range (see write-plan.ts). One writer per table and source partition: a
// partition's batches arrive one after another, so every write() is exactly one insert whose
// token names exactly its rows — mixing partitions into one insert would make the token depend
// on timing, and a replay could not reproduce it. Large ranges go in chunks cut at message
// boundaries (never configurable: a replay must cut the same way). A permanent refusal is
// narrowed down by halving to the messages at fault, which are rejected (dead-lettered) with
// ClickHouse's reason; the rest is written.
import type { Logger } from '#observability';
import type { Rejection } from '#messaging';
import { BatchWriter, StoreError, type ClickHouseStore, type RetryPolicy } from '#storage';
import type { MappedMessage } from './record-decoder.js';
import { dedupToken, type OffsetRange } from './write-plan.js';

/** Rows per insert, at most (a single message with more rows goes in alone). */
export const MAX_INSERT_ROWS = 250_000;

/** Quick retries inside the writer; past them the batch fails and the batch runner backs off. */
export const RECORDER_RETRY: RetryPolicy = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 2_000 };

/** Errors that mean "the schema is not there (yet)": the dependency is missing, not the data bad. */
const MISSING_SCHEMA = new Set(['UNKNOWN_TABLE', 'UNKNOWN_DATABASE']);

export interface RangeWriterOptions {
  readonly retry?: RetryPolicy;
  readonly maxInsertRows?: number;
}

export class RangeWriter {
  private readonly slots = new Map<string, Slot>();
  private readonly maxRows: number;

  constructor(
    private readonly store: ClickHouseStore,
    private readonly logger: Logger,
    private readonly options: RangeWriterOptions = {},
  ) {
    this.maxRows = options.maxInsertRows ?? MAX_INSERT_ROWS;
  }

  /**
   * Writes the rows of `mapped` (messages of `segment`) into `table`; resolves once they are
   * durable. Returns the messages ClickHouse refused for good; throws when it is unavailable.
   */
  async write(
    table: string,
    topic: string,
    partition: number,
    segment: OffsetRange,
    mapped: readonly MappedMessage[],
  ): Promise<Rejection[]> {
    const slot = this.slot(table, topic, partition);
    const rejected: Rejection[] = [];
    for (const chunk of chunks(mapped, this.maxRows)) {
      rejected.push(...(await this.writeChunk(slot, table, topic, partition, segment, chunk)));
    }
    return rejected;
  }

  /** Waits for writes in progress and releases the writers. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.slots.values()].map((slot) => slot.close()));
    this.slots.clear();
  }

  private async writeChunk(
    slot: Slot,
    table: string,
    topic: string,
    partition: number,
    segment: OffsetRange,
    chunk: readonly MappedMessage[],
  ): Promise<Rejection[]> {
    const rows = chunk.length === 1 ? chunk[0]!.rows : chunk.flatMap((m) => m.rows);
    if (rows.length === 0) return [];
    const messages = chunk.map((m) => m.message);
    try {
      await slot.write(rows, dedupToken(topic, partition, segment, messages));
      return [];
    } catch (error) {
      if (!(error instanceof StoreError) || error.transient || MISSING_SCHEMA.has(error.code ?? ''))
        throw error;
      if (chunk.length === 1) {
        const message = chunk[0]!.message;
        this.logger.warn('ClickHouse refused a message for good', {
          table,
          topic,
          partition,
          offset: message.offset,
          error,
        });
        return [
          {
            message,
            code: 'store.refused',
            reason: `ClickHouse refused its rows for ${table}: ${error.message}`,
          },
        ];
      }
      const half = Math.ceil(chunk.length / 2);
      return [
        ...(await this.writeChunk(slot, table, topic, partition, segment, chunk.slice(0, half))),
        ...(await this.writeChunk(slot, table, topic, partition, segment, chunk.slice(half))),
      ];
    }
  }

  private slot(table: string, topic: string, partition: number): Slot {
    const key = `${table}\0${topic}\0${partition}`;
    let slot = this.slots.get(key);
    if (!slot) {
      slot = new Slot(this.store, table, this.logger, this.options.retry ?? RECORDER_RETRY);
      this.slots.set(key, slot);
    }
    return slot;
  }
}

/** One BatchWriter whose every write is one insert carrying the token given with it. */
class Slot {
  private token: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly writer: BatchWriter<object>;

  constructor(store: ClickHouseStore, table: string, logger: Logger, retry: RetryPolicy) {
    this.writer = new BatchWriter<object>({
      store,
      table,
      maxRows: 1e9,
      concurrency: 1,
      dedupToken: () => this.token,
      retry,
      logger,
    });
  }

  write(rows: readonly object[], token: string): Promise<void> {
    // Serialised: the token is the writer's state while its insert runs.
    const run = this.tail.then(async () => {
      this.token = token;
      const written = this.writer.write(rows);
      void this.writer.flush();
      await written;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.writer.close();
  }
}

/** Consecutive messages holding up to `maxRows` rows together (a bigger message alone). */
function* chunks(mapped: readonly MappedMessage[], maxRows: number): Generator<readonly MappedMessage[]> {
  let start = 0;
  let rows = 0;
  for (let i = 0; i < mapped.length; i++) {
    const n = mapped[i]!.rows.length;
    if (i > start && rows + n > maxRows) {
      yield mapped.slice(start, i);
      start = i;
      rows = 0;
    }
    rows += n;
  }
  if (start < mapped.length) yield mapped.slice(start);
}
