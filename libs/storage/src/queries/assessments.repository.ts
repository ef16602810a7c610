// Risk assessments: of a change, the newest of some changes, and what the gate said of the
// changes assessed in a range.
import type { Assessment } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromAssessmentRow, type StoredAssessmentRow } from '../records/assessment.record.js';
import { dbTime } from '../records/db-values.js';
import { timeRange, type Instant } from './query-params.js';
import { sqlFiles } from './sql-files.js';

/** The probability a change was given when it arrived (its published assessment). */
export interface AssessedChange {
  readonly changeId: string;
  readonly service: string;
  readonly probability: number;
  readonly assessedAt: number;
}

export class AssessmentsRepository {
  private readonly sql = sqlFiles({
    byChange: 'assessments/by-change',
    latestByChanges: 'assessments/latest-by-changes',
    assessedBetween: 'assessments/assessed-between',
  });

  constructor(private readonly store: ClickHouseStore) {}

  /** Newest first. */
  async byChange(changeId: string): Promise<Assessment[]> {
    const rows = await this.store.query<StoredAssessmentRow>(this.sql.byChange, { changeId });
    return rows.map(fromAssessmentRow);
  }

  /** The newest assessment of each of the changes (none for a change never assessed), by change id. */
  async latestByChanges(ids: readonly string[]): Promise<Assessment[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.query<StoredAssessmentRow>(this.sql.latestByChanges, { ids });
    return rows.map(fromAssessmentRow);
  }

  /** Changes assessed in [from, to), optionally of one service, by time (at most 100,000). */
  async assessedBetween(
    range: { readonly from: Instant; readonly to: Instant },
    service?: string,
  ): Promise<AssessedChange[]> {
    const rows = await this.store.query<{
      change_id: string;
      service: string;
      probability: number;
      assessed_at: string | number;
    }>(this.sql.assessedBetween, { ...timeRange(range.from, range.to), service: service ?? '' });
    return rows.map((r) => ({
      changeId: r.change_id,
      service: r.service,
      probability: r.probability,
      assessedAt: dbTime(r.assessed_at),
    }));
  }
}
