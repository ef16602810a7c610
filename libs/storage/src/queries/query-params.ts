// Small helpers the repositories share for their parameters.

/** A point in time as the repositories accept it: epoch milliseconds or a Date. */
export type Instant = number | Date;

export function asDate(value: Instant): Date {
  return value instanceof Date ? value : new Date(value);
}

export function asMs(value: Instant): number {
  return value instanceof Date ? value.getTime() : value;
}

/** A page size within 1..max (default `fallback`). */
export function pageSize(limit: number | undefined, fallback = 100, max = 10_000): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, max);
}

export function pageOffset(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
  return offset;
}

export function timeRange(from: Instant, to: Instant): { from: Date; to: Date } {
  const range = { from: asDate(from), to: asDate(to) };
  if (!(range.from.getTime() < range.to.getTime())) {
    throw new RangeError(
      `time range is empty: from ${range.from.toISOString()} is not before to ${range.to.toISOString()}`,
    );
  }
  return range;
}

/** A number column that may come back as null (no rows) or NaN text. */
export function numberOrNull(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Two names as one key: how a query's `Array(String)` parameter names (service, metric) or
 * (service, fingerprint) pairs; the SQL builds the same with concat(a, '\0', b).
 */
export function pairKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}
