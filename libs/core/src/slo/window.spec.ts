// Window edges by hand: rolling windows end at the instant asked about; calendar windows step
// on the zone's clocks, so months and days around a daylight-saving change are an hour short
// or long, and a month that starts on the 31st starts on the last day of shorter months.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from './duration.js';
import type { SloWindow } from './model.js';
import { windowAt } from './window.js';

const utc = (text: string) => Date.parse(text);
const iso = (w: { start: number; end: number }) => [
  new Date(w.start).toISOString(),
  new Date(w.end).toISOString(),
];

function calendar(duration: SloWindow['duration'], timeZone: string, start: string): SloWindow {
  const [year, month, day, hour, minute, second] = start.split(/[- :]/).map(Number) as number[];
  return {
    kind: 'calendar',
    duration,
    timeZone,
    start: { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second! },
  };
}

describe('SLO windows', () => {
  it('a rolling window is the duration before the instant, half-open', () => {
    const at = utc('2026-03-15T12:00:00Z');
    const w = windowAt({ kind: 'rolling', duration: { value: 28, unit: 'd' }, ms: 28 * DAY_MS }, at);
    assert.deepEqual(iso(w), ['2026-02-15T12:00:00.000Z', '2026-03-15T12:00:00.000Z']);
  });

  it('a calendar month in Berlin: March has 743 hours, October 745, edges on local midnight', () => {
    const month = calendar({ value: 1, unit: 'M' }, 'Europe/Berlin', '2026-01-01 00:00:00');
    const march = windowAt(month, utc('2026-03-15T12:00:00Z'));
    assert.deepEqual(iso(march), ['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    assert.equal((march.end - march.start) / HOUR_MS, 743);
    const october = windowAt(month, utc('2026-10-15T12:00:00Z'));
    assert.deepEqual(iso(october), ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    assert.equal((october.end - october.start) / HOUR_MS, 745);
    // The end belongs to the next window; a millisecond before it, to this one.
    assert.deepEqual(iso(windowAt(month, march.end))[0], '2026-03-31T22:00:00.000Z');
    assert.deepEqual(windowAt(month, march.end - 1), march);
    assert.deepEqual(windowAt(month, march.start), march);
    // Before the first window, the series runs backwards the same way.
    assert.deepEqual(iso(windowAt(month, utc('2025-12-31T23:30:00Z')))[0], '2025-12-31T23:00:00.000Z');
    assert.deepEqual(iso(windowAt(month, utc('2025-12-31T22:30:00Z')))[0], '2025-11-30T23:00:00.000Z');
  });

  it('a calendar day in New York on the spring-forward day lasts 23 hours', () => {
    const day = calendar({ value: 1, unit: 'd' }, 'America/New_York', '2026-01-01 00:00:00');
    const w = windowAt(day, utc('2026-03-08T12:00:00Z'));
    assert.deepEqual(iso(w), ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    assert.equal((w.end - w.start) / HOUR_MS, 23);
  });

  it('the OpenSLO example week: from Saturday noon in New York, a week at a time', () => {
    const week = calendar({ value: 1, unit: 'w' }, 'America/New_York', '2022-01-01 12:00:00');
    // 2026-03-07 is a Saturday; noon EST is 17:00Z, and the next Saturday noon is EDT (16:00Z).
    const w = windowAt(week, utc('2026-03-10T00:00:00Z'));
    assert.deepEqual(iso(w), ['2026-03-07T17:00:00.000Z', '2026-03-14T16:00:00.000Z']);
  });

  it('months from the 31st start on the last day of shorter months; quarters and hours step exactly', () => {
    const month = calendar({ value: 1, unit: 'M' }, 'UTC', '2026-01-31 00:00:00');
    assert.deepEqual(iso(windowAt(month, utc('2026-02-15T00:00:00Z'))), [
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
    ]);
    assert.deepEqual(iso(windowAt(month, utc('2026-03-05T00:00:00Z'))), [
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    const quarter = calendar({ value: 1, unit: 'Q' }, 'UTC', '2026-01-01 00:00:00');
    assert.deepEqual(iso(windowAt(quarter, utc('2026-05-05T00:00:00Z'))), [
      '2026-04-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
    ]);
    const hours = calendar({ value: 6, unit: 'h' }, 'Europe/Berlin', '2026-03-29 00:00:00');
    // Hours are elapsed time: the clocks' jump at 02:00 does not move the edges.
    assert.deepEqual(iso(windowAt(hours, utc('2026-03-29T05:30:00Z'))), [
      '2026-03-29T05:00:00.000Z',
      '2026-03-29T11:00:00.000Z',
    ]);
  });
});
