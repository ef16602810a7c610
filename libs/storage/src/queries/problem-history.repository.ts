// What the problems app restores its book from (ClickHouse side; the log holds what the recorder
// has not written yet): incidents, problems and problem managers' commands since a time.
import type { Incident, Problem, ProblemCommand } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromIncidentRow, type StoredIncidentRow } from '../records/incident.record.js';
import { fromProblemCommandRow, type StoredProblemCommandRow } from '../records/problem-command.record.js';
import { fromProblemRow, type StoredProblemRow } from '../records/problem.record.js';
import { sqlFiles } from './sql-files.js';

export interface ProblemHistory {
  readonly incidents: Incident[];
  readonly problems: Problem[];
  readonly commands: ProblemCommand[];
}

export class ProblemHistoryRepository {
  private readonly sql = sqlFiles({
    incidents: 'restore/incidents-since',
    problems: 'restore/problems-since',
    commands: 'restore/problem-commands-since',
  });

  constructor(private readonly store: ClickHouseStore) {}

  async since(since: number): Promise<ProblemHistory> {
    const params = { since };
    const [incidents, problems, commands] = await Promise.all([
      this.store.query<StoredIncidentRow>(this.sql.incidents, params),
      this.store.query<StoredProblemRow>(this.sql.problems, params),
      this.store.query<StoredProblemCommandRow>(this.sql.commands, params),
    ]);
    return {
      incidents: incidents.map(fromIncidentRow),
      problems: problems.map(fromProblemRow),
      commands: commands.map(fromProblemCommandRow),
    };
  }
}
