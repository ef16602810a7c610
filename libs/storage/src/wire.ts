// What both drivers send the same way: bound parameters, insert payloads and the settings that
// make reads and writes behave identically on the embedded engine and on a server.
import { StoreError, type QueryParams } from './port.js';

/**
 * Settings for every statement. 64-bit integers come back as strings whatever the engine's
 * default (it changed across ClickHouse versions), so JS never loses precision silently.
 */
export const SESSION_SETTINGS = {
  output_format_json_quote_64bit_integers: 1,
} as const;

/**
 * Settings for every insert. `async_insert = 0`: an insert returns only once its part is
 * written (chDB enables async inserts by default, which would acknowledge rows still in a
 * buffer). `best_effort` accepts the ISO-8601 text `Date` serialises to. Unknown fields are an
 * error rather than silently dropped columns.
 */
export const INSERT_SETTINGS = {
  async_insert: 0,
  insert_deduplicate: 1,
  date_time_input_format: 'best_effort',
  input_format_skip_unknown_fields: 0,
} as const;

export function insertSettings(dedupToken: string | undefined): Record<string, string | number> {
  return dedupToken === undefined
    ? { ...INSERT_SETTINGS }
    : { ...INSERT_SETTINGS, insert_deduplication_token: dedupToken };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Table names are spliced into INSERT statements, so only plain `name` or `db.name` pass. */
export function assertIdentifier(name: string, what = 'table'): string {
  if (!IDENTIFIER.test(name)) {
    throw new StoreError(`invalid ${what} name ${JSON.stringify(name)}: use letters, digits and _`, false);
  }
  return name;
}

/**
 * Parameters as both drivers should bind them. Dates become Unix seconds with milliseconds
 * (`1700000000.123`): time-zone agnostic and precise to the millisecond for DateTime64(3),
 * where chDB's own formatting would drop the milliseconds.
 */
export function wireParams(params: QueryParams | undefined): QueryParams {
  if (!params) return {};
  const out: QueryParams = {};
  for (const [name, value] of Object.entries(params)) out[name] = wireValue(value);
  return out;
}

function wireValue(value: unknown): unknown {
  if (value instanceof Date) return unixSeconds(value);
  if (Array.isArray(value)) return value.map(wireValue);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [wireValue(k), wireValue(v)]));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireValue(v)]));
  }
  return value;
}

function unixSeconds(date: Date): string {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new StoreError('invalid Date in query parameters', false);
  const seconds = Math.floor(ms / 1000);
  const millis = ms - seconds * 1000;
  return millis === 0 ? String(seconds) : `${seconds}.${String(millis).padStart(3, '0')}`;
}

/** JSON for one row; bigints (UInt64 and wider) travel as strings, which ClickHouse parses. */
export function stringifyRow(row: unknown): string {
  try {
    return JSON.stringify(row);
  } catch (error) {
    // The replacer costs ~2x, so it is only the fallback for rows that hold a bigint.
    if (error instanceof TypeError && /BigInt/i.test(error.message))
      return JSON.stringify(row, bigintAsString);
    throw error;
  }
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A JSONEachRow result as rows (JSON escapes newlines inside values, so lines are rows). */
export function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as T);
  return rows;
}

/** Rows as one JSONEachRow payload. */
export function encodeJsonEachRow(rows: readonly unknown[]): Buffer {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) lines[i] = stringifyRow(rows[i]);
  return Buffer.from(lines.join('\n'), 'utf8');
}
