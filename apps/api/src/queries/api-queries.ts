// The api's own reads over ClickHouse, beyond what the storage repositories offer: ranked and
// keyset-paged lists, every recorded version of an incident or problem, scans for the risk
// history and DORA figures, batch lookups by change id, problem growth and recurrence. Each
// query is a reviewed `.sql` file next to this one; values travel only as parameters.
import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { projectPath } from '#config';
import type {
  Assessment,
  Change,
  Incident,
  IncidentStatus,
  Problem,
  ProblemStatus,
  Severity,
  Verdict,
} from '#contracts';
import { CLICKHOUSE_STORE, type ClickHouseStore } from '#storage';
import {
  dbTime,
  fromAssessmentRow,
  fromChangeRow,
  fromIncidentRow,
  fromProblemRow,
  fromVerdictRow,
  type StoredAssessmentRow,
  type StoredChangeRow,
  type StoredIncidentRow,
  type StoredProblemRow,
  type StoredVerdictRow,
} from '#storage';

const cache = new Map<string, string>();

/** The text of `sql/<name>.sql`, read once, closing `;` dropped. */
export function apiSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(projectPath('apps', 'api', 'src', 'queries', 'sql', `${name}.sql`), 'utf8')
      .replace(/\r\n?/g, '\n')
      .trimEnd()
      .replace(/;$/, '');
    cache.set(name, text);
  }
  return text;
}

const SQL = {
  incidentsRanked: 'incidents/ranked',
  incidentVersions: 'incidents/versions',
  incidentsOpened: 'incidents/opened-between',
  changesPage: 'changes/page',
  changesStarted: 'changes/started-between',
  verdictsByChanges: 'verdicts/by-changes',
  verdictsDecided: 'verdicts/decided-between',
  assessmentsByChanges: 'assessments/latest-by-changes',
  assessedBetween: 'assessments/assessed-between',
  problemsRanked: 'problems/ranked',
  problemsByIds: 'problems/by-ids',
  problemVersions: 'problems/versions',
  problemsCurrent: 'problems/current',
  weeklyRecurrence: 'problems/weekly-recurrence',
  metrics: 'telemetry/metrics',
} as const;

/** Rows per page of a scan. */
const SCAN_PAGE = 5_000;
const date = (ms: number) => new Date(ms);

export interface IncidentFilter {
  readonly from: number;
  readonly to: number;
  readonly service?: string;
  readonly environment?: string;
  readonly statuses?: readonly IncidentStatus[];
  readonly severities?: readonly Severity[];
}

export interface ChangeFilter {
  readonly from: number;
  readonly to: number;
  readonly services?: readonly string[];
  readonly environment?: string;
  readonly kinds?: readonly string[];
}

export interface ProblemRanking {
  readonly id: string;
  readonly inRange: number;
  readonly previous: number;
  readonly growth: number;
}

export type ProblemSort = 'impact' | 'count' | 'growth';

export interface ScanRange {
  readonly from: number;
  readonly to: number;
  readonly services?: readonly string[];
}

@Injectable()
export class ApiQueries {
  private readonly sql: Record<keyof typeof SQL, string>;

  constructor(@Inject(CLICKHOUSE_STORE) private readonly store: ClickHouseStore) {
    // Read at construction: a missing file fails the start, not the first request.
    this.sql = Object.fromEntries(Object.entries(SQL).map(([k, name]) => [k, apiSql(name)])) as Record<
      keyof typeof SQL,
      string
    >;
  }

  async incidentsRanked(filter: IncidentFilter, limit: number, offset: number): Promise<Incident[]> {
    const rows = await this.store.query<StoredIncidentRow>(this.sql.incidentsRanked, {
      from: date(filter.from),
      to: date(filter.to),
      service: filter.service ?? '',
      environment: filter.environment ?? '',
      statuses: filter.statuses ?? [],
      severities: filter.severities ?? [],
      limit,
      offset,
    });
    return rows.map(fromIncidentRow);
  }

  async incidentVersions(id: string): Promise<Incident[]> {
    return (await this.store.query<StoredIncidentRow>(this.sql.incidentVersions, { id })).map(
      fromIncidentRow,
    );
  }

  /** Changes newest first; `after` is the last (startedAt, id) of the previous page. */
  async changesPage(
    filter: ChangeFilter,
    limit: number,
    after?: { readonly startedAt: number; readonly id: string },
  ): Promise<Change[]> {
    const rows = await this.store.query<StoredChangeRow>(this.sql.changesPage, {
      from: date(filter.from),
      to: date(filter.to),
      services: filter.services ?? [],
      environment: filter.environment ?? '',
      kinds: filter.kinds ?? [],
      paged: after !== undefined,
      beforeAt: date(after?.startedAt ?? filter.to),
      afterId: after?.id ?? '',
      limit,
    });
    return rows.map(fromChangeRow);
  }

  scanChanges(range: ScanRange): AsyncGenerator<Change[]> {
    return this.scan(this.sql.changesStarted, range, fromChangeRow, (c) => c.startedAt);
  }

