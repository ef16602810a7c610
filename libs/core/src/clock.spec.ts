import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInstantText } from './clock.js';

describe('instants as people and scripts write them', () => {
  it('reads ISO 8601 date-times and dates, and epoch milliseconds', () => {
    assert.equal(parseInstantText('2026-12-07T01:02:03Z'), Date.UTC(2026, 11, 7, 1, 2, 3));
    assert.equal(parseInstantText('2026-12-07'), Date.UTC(2026, 11, 7));
    assert.equal(parseInstantText('1796605323000'), 1_796_605_323_000);
    assert.equal(parseInstantText('-1000'), -1000);
  });

  it('refuses what is neither, rather than guess', () => {
    for (const text of ['Dec 7 2026', 'yesterday', '2026-13-45', '99999999999999999999', ''])
      assert.equal(parseInstantText(text), undefined, text);
  });
});
