import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceTable } from './service-table.js';
import { labelKey, sameLabels } from './verification/verifier.js';

describe('ServiceTable', () => {
  it('keeps one value per (environment, service), counts them and forgets deleted ones', () => {
    const table = new ServiceTable<number>();
    table.set('production', 'checkout', 1);
    table.set('staging', 'checkout', 2);
    table.set('production', 'checkout', 3);
    assert.equal(table.size, 2);
    assert.equal(table.get('production', 'checkout'), 3);
    assert.equal(table.get('staging', 'checkout'), 2);
    assert.equal(table.get('production', 'payments'), undefined);
    table.delete('staging', 'checkout');
    table.delete('staging', 'checkout');
    assert.equal(table.size, 1);
    assert.deepEqual([...table.values()], [3]);
  });
});

describe('sameLabels', () => {
  it('agrees with labelKey whenever it says the labels are the same', () => {
    const cases: (Record<string, string> | undefined)[] = [
      undefined,
      {},
      { a: '1' },
      { a: '2' },
      { a: '1', b: '2' },
      { b: '2', a: '1' },
      { b: '1' },
    ];
    for (const point of cases) {
      for (const series of cases) {
        const same = sameLabels(point, series, series ? Object.keys(series).length : 0);
        assert.equal(
          same,
          labelKey(point) === labelKey(series),
          `${JSON.stringify(point)} vs ${JSON.stringify(series)}`,
        );
      }
    }
  });
});
