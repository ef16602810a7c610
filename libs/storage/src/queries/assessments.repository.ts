// Risk assessments of a change.
import type { Assessment } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromAssessmentRow, type StoredAssessmentRow } from '../records/assessment.record.js';
import { sqlFiles } from './sql-files.js';

export class AssessmentsRepository {
  private readonly sql = sqlFiles({ byChange: 'assessments/by-change' });

  constructor(private readonly store: ClickHouseStore) {}

  /** Newest first. */
  async byChange(changeId: string): Promise<Assessment[]> {
    const rows = await this.store.query<StoredAssessmentRow>(this.sql.byChange, { changeId });
    return rows.map(fromAssessmentRow);
  }
}
