// Changes by service, environment, kind and time range; changes by id.
import type { Change, ChangeKind } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromChangeRow, type StoredChangeRow } from '../records/change.record.js';
import { pageSize, timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export interface ChangesQuery {
  readonly from: Instant;
  readonly to: Instant;
  /** Only these services (default: all). */
  readonly services?: readonly string[];
  readonly environment?: string;
  readonly kinds?: readonly ChangeKind[];
  /** Default 100, at most 10,000. */
  readonly limit?: number;
}

export class ChangesRepository {
  private readonly sql = sqlFiles({ list: 'changes/list', byIds: 'changes/by-ids' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Changes started in [from, to), newest first. */
  async list(query: ChangesQuery): Promise<Change[]> {
    const rows = await this.store.query<StoredChangeRow>(this.sql.list, {
      ...timeRange(query.from, query.to),
      services: query.services ?? [],
      environment: query.environment ?? '',
      kinds: query.kinds ?? [],
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
}
