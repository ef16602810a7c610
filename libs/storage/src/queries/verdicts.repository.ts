// Verification verdicts: every look at some changes, recent verdicts of a service, and a scan of
// every look decided in a range.
import type { Verdict, VerdictOutcome } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromVerdictRow, type StoredVerdictRow } from '../records/verdict.record.js';
import { pageSize, timeRange, type Instant } from './query-params.js';
import { keysetScan, type ScanRange } from './scan.js';
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
  private readonly sql = sqlFiles({
    byChanges: 'verdicts/by-changes',
    list: 'verdicts/list',
    decidedBetween: 'verdicts/decided-between',
  });

  constructor(private readonly store: ClickHouseStore) {}

  /** Every look at the changes, by change id, first look to last. */
  async byChanges(ids: readonly string[]): Promise<Verdict[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.query<StoredVerdictRow>(this.sql.byChanges, { ids });
    return rows.map(fromVerdictRow);
  }

  /** Every look at the change, first to last. */
  byChange(changeId: string): Promise<Verdict[]> {
    return this.byChanges([changeId]);
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

  /** Every look decided in the range, in (decidedAt, id) order, a page at a time. */
  scan(range: ScanRange, pageRows?: number): AsyncGenerator<Verdict[]> {
    return keysetScan(this.store, this.sql.decidedBetween, fromVerdictRow, range, pageRows);
  }
}
