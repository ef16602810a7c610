// Where an SLO's window lies at a given instant, as a half-open interval [start, end).
// Rolling: the `duration` before the instant. Calendar: the window of the series that starts
// at `startTime` in the SLO's zone and repeats every `duration`, the one holding the instant.
// Calendar steps are taken on the zone's clocks: a `1M` window runs from a wall time to the
// same wall time a month later (a day past the month's end is its last day), a `1d` or `1w`
// window from a wall time to the same wall time days later — so a day with a daylight-saving
// change lasts 23 or 25 hours, and March in Berlin 743. Minutes and hours are exact lengths.
import { localTime, zonedToInstant } from '../policy/zoned-time.js';
import { DAY_MS, durationMs } from './duration.js';
import type { SloWindow, WallTime } from './model.js';

export interface WindowBounds {
  readonly start: number;
  readonly end: number;
}

export function windowAt(window: SloWindow, at: number): WindowBounds {
  if (window.kind === 'rolling') return { start: at - window.ms, end: at };
  const { unit, value } = window.duration;
  const step = stepper(window);
  const anchor = step(0);
  // A first guess at k (exact for m and h; off by one at most otherwise), then corrected.
  let k = Math.floor((at - anchor) / durationMs(window.duration));
  if (unit === 'M' || unit === 'Q' || unit === 'Y') {
    const months = value * (unit === 'M' ? 1 : unit === 'Q' ? 3 : 12);
    const local = localTime(at, window.timeZone);
    const elapsed = (local.year - window.start.year) * 12 + (local.month - window.start.month);
    k = Math.floor(elapsed / months);
  }
  while (step(k) > at) k--;
  while (step(k + 1) <= at) k++;
  return { start: step(k), end: step(k + 1) };
}

/** The start of the k-th calendar window (k = 0 at `startTime`). */
function stepper(window: Extract<SloWindow, { kind: 'calendar' }>): (k: number) => number {
  const { unit, value } = window.duration;
  const s = window.start;
  const zone = window.timeZone;
  if (unit === 'm' || unit === 'h') {
    const anchor = instantOf(s, zone);
    return (k) => anchor + k * durationMs(window.duration);
  }
  if (unit === 'd' || unit === 'w') {
    const days = value * (unit === 'w' ? 7 : 1);
    return (k) => {
      const date = new Date(Date.UTC(s.year, s.month - 1, s.day) + k * days * DAY_MS);
      return instantOf(
        { ...s, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
        zone,
      );
    };
  }
  const months = value * (unit === 'M' ? 1 : unit === 'Q' ? 3 : 12);
  return (k) => {
    const index = s.year * 12 + (s.month - 1) + k * months;
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return instantOf({ ...s, year, month, day: Math.min(s.day, last) }, zone);
  };
}

function instantOf(wall: WallTime, timeZone: string): number {
  return zonedToInstant(wall, timeZone) + wall.second * 1000;
}
