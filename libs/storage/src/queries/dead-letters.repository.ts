// Dead letters for inspection (and replay): what was refused, where, when and why.
import type { ClickHouseStore } from '../port.js';
import {
  fromDeadLetterRow,
  type StoredDeadLetter,
  type StoredDeadLetterRow,
} from '../records/dead-letter.record.js';
import { pageSize, timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export interface DeadLettersQuery {
  readonly from: Instant;
  readonly to: Instant;
  /** Original topic or HTTP endpoint. */
  readonly source?: string;
  readonly code?: string;
  readonly limit?: number;
}

export class DeadLettersRepository {
  private readonly sql = sqlFiles({ list: 'dead-letters/list' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Refused in [from, to), newest first. */
  async list(query: DeadLettersQuery): Promise<StoredDeadLetter[]> {
    const rows = await this.store.query<StoredDeadLetterRow>(this.sql.list, {
      ...timeRange(query.from, query.to),
      source: query.source ?? '',
      code: query.code ?? '',
      limit: pageSize(query.limit),
    });
    return rows.map(fromDeadLetterRow);
  }
}
