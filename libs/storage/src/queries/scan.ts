// Keyset scans: every record of a time range, a page at a time, for the readers that need all of
// them (the api's risk history and DORA figures) without one unbounded result. The query names
// the time it scans by (`started_at AS scan_at`) and ends in `{{parts/scan-page}}`: rows in
// (scan_at, id) order after where the previous page ended.
import type { ClickHouseStore } from '../port.js';
import { dbTime } from '../records/db-values.js';
import { asDate, asMs, type Instant } from './query-params.js';

export interface ScanRange {
  readonly from: Instant;
  readonly to: Instant;
  /** Only these services (default: all). */
  readonly services?: readonly string[];
}

/** What a scan query selects besides the record's columns: the time it scans by. */
interface ScanAt {
  readonly scan_at: string | number;
}

/** Rows per page of a scan. */
export const SCAN_PAGE_ROWS = 5_000;

/** The pages of the scan `sql` over `range`, at most `pageRows` records each, none empty. */
export async function* keysetScan<Row extends { readonly id: string }, T>(
  store: ClickHouseStore,
  sql: string,
  map: (row: Row) => T,
  range: ScanRange,
  pageRows = SCAN_PAGE_ROWS,
): AsyncGenerator<T[]> {
  let afterAt = asMs(range.from) - 1;
  let afterId = '';
  for (;;) {
    const rows = await store.query<Row & ScanAt>(sql, {
      from: asDate(range.from),
      to: asDate(range.to),
      services: range.services ?? [],
      afterAt: new Date(afterAt),
      afterId,
      limit: pageRows,
    });
    if (rows.length > 0) yield rows.map(map);
    if (rows.length < pageRows) return;
    const last = rows.at(-1)!;
    afterAt = dbTime(last.scan_at);
    afterId = last.id;
  }
}

/** Every record of a scan, in scan order. */
export async function collectScan<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}
