// A calendar window's `startTime`: a wall time with no offset, read in the window's zone.
import type { WallTime } from './model.js';

/** `2022-01-01 12:00:00` (or with a `T`) as its parts; undefined when no such time exists. */
export function parseWallTime(text: string): WallTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const wall = { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second! };
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day));
  const dateExists = date.getUTCMonth() === wall.month - 1 && date.getUTCDate() === wall.day;
  return dateExists && wall.hour < 24 && wall.minute < 60 && wall.second < 60 ? wall : undefined;
}
