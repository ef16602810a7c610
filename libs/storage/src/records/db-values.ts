// How values come back from ClickHouse (JSONEachRow on both drivers) and how they go in.
// DateTime64(3, 'UTC') goes in as epoch milliseconds (a JSON number is read as ticks) and comes
// back as text in UTC ('2026-11-02 12:00:00.000', or ISO 8601 where a server is configured so);
// 64-bit integers come back as strings.

const TEXT_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z?$/;

/** A DateTime64 (text) or epoch-millisecond value (number or Int64 string) as epoch milliseconds. */
export function dbTime(value: string | number): number {
  if (typeof value === 'number') return value;
  if (/^-?\d+$/.test(value)) return Number(value);
  const match = TEXT_TIME.exec(value);
  if (!match) throw new Error(`not a ClickHouse time: ${JSON.stringify(value)}`);
  return Date.parse(`${match[1]}T${match[2]}Z`);
}

export function dbTimeOrNull(value: string | number | null): number | null {
  return value === null ? null : dbTime(value);
}

/** Int64/UInt64 (a string on the wire) or a smaller integer (a number) as a number. */
export function dbInt(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

export function dbIntOrNull(value: string | number | null): number | null {
  return value === null ? null : dbInt(value);
}

/** Bool columns come back as true/false; older servers as 0/1. */
export function dbBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

export function dbBoolOrNull(value: boolean | number | null): boolean | null {
  return value === null ? null : dbBool(value);
}
