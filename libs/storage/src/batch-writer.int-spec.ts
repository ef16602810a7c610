// The writer into the real engine: a million rows arrive once each, also when inserts that
// did succeed are reported as failed (a lost answer) and retried with the same dedup token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import { BatchWriter } from './batch-writer.js';
import { StoreError, type ClickHouseStore, type InsertOptions } from './port.js';

interface DeadLetterRow {
  id: string;
  received_at: Date;
  source: string;
  partition: number;
  offset: number;
  code: string;
  reason: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

let ch: TestClickHouse;
before(async () => {
  ch = await migratedTestClickHouse();
});
after(() => ch.cleanup());

function deadLetters(from: number, count: number, at: Date): DeadLetterRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      id: `dl-${n}`,
      received_at: at,
      source: `raw.topic.${n % 7}`,
      partition: n % 12,
      offset: n,
      code: n % 3 === 0 ? 'SCHEMA' : 'DECODE',
      reason: `field "service" missing at offset ${n}`,
      key: `svc-${n % 50}`,
      value: Buffer.from(`{"n":${n}}`).toString('base64'),
      headers: { traceparent: `00-${String(n).padStart(32, '0')}-0000000000000001-01` },
    };
  });
}

/** The real store, except that every `nth` insert succeeds and then reports a timeout. */
function losingAnswers(store: ClickHouseStore, nth: number): ClickHouseStore & { lost: number } {
  let calls = 0;
  const wrapper = Object.create(store) as ClickHouseStore & { lost: number };
  wrapper.lost = 0;
  wrapper.insert = async (table: string, rows: readonly object[], options?: InsertOptions) => {
    await store.insert(table, rows, options);
    if (++calls % nth === 0) {
      wrapper.lost++;
      throw new StoreError('insert failed: Timeout error.', true, { code: 'NETWORK' });
    }
  };
  return wrapper;
}

async function counts(source: string): Promise<{ rows: number; ids: number }> {
  const [row] = await ch.store.query<{ rows: string; ids: string }>(
    'SELECT count() AS rows, uniqExact(id) AS ids FROM dead_letters WHERE startsWith(source, {source:String})',
    { source },
  );
  return { rows: Number(row!.rows), ids: Number(row!.ids) };
}

describe('BatchWriter into ClickHouse', () => {
  it('writes 1,000,000 rows exactly once, though every 4th insert loses its answer and is retried', async () => {
    const total = 1_000_000;
    const chunk = 10_000;
    const store = losingAnswers(ch.store, 4);
    const writer = new BatchWriter<DeadLetterRow>({
      store,
      table: 'dead_letters',
      maxRows: 100_000,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    const at = new Date();
    const writes: Promise<void>[] = [];
    for (let from = 0; from < total; from += chunk) {
      await writer.waitForCapacity();
      writes.push(writer.write(deadLetters(from, chunk, at)));
    }
    await Promise.all(writes);
    await writer.close();
    assert.ok(store.lost >= 2, 'some answers were lost and retried');
    assert.deepEqual(await counts('raw.topic.'), { rows: total, ids: total });
  });

  it('drops a flush replayed with the same dedup token, but keeps identical rows sent under another', async () => {
    const rows = deadLetters(0, 5_000, new Date()).map((row) => ({ ...row, source: 'replay.topic' }));
    const write = async (origin: string) => {
      const writer = new BatchWriter<DeadLetterRow>({
        store: ch.store,
        table: 'dead_letters',
        maxRows: 1_000,
        dedupToken: ({ rows: batch }) => `${origin}:${batch[0]!.offset}-${batch.at(-1)!.offset}`,
      });
      await writer.write(rows);
      await writer.close();
    };
    // A consumer that crashed before committing re-reads the same offsets after a restart.
    await write('replay.topic/0');
    await write('replay.topic/0');
    assert.deepEqual(await counts('replay.topic'), { rows: 5_000, ids: 5_000 });
    // The same content from elsewhere is new data, not a retry (ClickHouse's content hash alone would drop it).
    await write('replay.topic/1');
    assert.deepEqual(await counts('replay.topic'), { rows: 10_000, ids: 5_000 });
  });

  it('rejects rows the table refuses with a permanent error and hands them to onPermanentError', async () => {
    const refused: unknown[] = [];
    const writer = new BatchWriter<Record<string, unknown>>({
      store: ch.store,
      table: 'dead_letters',
      flushIntervalMs: 10,
      onPermanentError: (_error, batch) => refused.push(...batch),
    });
    const bad = [{ id: 'bad-1', received_at: 'yesterday-ish', source: 'bad.topic' }];
    await assert.rejects(
      writer.write(bad),
      (error: unknown) => error instanceof StoreError && !error.transient,
    );
    await writer.close();
    assert.deepEqual(refused, bad);
    assert.deepEqual(await counts('bad.topic'), { rows: 0, ids: 0 });
  });
});