  scanVerdicts(range: ScanRange): AsyncGenerator<Verdict[]> {
    return this.scan(this.sql.verdictsDecided, range, fromVerdictRow, (v) => v.decidedAt);
  }

  scanIncidents(range: ScanRange): AsyncGenerator<Incident[]> {
    return this.scan(this.sql.incidentsOpened, range, fromIncidentRow, (i) => i.openedAt);
  }

  async verdictsByChanges(ids: readonly string[]): Promise<Verdict[]> {
    if (ids.length === 0) return [];
    return (await this.store.query<StoredVerdictRow>(this.sql.verdictsByChanges, { ids })).map(
      fromVerdictRow,
    );
  }

  async latestAssessments(ids: readonly string[]): Promise<Assessment[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.query<StoredAssessmentRow>(this.sql.assessmentsByChanges, { ids });
    return rows.map(fromAssessmentRow);
  }

  /** The probability each change was given on arrival, for changes assessed in the range. */
  async assessedBetween(
    range: { readonly from: number; readonly to: number },
    service?: string,
  ): Promise<{ changeId: string; service: string; probability: number; assessedAt: number }[]> {
    const rows = await this.store.query<{
      change_id: string;
      service: string;
      probability: number;
      assessed_at: string | number;
    }>(this.sql.assessedBetween, { from: date(range.from), to: date(range.to), service: service ?? '' });
    return rows.map((r) => ({
      changeId: r.change_id,
      service: r.service,
      probability: r.probability,
      assessedAt: dbTime(r.assessed_at),
    }));
  }

  async problemsRanked(
    filter: {
      readonly from: number;
      readonly to: number;
      readonly service?: string;
      readonly statuses?: readonly ProblemStatus[];
      readonly activeOnly: boolean;
    },
    sort: ProblemSort,
    limit: number,
    offset: number,
  ): Promise<ProblemRanking[]> {
    const rows = await this.store.query<{
      id: string;
      in_range: string | number;
      previous: string | number;
      growth: string | number;
    }>(this.sql.problemsRanked, {
      from: date(filter.from),
      to: date(filter.to),
      previousFrom: date(filter.from - (filter.to - filter.from)),
      service: filter.service ?? '',
      statuses: filter.statuses ?? [],
      activeOnly: filter.activeOnly,
      sort,
      limit,
      offset,
    });
    return rows.map((r) => ({
      id: r.id,
      inRange: Number(r.in_range),
      previous: Number(r.previous),
      growth: Number(r.growth),
    }));
  }

  async problemsByIds(ids: readonly string[]): Promise<Problem[]> {
    if (ids.length === 0) return [];
    return (await this.store.query<StoredProblemRow>(this.sql.problemsByIds, { ids })).map(fromProblemRow);
  }

  async problemVersions(id: string): Promise<Problem[]> {
    return (await this.store.query<StoredProblemRow>(this.sql.problemVersions, { id })).map(fromProblemRow);
  }

  /** Open problems and those changed since `from` (at most `limit`). */
  async currentProblems(from: number, limit = 100_000): Promise<Problem[]> {
    const rows = await this.store.query<StoredProblemRow>(this.sql.problemsCurrent, {
      from: date(from),
      limit,
    });
    return rows.map(fromProblemRow);
  }

  async weeklyRecurrence(
    from: number,
    to: number,
    service?: string,
  ): Promise<{ week: string; incidents: number; problems: number }[]> {
    const rows = await this.store.query<{
      week: string;
      incidents: string | number;
      problems: string | number;
    }>(this.sql.weeklyRecurrence, { from: date(from), to: date(to), service: service ?? '' });
    return rows.map((r) => ({ week: r.week, incidents: Number(r.incidents), problems: Number(r.problems) }));
  }

  async metricsOf(
    services: readonly string[],
    from: number,
    to: number,
    environment?: string,
  ): Promise<{ service: string; metric: string; unit: string | null }[]> {
    if (services.length === 0) return [];
    return this.store.query(this.sql.metrics, {
      services,
      environment: environment ?? '',
      from: date(from),
      to: date(to),
    });
  }

  /** Pages of a keyset scan in (time, id) order, SCAN_PAGE rows at a time. */
  private async *scan<Row, T extends { readonly id: string }>(
    sql: string,
    range: ScanRange,
    map: (row: Row) => T,
    timeOf: (value: T) => number,
  ): AsyncGenerator<T[]> {
    let afterAt = range.from - 1;
    let afterId = '';
    for (;;) {
      const rows = await this.store.query<Row>(sql, {
        from: date(range.from),
        to: date(range.to),
        services: range.services ?? [],
        afterAt: date(afterAt),
        afterId,
        limit: SCAN_PAGE,
      });
      const page = rows.map(map);
      if (page.length > 0) yield page;
      if (page.length < SCAN_PAGE) return;
      const last = page.at(-1)!;
      afterAt = timeOf(last);
      afterId = last.id;
    }
  }
}
