// Incidents: a filtered, paged list of summaries or of whole incidents in triage order, the
// detail of one (its newest version with suspects, their evidence and changes, members, the
// timeline of versions, and the problems it belongs to), every recorded version of one, and a
// scan of those opened in a range. Every read but the versions is of the newest version of each
// incident (FINAL).
import type {
  Change,
  ChangeKind,
  Incident,
  IncidentCommand,
  IncidentKind,
  IncidentStatus,
  Problem,
  Severity,
} from '#contracts';
import { alertNamesOf, suspectServiceOf } from '#core';
import type { ClickHouseStore } from '../port.js';
import {
  fromIncidentEventRow,
  fromIncidentRow,
  type IncidentTimelineEntry,
  type StoredIncidentEventRow,
  type StoredIncidentRow,
} from '../records/incident.record.js';
import { fromChangeRow, type StoredChangeRow } from '../records/change.record.js';
import { fromProblemRow, type StoredProblemRow } from '../records/problem.record.js';
import { fromIncidentCommandRow, type StoredIncidentCommandRow } from '../records/incident-command.record.js';
import { asDate, pageOffset, pageSize, timeRange, type Instant } from './query-params.js';
import { keysetScan, type ScanRange } from './scan.js';
import { sqlFiles } from './sql-files.js';

export interface IncidentsFilter {
  /** Incidents open at some time in [from, to). */
  readonly from: Instant;
  readonly to: Instant;
  /** Primary or affected service. */
  readonly service?: string;
  readonly environment?: string;
  readonly statuses?: readonly IncidentStatus[];
  readonly severities?: readonly Severity[];
  /** Text in the title or summary (case-insensitive), or the incident's id. */
  readonly text?: string;
  /** A change among its suspects. */
  readonly change?: string;
  /** Who it is assigned to. */
  readonly assignee?: string;
  /** Snoozed at `snoozedAt` (true) or not (false); absent: either. */
  readonly snoozed?: { readonly is: boolean; readonly at: Instant };
}

export interface IncidentsQuery extends IncidentsFilter {
  /** Page size, default 50 (at most 1,000 in `list`, 10,000 in `ranked`). */
  readonly limit?: number;
  readonly offset?: number;
}

export interface IncidentSummary {
  readonly id: string;
  readonly version: number;
  readonly status: IncidentStatus;
  readonly kind: IncidentKind;
  readonly title: string;
  readonly severity: Severity;
  readonly service: string;
  readonly services: string[];
  readonly environment: string;
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly resolvedAt: number | null;
  readonly blastRadius: number;
  readonly memberCount: number;
  /** The most probable suspect (it may be the "no change" alternative, changeId null). */
  readonly topSuspect: {
    readonly changeId: string | null;
    readonly service: string | null;
    readonly kind: ChangeKind | null;
    readonly probability: number;
  } | null;
  readonly team: string | null;
}

export interface IncidentPage {
  readonly items: IncidentSummary[];
  /** Incidents matching the filters, over all pages. */
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface IncidentDetail {
  readonly incident: Incident;
  /** The suspects' change records, by change id (suspects whose change is not recorded are absent). */
  readonly suspectChanges: Record<string, Change>;
  /** Every version, first to last. */
  readonly timeline: IncidentTimelineEntry[];
  /** What people did to it (acknowledge, resolve, comment, severity), in order. */
  readonly commands: IncidentCommand[];
  /** Problems the incident currently belongs to. */
  readonly problemIds: string[];
}

/** What the core needs to say which incidents are like one (see similarIncidents). */
export interface SimilarCandidates {
  readonly incident: Incident;
  /** Incidents sharing a problem, the service, the suspect's service, an alert name or the title (digits aside), newest first. */
  readonly candidates: Incident[];
  /** The problems of the incident and of the candidates. */
  readonly problems: Problem[];
}

export class IncidentsRepository {
  private readonly sql = sqlFiles({
    list: 'incidents/list',
    count: 'incidents/count',
    ranked: 'incidents/ranked',
    versions: 'incidents/versions',
    openedBetween: 'incidents/opened-between',
    byIds: 'incidents/by-ids',
    timeline: 'incidents/timeline',
    changes: 'changes/by-ids',
    problems: 'problems/of-incident',
    commands: 'incidents/commands',
    firstResponses: 'incidents/first-responses',
    similar: 'incidents/similar',
    problemsOf: 'problems/of-incidents',
  });

  constructor(private readonly store: ClickHouseStore) {}

  /** Summaries, newest first, with the number matching over all pages. */
  async list(query: IncidentsQuery): Promise<IncidentPage> {
    const limit = pageSize(query.limit, 50, 1_000);
    const offset = pageOffset(query.offset);
    const params = { ...filterParams(query), limit, offset };
    const [rows, [count]] = await Promise.all([
      this.store.query<StoredIncidentRow>(this.sql.list, params),
      this.store.query<{ total: string }>(this.sql.count, params),
    ]);
    return {
      items: rows.map((row) => summarise(fromIncidentRow(row))),
      total: Number(count?.total ?? 0),
      limit,
      offset,
    };
  }

