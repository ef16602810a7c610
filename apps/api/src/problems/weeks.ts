// Weekly buckets for recurrence charts: weeks start on Monday 00:00 UTC and are named by that
// date (YYYY-MM-DD); a series covers every week of its range, empty weeks as 0.
const DAY = 86_400_000;

/** Monday 00:00 UTC of the week holding `ms`. */
export function weekStart(ms: number): number {
  const d = new Date(ms);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - sinceMonday);
}

export const weekName = (ms: number) => new Date(weekStart(ms)).toISOString().slice(0, 10);

/** Every week from the one holding `from` to the one holding `to` (inclusive), counts filled in. */
export function weeklySeries<T extends object>(
  from: number,
  to: number,
  counts: ReadonlyMap<string, T>,
  empty: () => T,
  maxWeeks = 520,
): ({ week: string } & T)[] {
  const out: ({ week: string } & T)[] = [];
  for (let w = weekStart(from); w <= to && out.length < maxWeeks; w += 7 * DAY) {
    const week = weekName(w);
    out.push({ week, ...(counts.get(week) ?? empty()) });
  }
  return out;
}
