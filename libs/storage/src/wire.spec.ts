import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from './port.js';
import {
  assertIdentifier,
  encodeJsonEachRow,
  insertSettings,
  parseJsonEachRow,
  stringifyRow,
  wireParams,
} from './wire.js';

describe('wireParams', () => {
  it('sends Dates as Unix seconds with milliseconds, also inside arrays, maps and objects', () => {
    const at = new Date('2026-11-26T10:00:00.042Z');
    const whole = new Date('2026-11-26T10:00:00Z');
    const seconds = String(whole.getTime() / 1000);
    assert.deepEqual(wireParams({ at, whole, list: [at], obj: { at } }), {
      at: `${seconds}.042`,
      whole: seconds,
      list: [`${seconds}.042`],
      obj: { at: `${seconds}.042` },
    });
    assert.deepEqual(wireParams({ m: new Map([['k', whole]]) }).m, new Map([['k', seconds]]));
  });

  it('passes other values through and refuses invalid Dates', () => {
    assert.deepEqual(wireParams({ s: "it's", n: 1, b: 2n, nil: null }), {
      s: "it's",
      n: 1,
      b: 2n,
      nil: null,
    });
    assert.deepEqual(wireParams(undefined), {});
    assert.throws(() => wireParams({ d: new Date('nope') }), StoreError);
  });
});

describe('row encoding', () => {
  it('writes one JSON object per line, bigints as strings', () => {
    assert.equal(stringifyRow({ a: 1 }), '{"a":1}');
    assert.equal(stringifyRow({ big: 18446744073709551615n }), '{"big":"18446744073709551615"}');
    assert.equal(encodeJsonEachRow([{ a: 1 }, { a: 'x\ny' }]).toString(), '{"a":1}\n{"a":"x\\ny"}');
  });

  it('adds the dedup token to the insert settings only when given', () => {
    assert.equal(insertSettings(undefined).insert_deduplication_token, undefined);
    assert.equal(insertSettings('t-1').insert_deduplication_token, 't-1');
    assert.equal(insertSettings('t-1').async_insert, 0);
  });
});

describe('assertIdentifier', () => {
  it('accepts plain and database-qualified names only', () => {
    assert.equal(assertIdentifier('dead_letters'), 'dead_letters');
    assert.equal(assertIdentifier('db.t1'), 'db.t1');
    for (const bad of ['', '1abc', 'a-b', 't; DROP TABLE x', 'a.b.c', '`t`']) {
      assert.throws(() => assertIdentifier(bad), /invalid table name/, bad);
    }
  });
});

describe('parseJsonEachRow', () => {
  it('reads one row per line and nothing from an empty result', () => {
    assert.deepEqual(parseJsonEachRow('{"a":1}\n{"a":"x\\ny"}\n'), [{ a: 1 }, { a: 'x\ny' }]);
    assert.deepEqual(parseJsonEachRow(''), []);
  });
});
