// The range writer against a store that refuses rows the way ClickHouse refuses data it can never
// take (a permanent error) — a stand-in, because valid canonical events cannot produce such a
// refusal for real. The refusal is narrowed down to the messages at fault; everything else is
// written once, with tokens that depend on offsets only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InboundMessage } from '#messaging';
import { silentLogger } from '#observability';
import { StoreError, type ClickHouseStore, type InsertOptions } from '#storage';
import { RangeWriter } from './range-writer.js';
import type { MappedMessage } from './record-decoder.js';

interface Insert {
  readonly rows: readonly { id: string }[];
  readonly token: string | undefined;
}

class RefusingStore implements ClickHouseStore {
  readonly driver = 'chdb' as const;
  readonly written: Insert[] = [];
  constructor(private readonly refuse: (row: { id: string }) => StoreError | undefined) {}
  async query<T>(): Promise<T[]> {
    return [];
  }
  async command(): Promise<void> {}
  async insert(_table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
    const typed = rows as { id: string }[];
    for (const row of typed) {
      const error = this.refuse(row);
      if (error) throw error;
    }
    this.written.push({ rows: typed, token: options?.dedupToken });
  }
  async ping(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

const message = (offset: number): InboundMessage => ({
  topic: 't',
  partition: 2,
  offset: String(offset),
  key: null,
  value: null,
  headers: {},
  timestamp: 0,
});
const mapped = (offsets: number[], rowsEach = 1): MappedMessage[] =>
  offsets.map((o) => ({
    message: message(o),
    rows: Array.from({ length: rowsEach }, (_, i) => ({ id: `${o}.${i}` })),
  }));
const segment = { first: 10n, last: 17n };
const badData = () =>
  new StoreError('Cannot parse input: expected a number', false, { code: 'CANNOT_PARSE_INPUT' });

describe('RangeWriter', () => {
  it('writes a range in one insert whose token names the range and its messages', async () => {
    const store = new RefusingStore(() => undefined);
    const writer = new RangeWriter(store, silentLogger);
    assert.deepEqual(await writer.write('points', 't', 2, segment, mapped([10, 11, 12, 13])), []);
    assert.deepEqual(
      store.written.map((w) => [w.rows.length, w.token]),
      [[4, 't/2/10-17/10-13']],
    );
    await writer.close();
  });

  it('rejects only the messages ClickHouse refuses for good, and writes the rest', async () => {
    const store = new RefusingStore((row) => (row.id.startsWith('13.') ? badData() : undefined));
    const writer = new RangeWriter(store, silentLogger);
    const rejected = await writer.write('points', 't', 2, segment, mapped([10, 11, 12, 13, 14, 15, 16, 17]));
    assert.deepEqual(
      rejected.map((r) => [r.message.offset, r.code]),
      [['13', 'store.refused']],
    );
    assert.match(rejected[0]!.reason, /ClickHouse refused its rows for points: .*Cannot parse input/);
    const ids = store.written.flatMap((w) => w.rows.map((r) => r.id)).sort();
    assert.deepEqual(ids, ['10.0', '11.0', '12.0', '14.0', '15.0', '16.0', '17.0']);
    // Halving is deterministic: a replay of the range cuts the same sub-ranges, with the same tokens.
    const replay = new RefusingStore((row) => (row.id.startsWith('13.') ? badData() : undefined));
    await new RangeWriter(replay, silentLogger).write(
      'points',
      't',
      2,
      segment,
      mapped([10, 11, 12, 13, 14, 15, 16, 17]),
    );
    assert.deepEqual(
      replay.written.map((w) => w.token),
      store.written.map((w) => w.token),
    );
    await writer.close();
  });

  it('throws when ClickHouse is unavailable or the table is missing: not a reason to dead-letter', async () => {
    for (const error of [
      new StoreError('connect ECONNREFUSED', true, { code: 'ECONNREFUSED' }),
      new StoreError("Table aftershock.points doesn't exist", false, { code: 'UNKNOWN_TABLE' }),
    ]) {
      const writer = new RangeWriter(new RefusingStore(() => error), silentLogger, {
        retry: { maxAttempts: 1 },
      });
      await assert.rejects(
        writer.write('points', 't', 2, segment, mapped([10, 11])),
        (e: unknown) => e === error,
      );
      await writer.close();
    }
  });

  it('cuts large ranges at message boundaries, each chunk with its own token', async () => {
    const store = new RefusingStore(() => undefined);
    const writer = new RangeWriter(store, silentLogger, { maxInsertRows: 5 });
    await writer.write('points', 't', 2, segment, mapped([10, 11, 12, 13, 14], 2));
    assert.deepEqual(
      store.written.map((w) => [w.rows.length, w.token]),
      [
        [4, 't/2/10-17/10-11'],
        [4, 't/2/10-17/12-13'],
        [2, 't/2/10-17/14-14'],
      ],
    );
    await writer.close();
  });
});
