import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weekName, weekStart, weeklySeries } from './weeks.js';

describe('weeks', () => {
  it('start on Monday 00:00 UTC', () => {
    assert.equal(weekName(Date.parse('2026-11-02T00:00:00Z')), '2026-11-02'); // a Monday
    assert.equal(weekName(Date.parse('2026-11-08T23:59:59Z')), '2026-11-02'); // the Sunday after
    assert.equal(weekStart(Date.parse('2026-11-09T00:00:00Z')), Date.parse('2026-11-09T00:00:00Z'));
  });

  it('fill every week of the range, empty ones with zero', () => {
    const series = weeklySeries(
      Date.parse('2026-10-28T10:00:00Z'),
      Date.parse('2026-11-10T00:00:00Z'),
      new Map([['2026-11-02', { count: 3 }]]),
      () => ({ count: 0 }),
    );
    assert.deepEqual(series, [
      { week: '2026-10-26', count: 0 },
      { week: '2026-11-02', count: 3 },
      { week: '2026-11-09', count: 0 },
    ]);
  });
});
