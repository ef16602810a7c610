import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '#core';
import type { ClickHouseStore } from '#storage';
import { FRESH_MS, MAX_AGE_MS, ReadCache, readKey } from './read-cache.js';

/** A store whose watermark is a write count per table, as the embedded driver keeps it. */
function storeWithWrites(watermark = true) {
  const writes = new Map<string, number>();
  const store = {
    driver: 'chdb',
    query: () => Promise.resolve([]),
    command: () => Promise.resolve(),
    insert: () => Promise.resolve(),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
    ...(watermark
      ? {
          watermark: (tables: readonly string[]) =>
            Promise.resolve(tables.map((t) => writes.get(t) ?? 0).join('.')),
        }
      : {}),
  } satisfies ClickHouseStore;
  return { store, write: (table: string) => writes.set(table, (writes.get(table) ?? 0) + 1) };
}

/** A computation counting its runs, answering what `rows` holds when it runs. */
function counted(rows: string[]) {
  const calls = { n: 0 };
  return { calls, compute: () => Promise.resolve({ items: [...rows], run: ++calls.n }) };
}

const incidents = { tables: ['incidents'] };

describe('ReadCache', () => {
  it('computes an answer once while the tables and the clock stand still', async () => {
    const { store } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    const { calls, compute } = counted(['a']);
    const first = await cache.read('k', incidents, compute);
    const again = await cache.read('k', incidents, compute);
    assert.equal(calls.n, 1);
    assert.equal(again, first, 'the same answer');
  });

  it('shows a newly recorded row on the first read after the write (no stale answer)', async () => {
    const { store, write } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    const rows = ['inc-1'];
    const { compute } = counted(rows);
    assert.deepEqual((await cache.read('k', incidents, compute)).items, ['inc-1']);
    rows.push('inc-2');
    write('incidents');
    assert.deepEqual((await cache.read('k', incidents, compute)).items, ['inc-1', 'inc-2']);
  });

  it('keeps the answer when other tables are written', async () => {
    const { store, write } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    const { calls, compute } = counted(['a']);
    await cache.read('k', incidents, compute);
    write('telemetry_points');
    await cache.read('k', incidents, compute);
    assert.equal(calls.n, 1);
  });

  it('runs one computation for concurrent readers of a missing answer', async () => {
    const { store } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    const { calls, compute } = counted(['a']);
    const answers = await Promise.all(Array.from({ length: 16 }, () => cache.read('k', incidents, compute)));
    assert.equal(calls.n, 1);
    assert.ok(answers.every((a) => a === answers[0]));
  });

  it('recomputes once the clock has moved on: the old answer meanwhile, never past MAX_AGE_MS', async () => {
    const { store } = storeWithWrites();
    const clock = new ManualClock(1_000);
    const cache = new ReadCache(store, clock);
    const { calls, compute } = counted(['a']);
    await cache.read('k', incidents, compute);
    clock.advance(FRESH_MS);
    const during = await cache.read('k', incidents, compute);
    assert.equal(during.run, 1, 'the answer it replaces, while the new one is computed');
    assert.equal(calls.n, 2, 'one recomputation started');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await cache.read('k', incidents, compute)).run, 2);
    clock.advance(MAX_AGE_MS);
    assert.equal((await cache.read('k', incidents, compute)).run, 3, 'too old to serve: waited for');
  });

  it('recomputes when a definition it used was replaced', async () => {
    const { store } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    const { calls, compute } = counted(['a']);
    const policy = { v: 1 };
    await cache.read('k', { ...incidents, uses: [policy] }, compute);
    await cache.read('k', { ...incidents, uses: [policy] }, compute);
    await cache.read('k', { ...incidents, uses: [{ v: 1 }] }, compute);
    assert.equal(calls.n, 2);
  });

  it('keeps no failed answer, and reads afresh from a store without a watermark', async () => {
    const { store } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    await assert.rejects(
      cache.read('k', incidents, () => Promise.reject(new Error('down'))),
      /down/,
    );
    assert.equal((await cache.read('k', incidents, () => Promise.resolve('ok'))) as string, 'ok');

    const plain = new ReadCache(storeWithWrites(false).store, new ManualClock(1_000));
    const { calls, compute } = counted(['a']);
    await plain.read('k', incidents, compute);
    await plain.read('k', incidents, compute);
    assert.equal(calls.n, 2);
  });

  it('writes the JSON of an answer it gave out once, and of nothing else', async () => {
    const { store } = storeWithWrites();
    const cache = new ReadCache(store, new ManualClock(1_000));
    const answer = await cache.read('k', incidents, () => Promise.resolve({ items: [1, 2] }));
    assert.equal(cache.json(answer), '{"items":[1,2]}');
    assert.equal(cache.json(answer), cache.json(answer));
    assert.equal(cache.json({ items: [1, 2] }), undefined);
    assert.equal(cache.json('text'), undefined);
  });

  it('keys a request by its route and its query in a stable order', () => {
    assert.equal(readKey('incidents', { b: '2', a: '1' }), readKey('incidents', { a: '1', b: '2' }));
    assert.notEqual(readKey('incidents', { a: '1' }), readKey('changes', { a: '1' }));
    assert.notEqual(readKey('incidents', { a: ['1', '2'] }), readKey('incidents', { a: '1,2' }));
  });
});
