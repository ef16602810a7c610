// OpenSLO's duration shorthand: a positive integer and one case-sensitive unit (`5m`, `4w`,
// `1M`). Minutes to weeks are exact lengths; months, quarters and years are calendar steps
// (a calendar window of `1M` ends on the same wall time a month later in its zone). Where a
// fixed length is needed (a rolling window), they read as the OpenSLO reference library reads
// them: 30, 90 and 365 days.

export const DURATION_UNITS = ['m', 'h', 'd', 'w', 'M', 'Q', 'Y'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  readonly value: number;
  readonly unit: DurationUnit;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const FIXED_MS: Record<DurationUnit, number> = {
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: 7 * DAY_MS,
  M: 30 * DAY_MS,
  Q: 90 * DAY_MS,
  Y: 365 * DAY_MS,
};

export const DURATION_PATTERN = '^[1-9][0-9]*[mhdwMQY]$';

/** The shorthand as a Duration, or undefined when it is not one. */
export function parseDuration(text: string): Duration | undefined {
  const match = /^([1-9][0-9]*)([mhdwMQY])$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? { value, unit: match[2] as DurationUnit } : undefined;
}

/** Length in ms; months, quarters and years at their nominal 30, 90 and 365 days. */
export function durationMs(d: Duration): number {
  return d.value * FIXED_MS[d.unit];
}

/** True for units whose length depends on the calendar (M, Q, Y). */
export function isCalendarUnit(unit: DurationUnit): boolean {
  return unit === 'M' || unit === 'Q' || unit === 'Y';
}
