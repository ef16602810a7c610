// Problems (recurring-incident clusters) ranked by impact, count or recency, and one problem with
// its member incidents.
import type { Problem, ProblemCommand, ProblemStatus } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromIncidentRow, type StoredIncidentRow } from '../records/incident.record.js';
import { fromProblemCommandRow, type StoredProblemCommandRow } from '../records/problem-command.record.js';
import { fromProblemRow, type StoredProblemRow } from '../records/problem.record.js';
import { summarise, type IncidentSummary } from './incidents.repository.js';
import { pageOffset, pageSize } from './query-params.js';
import { sqlFiles } from './sql-files.js';

export interface ProblemsQuery {
  readonly statuses?: readonly ProblemStatus[];
  /** Problems affecting this service. */
  readonly service?: string;
  /** Ranking, highest first (default impact). */
  readonly orderBy?: 'impact' | 'count' | 'last_seen';
  readonly limit?: number;
  readonly offset?: number;
}

export interface ProblemWithMembers {
  readonly problem: Problem;
  /** The member incidents that are recorded, newest first. */
  readonly members: IncidentSummary[];
  /** What problem managers did to it, in order. */
  readonly commands: ProblemCommand[];
}

export class ProblemsRepository {
  private readonly sql = sqlFiles({
    list: 'problems/list',
    byIds: 'problems/by-ids',
    incidents: 'incidents/by-ids',
    ofIncident: 'problems/of-incident',
    commands: 'problems/commands',
  });

  constructor(private readonly store: ClickHouseStore) {}

  async list(query: ProblemsQuery = {}): Promise<Problem[]> {
    const rows = await this.store.query<StoredProblemRow>(this.sql.list, {
      statuses: query.statuses ?? [],
      service: query.service ?? '',
      orderBy: query.orderBy ?? 'impact',
      limit: pageSize(query.limit, 50, 1_000),
      offset: pageOffset(query.offset),
    });
    return rows.map(fromProblemRow);
  }

  async get(id: string): Promise<Problem | undefined> {
    const rows = await this.store.query<StoredProblemRow>(this.sql.byIds, { ids: [id] });
    return rows.map(fromProblemRow)[0];
  }

  async withMembers(id: string): Promise<ProblemWithMembers | undefined> {
    const problem = await this.get(id);
    if (!problem) return undefined;
    const [rows, commands] = await Promise.all([
      problem.members.length > 0
        ? this.store.query<StoredIncidentRow>(this.sql.incidents, { ids: problem.members })
        : [],
      this.store.query<StoredProblemCommandRow>(this.sql.commands, { problemId: id }),
    ]);
    return {
      problem,
      members: rows.map((row) => summarise(fromIncidentRow(row))),
      commands: commands.map(fromProblemCommandRow),
    };
  }

  /** Ids of the problems an incident belongs to now. */
  async ofIncident(incidentId: string): Promise<string[]> {
    return (await this.store.query<{ id: string }>(this.sql.ofIncident, { incidentId })).map((r) => r.id);
  }
}
