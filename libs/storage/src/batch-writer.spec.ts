// The writer against a scripted store: it stands in for failures (overload, lost answers, bad
// data) that a real engine cannot be made to produce on demand. Real-engine behaviour is in
// batch-writer.int-spec.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js';
import { StoreError, type ClickHouseStore, type InsertOptions } from './port.js';

interface Row {
  id: number;
}

type Outcome = 'ok' | StoreError | Promise<void>;

/** Records every insert attempt; each attempt takes the next scripted outcome (then 'ok'). */
class ScriptedStore implements ClickHouseStore {
  readonly driver = 'chdb' as const;
  readonly attempts: { rows: Row[]; token: string | undefined }[] = [];
  readonly written: Row[] = [];

  constructor(private readonly script: Outcome[] = []) {}

  async insert(_table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
    this.attempts.push({ rows: [...(rows as unknown as Row[])], token: options?.dedupToken });
    const outcome = this.script.shift() ?? 'ok';
    if (outcome instanceof StoreError) throw outcome;
    if (outcome !== 'ok') await outcome;
    this.written.push(...(rows as unknown as Row[]));
  }
  async query<T>(): Promise<T[]> {
    return [];
  }
  async command(): Promise<void> {}
  async ping(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

const rows = (from: number, count: number): Row[] =>
  Array.from({ length: count }, (_, i) => ({ id: from + i }));
const ids = (list: readonly Row[]) => list.map((r) => r.id);
const fastRetry = { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 4 };

function writer(store: ClickHouseStore, options: Partial<BatchWriterOptions<Row>> = {}): BatchWriter<Row> {
  return new BatchWriter<Row>({
    store,
    table: 'events',
    flushIntervalMs: 60_000,
    retry: fastRetry,
    ...options,
  });
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('BatchWriter', () => {
  it('flushes by size: full batches go at once, in order, and the remainder waits', async () => {
    const store = new ScriptedStore();
    const w = writer(store, { maxRows: 100, concurrency: 1 });
    const first = w.write(rows(0, 250));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      store.attempts.map((a) => a.rows.length),
      [100, 100],
    );
    assert.equal(w.pendingRows, 50);
    await w.close();
    await first;
    assert.deepEqual(ids(store.written), ids(rows(0, 250)));
  });

  it('flushes by interval when a batch never fills', async () => {
    const store = new ScriptedStore();
    const w = writer(store, { maxRows: 1_000, flushIntervalMs: 10 });
    await Promise.all([w.write(rows(0, 3)), w.write(rows(3, 2))]);
    assert.equal(store.attempts.length, 1);
    assert.deepEqual(ids(store.written), [0, 1, 2, 3, 4]);
    await w.close();
  });

  it('resolves a write split over several flushes only when its last rows are written', async () => {
    const slow = gate();
    const store = new ScriptedStore(['ok', slow.promise]);
    const w = writer(store, { maxRows: 10, concurrency: 2 });
    let done = false;
    const pending = w.write(rows(0, 20)).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.attempts.length, 2);
    assert.equal(done, false, 'the second half is still being written');
    slow.open();
    await pending;
    assert.equal(done, true);
    await w.close();
  });

  it('retries transient failures with the same dedup token, then resolves', async () => {
    const busy = () => new StoreError('Too many parts', true, { code: 'TOO_MANY_PARTS' });
    const store = new ScriptedStore([busy(), busy()]);
    const w = writer(store, { maxRows: 5, dedupToken: ({ rows: batch }) => `events:${batch[0]!.id}` });
    await w.write(rows(0, 5));
    assert.equal(store.attempts.length, 3);
    assert.deepEqual(
      store.attempts.map((a) => a.token),
      ['events:0', 'events:0', 'events:0'],
    );
    assert.deepEqual(ids(store.written), [0, 1, 2, 3, 4]);
    await w.close();
  });

  it('gives each flush its own default dedup token, stable across its retries', async () => {
    const store = new ScriptedStore([new StoreError('timeout', true)]);
    const w = writer(store, { maxRows: 2, concurrency: 1 });
    await w.write(rows(0, 4));
    const [first, retry, second] = store.attempts.map((a) => a.token);
    assert.ok(first);
    assert.equal(retry, first);
    assert.notEqual(second, first);
    await w.close();
  });

  it('rejects the affected writes and calls onPermanentError on a permanent failure, without retrying', async () => {
    const bad = new StoreError('Cannot parse DateTime', false, { code: 'CANNOT_PARSE_DATETIME' });
    const store = new ScriptedStore([bad]);
    const refused: number[][] = [];
    const w = writer(store, { maxRows: 4, onPermanentError: (_e, batch) => refused.push(ids(batch)) });
    const a = w.write(rows(0, 2));
    const b = w.write(rows(2, 2));
    const c = w.write(rows(4, 4));
    await assert.rejects(a, bad);
    await assert.rejects(b, bad);
    await c;
    assert.equal(store.attempts.length, 2);
    assert.deepEqual(refused, [[0, 1, 2, 3]]);
    await w.close();
  });

  it('rejects with the last transient error once the attempts are used up', async () => {
    const down = () => new StoreError('connection refused', true, { code: 'ECONNREFUSED' });
    const store = new ScriptedStore([down(), down(), down(), down()]);
    let permanentCalls = 0;
    const w = writer(store, { maxRows: 1, onPermanentError: () => permanentCalls++ });
    await assert.rejects(
      w.write(rows(0, 1)),
      (error: unknown) => error instanceof StoreError && error.transient,
    );
    assert.equal(store.attempts.length, fastRetry.maxAttempts);
    assert.equal(permanentCalls, 0, 'transient failures are not the caller’s bad data');
    await w.close();
  });

  it('signals backpressure above the high-water mark and releases it under the low one', async () => {
    const slow = gate();
    const store = new ScriptedStore([slow.promise]);
    const w = writer(store, { maxRows: 10, concurrency: 1, highWaterMark: 25, lowWaterMark: 15 });
    const events: boolean[] = [];
    w.on('pressure', (saturated) => events.push(saturated));
    const writes = [w.write(rows(0, 10)), w.write(rows(10, 10))];
    assert.equal(w.isSaturated(), false);
    writes.push(w.write(rows(20, 10)));
    assert.equal(w.isSaturated(), true);
    assert.deepEqual(events, [true]);
    let capacity = false;
    const waiting = w.waitForCapacity().then(() => (capacity = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(capacity, false, 'still blocked while the first insert hangs');
    slow.open();
    await waiting;
    assert.equal(w.isSaturated(), false);
    assert.deepEqual(events, [true, false]);
    await w.close();
    await Promise.all(writes);
    assert.equal(store.written.length, 30);
  });

  it('close() flushes everything pending and refuses later writes', async () => {
    const store = new ScriptedStore();
    const w = writer(store, { maxRows: 1_000 });
    const pending = w.write(rows(0, 7));
    await w.close();
    await pending;
    assert.equal(store.written.length, 7);
    await assert.rejects(w.write(rows(7, 1)), /closed/);
  });

  it('refuses nonsensical options', () => {
    assert.throws(() => writer(new ScriptedStore(), { maxRows: 0 }), /maxRows must be a positive number/);
  });
});
