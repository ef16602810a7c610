// Time is an input. Core logic never reads the wall clock; callers pass a Clock so replays,
// backtests and tests run on event time or on a fake clock.
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A clock that moves only when told to: for tests and replays. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * An instant as people and scripts write it: ISO 8601 date-time (or date), or epoch
 * milliseconds; undefined when it is neither. One reading for every command and query.
 */
export function parseInstantText(text: string): number | undefined {
  if (/^-?\d+$/.test(text)) {
    const ms = Number(text);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
