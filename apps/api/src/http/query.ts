// Query parameters shared by the list endpoints, each checked with a 400 naming the parameter:
// `limit` (1…max), `cursor` (opaque, from a previous page's `next`), `from`/`to` (ISO 8601 or
// epoch milliseconds, from 2000-01-01 to 2199-12-31: nothing is recorded earlier, and the store's
// time types end not long after), names (`service`, `environment`, `team`) and enumerations
// given once, repeated or comma-separated (`status=open,acknowledged`). Every value is checked
// here, at the edge, so nothing a caller writes reaches a query it could make fail.
import { DEFAULT_MIN_TIMESTAMP, nameTextProblem } from '#contracts';
import { parseInstantText } from '#core';
import { badRequest } from './api-error.js';

export type Query = Record<string, unknown>;

const MAX_NAME_LENGTH = 512;

function single(query: Query, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(field, 'give it once, as text');
  return value.trim() === '' ? undefined : value.trim();
}

export function parseLimit(query: Query, fallback = 50, max = 1_000): number {
  return parseOptionalInteger(query, 'limit', 1, max) ?? fallback;
}

/** An integer from min to max, or undefined when not given. */
export function parseOptionalInteger(
  query: Query,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const text = single(query, field);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw badRequest(field, `"${text}" is not an integer from ${min} to ${max}`);
  }
  return Number(text);
}

/** The instants a query may name: [2000-01-01, 2200-01-01). */
export const EARLIEST_INSTANT = DEFAULT_MIN_TIMESTAMP;
export const LATEST_INSTANT = Date.UTC(2200, 0, 1);

export function inInstantRange(ms: number): boolean {
  return ms >= EARLIEST_INSTANT && ms < LATEST_INSTANT;
}

export function parseInstant(query: Query, field: string): number | undefined {
  const text = single(query, field);
  if (text === undefined) return undefined;
  const ms = parseInstantText(text);
  if (ms === undefined)
    throw badRequest(field, `"${text}" is not an ISO 8601 date-time or epoch milliseconds`);
  if (!inInstantRange(ms)) {
    throw badRequest(
      field,
      `"${text}" is ${iso(ms)}; give an instant from ${iso(EARLIEST_INSTANT)} to ${iso(LATEST_INSTANT - 1)}`,
    );
  }
  return ms;
}

export interface TimeRange {
  readonly from: number;
  readonly to: number;
  /** Whether the caller gave from or to (else both are the defaults). */
  readonly explicit: boolean;
}

/** [from, to): defaults to the `defaultSpanMs` before `to`, and `to` to now (+ `toSlackMs`). */
export function parseRange(query: Query, now: number, defaultSpanMs: number, toSlackMs = 0): TimeRange {
  const from = parseInstant(query, 'from');
  const to = parseInstant(query, 'to');
  const end = to ?? (from !== undefined ? Math.max(now + toSlackMs, from + 1) : now + toSlackMs);
  const start = from ?? end - defaultSpanMs;
  if (!(start < end)) throw badRequest('from', `from (${iso(start)}) must be before to (${iso(end)})`);
  return { from: start, to: end, explicit: from !== undefined || to !== undefined };
}

export function parseName(query: Query, field: string): string | undefined {
  const text = single(query, field);
  if (text === undefined) return undefined;
  if (text.length > MAX_NAME_LENGTH) {
    throw badRequest(field, `is ${text.length} characters long; the limit is ${MAX_NAME_LENGTH}`);
  }
  const problem = nameTextProblem(text);
  if (problem) throw badRequest(field, problem);
  return text;
}

/** Values of an enumeration, repeated or comma-separated; undefined when not given. */
export function parseEnumList<T extends string>(
  query: Query,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => {
    if (typeof v !== 'string') throw badRequest(field, 'expected text');
    return v.split(',');
  });
  const items = parts.map((p) => p.trim()).filter(Boolean);
  const unknown = items.find((i) => !(allowed as readonly string[]).includes(i));
  if (unknown !== undefined) throw badRequest(field, `"${unknown}" is not one of ${allowed.join(', ')}`);
  return items.length > 0 ? ([...new Set(items)] as T[]) : undefined;
}

export function parseEnum<T extends string>(
  query: Query,
  field: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const text = single(query, field);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw badRequest(field, `"${text}" is not one of ${allowed.join(', ')}`);
  }
  return text as T;
}

export function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

// ——— cursors ———

/** Opaque page cursor: base64url JSON with the list it belongs to. */
export function encodeCursor(list: string, position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify({ l: list, ...position })).toString('base64url');
}

/** The position of a cursor of `list`, or undefined when none was given; 400 when malformed. */
export function parseCursor(query: Query, list: string): Record<string, unknown> | undefined {
  const text = single(query, 'cursor');
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('cursor', 'is not a cursor this API gave out (use the `next` of a previous page)');
  }
  if (typeof value !== 'object' || value === null || (value as { l?: unknown }).l !== list) {
    throw badRequest('cursor', `is not a cursor of this list (${list})`);
  }
  return value as Record<string, unknown>;
}

/** No list is paged this far; a larger offset is a forged cursor. */
const MAX_OFFSET = 1_000_000_000;

/** An offset cursor: the position `o` as a non-negative integer. */
export function parseOffsetCursor(query: Query, list: string): number {
  const position = parseCursor(query, list);
  if (position === undefined) return 0;
  const offset = position.o;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw badRequest('cursor', 'is not a cursor this API gave out');
  }
  return offset;
}

export interface PageOf<T> {
  readonly items: T[];
  /** Cursor of the next page; null on the last page. */
  readonly next: string | null;
}

/** A page from `limit + 1` fetched rows: the extra row only says that there is a next page. */
export function offsetPage<T>(rows: T[], limit: number, offset: number, list: string): PageOf<T> {
  const more = rows.length > limit;
  return { items: rows.slice(0, limit), next: more ? encodeCursor(list, { o: offset + limit }) : null };
}