  /** Whole incidents in triage order: open, acknowledged, resolved; most severe first; newest first. */
  async ranked(query: IncidentsQuery): Promise<Incident[]> {
    const rows = await this.store.query<StoredIncidentRow>(this.sql.ranked, {
      ...filterParams(query),
      limit: pageSize(query.limit, 50),
      offset: pageOffset(query.offset),
    });
    return rows.map(fromIncidentRow);
  }

  /** When each incident was first acknowledged (or resolved, without an acknowledgement), by id. */
  async firstResponses(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.store.query<{ id: string; at: string | number }>(this.sql.firstResponses, {
      ids,
    });
    return new Map(rows.map((r) => [r.id, Number(r.at)]));
  }

  async byIds(ids: readonly string[]): Promise<Incident[]> {
    if (ids.length === 0) return [];
    return (await this.store.query<StoredIncidentRow>(this.sql.byIds, { ids })).map(fromIncidentRow);
  }

  async get(id: string): Promise<Incident | undefined> {
    return (await this.byIds([id]))[0];
  }

  /** Every recorded version of the incident, first to last, also after the current table merged. */
  async versions(id: string): Promise<Incident[]> {
    return (await this.store.query<StoredIncidentRow>(this.sql.versions, { id })).map(fromIncidentRow);
  }

  /** Every incident opened in the range, newest version of each, in (openedAt, id) order, a page at a time. */
  scan(range: ScanRange, pageRows?: number): AsyncGenerator<Incident[]> {
    return keysetScan(this.store, this.sql.openedBetween, fromIncidentRow, range, pageRows);
  }

  /** The incident and the candidates for its similar incidents (at most `limit`), with their problems. */
  async similarCandidates(id: string, limit = 200): Promise<SimilarCandidates | undefined> {
    const incident = await this.get(id);
    if (!incident) return undefined;
    const own = await this.problemsOf([id]);
    const rows = await this.store.query<StoredIncidentRow>(this.sql.similar, {
      id,
      members: [...new Set(own.flatMap((p) => p.members))],
      service: incident.service,
      suspectService: suspectServiceOf(incident) ?? '',
      alertNames: alertNamesOf(incident),
      title: incident.title,
      limit,
    });
    const candidates = rows.map(fromIncidentRow);
    const known = new Set(own.map((p) => p.id));
    const theirs = (await this.problemsOf(candidates.map((c) => c.id))).filter((p) => !known.has(p.id));
    return { incident, candidates, problems: [...own, ...theirs] };
  }

  /** Problems (newest version) that any of the incidents belongs to. */
  private async problemsOf(ids: readonly string[]): Promise<Problem[]> {
    if (ids.length === 0) return [];
    return (await this.store.query<StoredProblemRow>(this.sql.problemsOf, { ids })).map(fromProblemRow);
  }

  async detail(id: string): Promise<IncidentDetail | undefined> {
    const incident = await this.get(id);
    if (!incident) return undefined;
    const changeIds = incident.suspects.flatMap((s) => (s.changeId === null ? [] : [s.changeId]));
    const [changeRows, timelineRows, problemRows, commandRows] = await Promise.all([
      changeIds.length > 0 ? this.store.query<StoredChangeRow>(this.sql.changes, { ids: changeIds }) : [],
      this.store.query<StoredIncidentEventRow>(this.sql.timeline, { id }),
      this.store.query<{ id: string }>(this.sql.problems, { incidentId: id }),
      this.store.query<StoredIncidentCommandRow>(this.sql.commands, { incidentId: id }),
    ]);
    const suspectChanges: Record<string, Change> = {};
    for (const change of changeRows.map(fromChangeRow)) suspectChanges[change.id] = change;
    return {
      incident,
      suspectChanges,
      timeline: timelineRows.map(fromIncidentEventRow),
      commands: commandRows.map(fromIncidentCommandRow),
      problemIds: problemRows.map((row) => row.id),
    };
  }
}

function filterParams(filter: IncidentsFilter) {
  return {
    ...timeRange(filter.from, filter.to),
    service: filter.service ?? '',
    environment: filter.environment ?? '',
    statuses: filter.statuses ?? [],
    severities: filter.severities ?? [],
    text: filter.text ?? '',
    change: filter.change ?? '',
    assignee: filter.assignee ?? '',
    snoozed: filter.snoozed === undefined ? '' : String(filter.snoozed.is),
    // Unused unless `snoozed` is set; any valid time will do.
    now: asDate(filter.snoozed?.at ?? filter.to),
  };
}

export function summarise(incident: Incident): IncidentSummary {
  const top = incident.suspects.reduce<Incident['suspects'][number] | undefined>(
    (best, s) => (best === undefined || s.probability > best.probability ? s : best),
    undefined,
  );
  return {
    id: incident.id,
    version: incident.version,
    status: incident.status,
    kind: incident.kind,
    title: incident.title,
    severity: incident.severity,
    service: incident.service,
    services: incident.services,
    environment: incident.environment,
    openedAt: incident.openedAt,
    updatedAt: incident.updatedAt,
    resolvedAt: incident.resolvedAt,
    blastRadius: incident.blastRadius,
    memberCount: incident.members.length,
    topSuspect: top
      ? { changeId: top.changeId, service: top.service, kind: top.kind, probability: top.probability }
      : null,
    team: incident.team,
  };
}
