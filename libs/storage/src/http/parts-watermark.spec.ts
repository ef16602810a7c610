import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartsWatermark } from './http-store.js';

/** A fetch whose reads are settled by hand, answering the write count when each read started. */
function manualFetch() {
  let writes = 0;
  const reads: { tables: readonly string[]; settle: () => void }[] = [];
  const fetch = (tables: readonly string[]) =>
    new Promise<string>((resolve) => {
      const seen = writes;
      reads.push({ tables, settle: () => resolve(String(seen)) });
    });
  return { fetch, reads, write: () => writes++ };
}

describe('PartsWatermark', () => {
  it('gives a caller only a read that started after it asked, shared with the others waiting', async () => {
    const { fetch, reads, write } = manualFetch();
    const watermark = new PartsWatermark(fetch);
    const first = watermark.read(['incidents']);
    write(); // a write finishes while the first read is on its way: it may not see it
    const second = watermark.read(['incidents']);
    const third = watermark.read(['incidents']);
    assert.equal(reads.length, 1, 'the later callers wait for the running read to end');
    reads[0]!.settle();
    assert.equal(await first, '0');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reads.length, 2, 'one read for both waiting callers');
    reads[1]!.settle();
    assert.deepEqual(await Promise.all([second, third]), ['1', '1']);
  });

  it('reads different sets of tables apart, and again once nothing is running', async () => {
    const { fetch, reads } = manualFetch();
    const watermark = new PartsWatermark(fetch);
    const a = watermark.read(['incidents']);
    const b = watermark.read(['changes']);
    assert.deepEqual(
      reads.map((r) => r.tables),
      [['incidents'], ['changes']],
    );
    reads.forEach((r) => r.settle());
    await Promise.all([a, b]);
    const again = watermark.read(['incidents']);
    assert.equal(reads.length, 3);
    reads[2]!.settle();
    assert.equal(await again, '0');
  });
});
