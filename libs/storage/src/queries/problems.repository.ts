// Problems (recurring-incident clusters): ranked by impact, count or recency, or by their member
// incidents in a range; one problem with its member incidents; every recorded version of one; the
// ones the risk model needs; and recurrence per week.
import type { Problem, ProblemCommand, ProblemStatus } from '#contracts';
import type { ClickHouseStore } from '../port.js';
import { fromIncidentRow, type StoredIncidentRow } from '../records/incident.record.js';
import { fromProblemCommandRow, type StoredProblemCommandRow } from '../records/problem-command.record.js';
import { fromProblemRow, type StoredProblemRow } from '../records/problem.record.js';
import { summarise, type IncidentSummary } from './incidents.repository.js';
import { asDate, pageOffset, pageSize, timeRange, type Instant } from './query-params.js';
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

export type ProblemSort = 'impact' | 'count' | 'growth';

export interface ProblemRankingQuery {
  /** Member incidents opened in [from, to) count; the range of equal length before it is `previous`. */
  readonly from: Instant;
  readonly to: Instant;
  /** Problems affecting this service. */
  readonly service?: string;
  readonly statuses?: readonly ProblemStatus[];
  /** Only problems with a member incident opened in the range. */
  readonly activeOnly: boolean;
  /** Highest first: impact, members in the range, or growth (in the range minus before). */
  readonly sort: ProblemSort;
  readonly limit?: number;
  readonly offset?: number;
}

export interface ProblemRanking {
  readonly id: string;
  readonly inRange: number;
  readonly previous: number;
  readonly growth: number;
}

export interface WeeklyRecurrence {
  /** The Monday the week starts on (UTC), `YYYY-MM-DD`. */
  readonly week: string;
  /** Member incidents of problems opened that week. */
  readonly incidents: number;
  /** Problems with a member incident opened that week. */
  readonly problems: number;
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
    ranked: 'problems/ranked',
    versions: 'problems/versions',
    current: 'problems/current',
    weeklyRecurrence: 'problems/weekly-recurrence',
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

  /** A page of problem ids with their member counts in the range and before it, ranked. */
  async ranked(query: ProblemRankingQuery): Promise<ProblemRanking[]> {
    const { from, to } = timeRange(query.from, query.to);
    const rows = await this.store.query<{
      id: string;
      in_range: string | number;
      previous: string | number;
      growth: string | number;
    }>(this.sql.ranked, {
      from,
      to,
      previousFrom: new Date(from.getTime() - (to.getTime() - from.getTime())),
      service: query.service ?? '',
      statuses: query.statuses ?? [],
      activeOnly: query.activeOnly,
      sort: query.sort,
      limit: pageSize(query.limit, 50),
      offset: pageOffset(query.offset),
    });
    return rows.map((r) => ({
      id: r.id,
      inRange: Number(r.in_range),
      previous: Number(r.previous),
      growth: Number(r.growth),
    }));
  }

  /** Newest version of each, by id. */
  async byIds(ids: readonly string[]): Promise<Problem[]> {
    if (ids.length === 0) return [];
    return (await this.store.query<StoredProblemRow>(this.sql.byIds, { ids })).map(fromProblemRow);
  }

  async get(id: string): Promise<Problem | undefined> {
    return (await this.byIds([id]))[0];
  }

  /** Every recorded version of the problem, first to last, also after the current table merged. */
  async versions(id: string): Promise<Problem[]> {
    return (await this.store.query<StoredProblemRow>(this.sql.versions, { id })).map(fromProblemRow);
  }

  /** Open problems and those changed since `from` (at most `limit`), by id. */
  async current(from: Instant, limit = 100_000): Promise<Problem[]> {
    const rows = await this.store.query<StoredProblemRow>(this.sql.current, {
      from: asDate(from),
      limit,
    });
    return rows.map(fromProblemRow);
  }

  /** Per week (Monday, UTC) with any, the member incidents of problems (optionally affecting a service) opened in [from, to). */
  async weeklyRecurrence(from: Instant, to: Instant, service?: string): Promise<WeeklyRecurrence[]> {
    const rows = await this.store.query<{
      week: string;
      incidents: string | number;
      problems: string | number;
    }>(this.sql.weeklyRecurrence, { ...timeRange(from, to), service: service ?? '' });
    return rows.map((r) => ({ week: r.week, incidents: Number(r.incidents), problems: Number(r.problems) }));
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
