// Wall-clock time in IANA time zones, pure: `Intl.DateTimeFormat` does the zone arithmetic
// (daylight saving included), so a freeze window written as "Fri 18:00 Europe/Berlin" means
// 18:00 on the clocks in Berlin in winter and in summer alike.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** True when the runtime knows the zone (IANA names such as Europe/Berlin, or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** The wall-clock reading in `timeZone` at the instant `at` (epoch ms). */
export function localTime(at: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatFor(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAY_INDEX[parts.weekday!]!,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** Minutes since Monday 00:00 local time (0 … 10079). */
export function minuteOfWeek(at: number, timeZone: string): number {
  const t = localTime(at, timeZone);
  return t.weekday * 1440 + t.hour * 60 + t.minute;
}

/** How far the zone's clocks are ahead of UTC at the instant `at` (ms). */
export function zoneOffset(at: number, timeZone: string): number {
  const t = localTime(at, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - Math.floor(at / MINUTE) * MINUTE;
}

/**
 * The instant at which clocks in `timeZone` show the given wall-clock time. A wall time that
 * occurs twice (clocks fall back) gives the earlier instant; one that clocks skip (spring
 * forward) is read with the offset before the jump, landing as far after it (02:30 → 03:30),
 * like Temporal's "compatible" disambiguation. Assumes at most one transition within a day.
 */
export function zonedToInstant(
  wall: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const before = asUtc - zoneOffset(asUtc - DAY, timeZone);
  const after = asUtc - zoneOffset(asUtc + DAY, timeZone);
  const shows = (at: number) => zoneOffset(at, timeZone) + at === asUtc;
  const valid = [before, after].filter(shows);
  return valid.length > 0 ? Math.min(...valid) : before;
}

export function formatMinuteOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function formatMinuteOfWeek(minutes: number): string {
  const day = WEEKDAYS[Math.floor(minutes / 1440)]!;
  return `${day[0]!.toUpperCase()}${day.slice(1)} ${formatMinuteOfDay(minutes % 1440)}`;
}
