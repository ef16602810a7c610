// Verification verdicts: every look at a change, or recent verdicts of a service.
import type { Verdict, VerdictOutcome } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromVerdictRow, type StoredVerdictRow } from '../records/verdict.record.js';
import { pageSize, timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export interface VerdictsQuery {
  readonly from: Instant;
  readonly to: Instant;
  readonly service?: string;
  readonly outcome?: VerdictOutcome;
  /** Only final looks (default false). */
  readonly finalOnly?: boolean;
  readonly limit?: number;
}

export class VerdictsRepository {
  private readonly sql = sqlFiles({ byChange: 'verdicts/by-change', list: 'verdicts/list' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Every look at the change, first to last. */
  async byChange(changeId: string): Promise<Verdict[]> {
    const rows = await this.store.query<StoredVerdictRow>(this.sql.byChange, { changeId });
    return rows.map(fromVerdictRow);
  }

  /** The latest look at the change (the final one once there is one). */
  async latest(changeId: string): Promise<Verdict | undefined> {
    const looks = await this.byChange(changeId);
    return looks.find((v) => v.final) ?? looks.at(-1);
  }

  /** Verdicts decided in [from, to), newest first. */
  async list(query: VerdictsQuery): Promise<Verdict[]> {
    const rows = await this.store.query<StoredVerdictRow>(this.sql.list, {
      ...timeRange(query.from, query.to),
      service: query.service ?? '',
      outcome: query.outcome ?? '',
      finalOnly: query.finalOnly ?? false,
      limit: pageSize(query.limit),
    });
    return rows.map(fromVerdictRow);
  }
}
