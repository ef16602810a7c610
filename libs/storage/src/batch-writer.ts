// Buffers rows and writes them to one table in large inserts (ClickHouse wants few big parts,
// not many small ones). `write()` resolves only once its rows are durably in ClickHouse, so a
// Kafka consumer can commit its offsets after it; transient failures are retried with backoff,
// permanent ones reject the affected writes; pending rows past a high-water mark raise
// `pressure` so the producer can pause instead of the buffer growing without bound.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { backoffDelay } from '#core';
import { meter, SECONDS_BUCKETS, withSpan, type Logger } from '#observability';
import { BatchQueue, type Batch, type Ticket } from './batch-queue.js';
import { StoreError, type ClickHouseStore } from './port.js';
import { DEFAULT_RETRY, sleep, type RetryPolicy } from './retry-policy.js';

export interface FlushInfo<Row> {
  readonly rows: readonly Row[];
  /** 1, 2, 3… per writer instance. */
  readonly seq: number;
}

export interface BatchWriterOptions<Row extends object> {
  readonly store: ClickHouseStore;
  readonly table: string;
  /** Flush as soon as this many rows wait (default 10,000). */
  readonly maxRows?: number;
  /** Flush rows that waited this long even when fewer than maxRows (default 1 s). */
  readonly flushIntervalMs?: number;
  /** Pending rows (waiting + being written) at which the writer reports pressure (default 5 × maxRows). */
  readonly highWaterMark?: number;
  /** Pending rows under which the pressure is over again (default highWaterMark / 2). */
  readonly lowWaterMark?: number;
  /** Inserts in flight at once (default 2: the next batch encodes while one is written). */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  /**
   * Dedup token of one flush, reused for each of its retries, so an insert that succeeded but
   * whose answer was lost is not written twice. Derive it from where the rows came from (e.g.
   * topic/partition/first-last offset) to also survive a restart. Default: unique per flush of
   * this writer, which protects the writer's own retries.
   */
  readonly dedupToken?: (flush: FlushInfo<Row>) => string | undefined;
  /** Rows a permanent error refused (bad data, schema mismatch): dead-letter them here. */
  readonly onPermanentError?: (error: StoreError, rows: readonly Row[]) => void;
  readonly logger?: Logger;
}

interface WriterEvents {
  /** `true` when pending rows reach the high-water mark, `false` once under the low one. */
  pressure: [saturated: boolean];
}

// Insert metrics: db.client.operation.duration is OpenTelemetry's database semantic convention
// (one observation per insert attempt, error.type set on failed ones); the rest are ours.
const insertDuration = meter.createHistogram('db.client.operation.duration', {
  description: 'Duration of ClickHouse insert attempts',
  unit: 's',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});
const rowsWritten = meter.createCounter('aftershock.storage.rows_written', {
  description: 'Rows durably inserted into ClickHouse',
  unit: '{row}',
});
const flushRetries = meter.createCounter('aftershock.storage.insert_retries', {
  description: 'Transient insert failures that were retried',
  unit: '{attempt}',
});
const flushFailures = meter.createCounter('aftershock.storage.insert_failures', {
  description: 'Inserts given up on (permanent errors, or transient ones past the retry budget)',
  unit: '{insert}',
});
const insertAttributes = (table: string) => ({
  'db.system.name': 'clickhouse',
  'db.operation.name': 'INSERT',
  'db.collection.name': table,
});

export class BatchWriter<Row extends object> extends EventEmitter<WriterEvents> {
  private readonly queue = new BatchQueue<Row>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxRows: number;
  private readonly intervalMs: number;
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly concurrency: number;
  private readonly retry: Required<RetryPolicy>;
  private readonly writerId = randomUUID();
  private inFlightRows = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Set by the interval timer, flush() and close(): write out partial batches too. */
  private flushPartial = false;
  private saturated = false;
  private closed = false;
  private capacityWaiters: (() => void)[] = [];

