// Which calendar day the demo streams. The engine judges a change by its calendar: a change on
// a weekend, outside business hours or inside a freeze window is riskier, and the policy blocks
// or reviews it. So the demo day has the same shape on any date the demo is run: the most recent
// Monday to Thursday before today on which no freeze window of the policy in force covers the
// hours the demo's changes happen in. Whether each change is in business hours does not move
// with daylight saving either (demo-day.spec.ts assesses the day's changes on dates across the
// year and finds the same decisions), so the summary matches the README's excerpt on any date.
import { insideFreeze, type FreezeWindow } from '#core';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Every change of the scenario starts in [08:00, 18:00) UTC of the demo day (see scenario.ts). */
export const DEMO_CHANGE_HOURS = { from: 8 * 60 * MINUTE, to: 18 * 60 * MINUTE } as const;
/** How far back to look for a day outside every freeze (a year-end freeze lasts about two weeks). */
const SEARCH_DAYS = 60;

/** Midnight UTC of the demo day for a run at `now` under a policy with these freeze windows. */
export function demoDay(now: number, freezes: readonly FreezeWindow[]): number {
  const today = Math.floor(now / DAY) * DAY;
  let fallback: number | undefined;
  for (let day = today - DAY; day >= today - SEARCH_DAYS * DAY; day -= DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday < 1 || weekday > 4) continue; // Monday to Thursday: no weekend freeze reaches in
    fallback ??= day;
    if (!frozen(day, freezes)) return day;
  }
  return fallback!;
}

function frozen(day: number, freezes: readonly FreezeWindow[]): boolean {
  for (let t = day + DEMO_CHANGE_HOURS.from; t < day + DEMO_CHANGE_HOURS.to; t += 5 * MINUTE)
    if (freezes.some((window) => insideFreeze(window, t))) return true;
  return false;
}
