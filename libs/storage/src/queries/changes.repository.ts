// Changes by service, environment, kind and time range (keyset-paged, newest first); changes by
// id; and a scan of every change started in a range, oldest first.
import type { Change, ChangeKind } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromChangeRow, type StoredChangeRow } from '../records/change.record.js';
import { asDate, pageSize, timeRange, type Instant } from './query-params.js';
import { keysetScan, type ScanRange } from './scan.js';
import { sqlFiles } from './sql-files.js';

export interface ChangesFilter {
  readonly from: Instant;
  readonly to: Instant;
  /** Only these services (default: all). */
  readonly services?: readonly string[];
  readonly environment?: string;
  readonly kinds?: readonly ChangeKind[];
}

/** Where a page of changes ended: the last change's start and id. */
export interface ChangesPosition {
  readonly startedAt: number;
  readonly id: string;
}

export interface ChangesQuery extends ChangesFilter {
  /** Default 100, at most 10,000. */
  readonly limit?: number;
  /** Only the changes after this position (the next page). */
  readonly after?: ChangesPosition;
}

export class ChangesRepository {
  private readonly sql = sqlFiles({
    list: 'changes/list',
    byIds: 'changes/by-ids',
    startedBetween: 'changes/started-between',
  });

  constructor(private readonly store: ClickHouseStore) {}

  /** Changes started in [from, to), newest first (and by id for equal starts). */
  async list(query: ChangesQuery): Promise<Change[]> {
    const range = timeRange(query.from, query.to);
    const rows = await this.store.query<StoredChangeRow>(this.sql.list, {
      ...range,
      services: query.services ?? [],
      environment: query.environment ?? '',
      kinds: query.kinds ?? [],
      paged: query.after !== undefined,
      beforeAt: query.after ? asDate(query.after.startedAt) : range.to,
      afterId: query.after?.id ?? '',
      limit: pageSize(query.limit),
    });
    return rows.map(fromChangeRow);
  }

  async byIds(ids: readonly string[]): Promise<Change[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.query<StoredChangeRow>(this.sql.byIds, { ids });
    return rows.map(fromChangeRow);
  }

  async get(id: string): Promise<Change | undefined> {
    return (await this.byIds([id]))[0];
  }

  /** Every change started in the range, in (startedAt, id) order, a page at a time. */
  scan(range: ScanRange, pageRows?: number): AsyncGenerator<Change[]> {
    return keysetScan(this.store, this.sql.startedBetween, fromChangeRow, range, pageRows);
  }
}