  constructor(private readonly options: BatchWriterOptions<Row>) {
    super();
    this.maxRows = positive(options.maxRows ?? 10_000, 'maxRows');
    this.intervalMs = positive(options.flushIntervalMs ?? 1_000, 'flushIntervalMs');
    this.highWater = positive(options.highWaterMark ?? 5 * this.maxRows, 'highWaterMark');
    this.lowWater = Math.min(options.lowWaterMark ?? Math.floor(this.highWater / 2), this.highWater);
    this.concurrency = positive(options.concurrency ?? 2, 'concurrency');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Resolves once every one of `rows` is durably in ClickHouse; rejects with the error that stopped it. */
  write(rows: readonly Row[]): Promise<void> {
    if (this.closed) {
      // Transient: shutting down says nothing about the rows, which a restarted consumer re-reads.
      const error = new StoreError(`writer for ${this.options.table} is closed`, true, {
        code: 'WRITER_CLOSED',
      });
      return Promise.reject(error);
    }
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: rows.length, settled: false, resolve, reject };
      this.queue.push(rows, ticket);
      this.updatePressure();
      this.pump();
    });
  }

  /** Rows accepted and not yet durably written. */
  get pendingRows(): number {
    return this.queue.size + this.inFlightRows;
  }

  /** True while pending rows are above the high-water mark (until they fall under the low one). */
  isSaturated(): boolean {
    return this.saturated;
  }

  /** Resolves when the writer is not saturated: await it before reading more input. */
  waitForCapacity(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  /** Writes everything accepted so far, now, and waits for it. */
  async flush(): Promise<void> {
    this.flushPartial = true;
    this.pump();
    while (this.inFlight.size > 0 || this.queue.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Refuses new rows, writes the pending ones and waits for them (failures reach their write()). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    this.stopTimer();
  }

  private pump(): void {
    while (this.inFlight.size < this.concurrency && this.hasBatchReady()) {
      this.start(this.queue.take(this.maxRows));
    }
    if (this.queue.size === 0) {
      this.flushPartial = false;
      this.stopTimer();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flushPartial = true;
        this.pump();
      }, this.intervalMs);
    }
  }

  private hasBatchReady(): boolean {
    return this.queue.size >= this.maxRows || (this.flushPartial && this.queue.size > 0);
  }

  private start(batch: Batch<Row>): void {
    const seq = ++this.seq;
    const count = batch.rows.length;
    this.inFlightRows += count;
    const flight: Promise<void> = this.insertWithRetry(batch, seq)
      .then(
        () => settleWritten(batch),
        (error: StoreError) => this.settleFailed(batch, error),
      )
      .finally(() => {
        this.inFlight.delete(flight);
        this.inFlightRows -= count;
        this.updatePressure();
        this.pump();
      });
    this.inFlight.add(flight);
  }

  private async insertWithRetry(batch: Batch<Row>, seq: number): Promise<void> {
    const { store, table } = this.options;
    const token = this.tokenFor(batch.rows, seq);
    const rows = batch.rows;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await withSpan('storage.flush', { 'db.table': table, 'aftershock.rows': rows.length, attempt }, () =>
          store.insert(table, rows, { dedupToken: token }),
        );
        insertDuration.record((performance.now() - started) / 1000, insertAttributes(table));
        rowsWritten.add(rows.length, insertAttributes(table));
        return;
      } catch (caught) {
        const error = asStoreError(caught);
        insertDuration.record((performance.now() - started) / 1000, {
          ...insertAttributes(table),
          'error.type': error.code ?? (error.transient ? 'transient' : 'permanent'),
        });
        if (!error.transient || attempt >= this.retry.maxAttempts) throw error;
        const delay = backoffDelay(
          { initialMs: this.retry.initialDelayMs, maxMs: this.retry.maxDelayMs },
          attempt,
          Math.random,
        );
        flushRetries.add(1, insertAttributes(table));
        this.options.logger?.warn('insert failed, retrying', {
          table,
          rows: rows.length,
          attempt,
          delayMs: Math.round(delay),
          error,
        });
        await sleep(delay);
      }
    }
  }

  private tokenFor(rows: readonly Row[], seq: number): string | undefined {
    try {
      return this.options.dedupToken ? this.options.dedupToken({ rows, seq }) : `${this.writerId}:${seq}`;
    } catch (error) {
      throw new StoreError(
        `dedup token for ${this.options.table} failed: ${(error as Error).message}`,
        false,
        { cause: error },
      );
    }
  }

  private settleFailed(batch: Batch<Row>, error: StoreError): void {
    const { table, logger, onPermanentError } = this.options;
    flushFailures.add(1, {
      ...insertAttributes(table),
      'error.type': error.code ?? 'unknown',
      transient: error.transient,
    });
    logger?.error('insert failed', { table, rows: batch.rows.length, transient: error.transient, error });
    for (const { ticket } of batch.parts) {
      if (ticket.settled) continue;
      ticket.settled = true;
      ticket.reject(error);
    }
    if (!error.transient && onPermanentError) {
      try {
        onPermanentError(error, batch.rows);
      } catch (hookError) {
        logger?.error('onPermanentError hook threw', { table, error: hookError });
      }
    }
  }

  private updatePressure(): void {
    const pending = this.pendingRows;
    if (!this.saturated && pending >= this.highWater) {
      this.saturated = true;
      this.announcePressure(true);
    } else if (this.saturated && pending < this.lowWater) {
      this.saturated = false;
      this.announcePressure(false);
      const waiters = this.capacityWaiters;
      this.capacityWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** A listener that throws must not stall the flush chain that called it. */
  private announcePressure(saturated: boolean): void {
    try {
      this.emit('pressure', saturated);
    } catch (error) {
      this.options.logger?.error('pressure listener threw', { table: this.options.table, error });
    }
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function settleWritten<Row>(batch: Batch<Row>): void {
  for (const { ticket, count } of batch.parts) {
    ticket.remaining -= count;
    if (ticket.remaining === 0 && !ticket.settled) {
      ticket.settled = true;
      ticket.resolve();
    }
  }
}

function asStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  // Not from a driver (a bug, a thrown string): retrying would not help.
  return new StoreError(error instanceof Error ? error.message : String(error), false, { cause: error });
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`BatchWriter ${name} must be a positive number, got ${value}`);
  return value;
}
