// Incidents for people: the triage list, the detail page's data (every version, the changes and
// verdicts around it, the golden-signal series with the suspect's verification windows) and the
// actions, each published as an IncidentCommand for the correlator that owns the incident.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Catalog } from '#catalog';
import type { Alert, Change, Incident, IncidentAction, IncidentCommand, Severity, Verdict } from '#contracts';
import {
  commandFieldProblem,
  commandRefusal,
  mergeTargetRefusal,
  resolveSignal,
  similarIncidents,
  type Clock,
  type SimilarIncident,
} from '#core';
import { CLOCK } from '#platform';
import type {
  AlertsRepository,
  ChangesRepository,
  IncidentsFilter,
  IncidentsRepository,
  IncidentTimelineEntry,
  ProblemsRepository,
  Resolution,
  TelemetryRepository,
  VerdictsRepository,
} from '#storage';
import { pairKey } from '#storage';
import { CommandsPublisher } from '../commands.publisher.js';
import {
  ALERTS_REPOSITORY,
  CHANGES_REPOSITORY,
  INCIDENTS_REPOSITORY,
  PROBLEMS_REPOSITORY,
  SERVICE_CATALOG,
  TELEMETRY_REPOSITORY,
  VERDICTS_REPOSITORY,
} from '../api.tokens.js';
import { badRequest, conflict, notFound } from '../http/api-error.js';
import { offsetPage, type PageOf } from '../http/query.js';
import { SloBudgets, type BudgetSpent } from '../slo/slo-budgets.js';

const HOUR = 3_600_000;
/** Changes this long before an incident opened are shown with it. */
export const CHANGES_BEFORE_MS = 2 * HOUR;
/** The range shown runs at least this long after the incident opened. */
export const MIN_AFTER_OPEN_MS = HOUR;
const MAX_SERVICES = 50;
const MAX_CHANGES = 500;
const MAX_METRICS_PER_SERVICE = 8;
const MAX_METRIC_SERVICES = 10;
const MAX_SERIES_PER_METRIC = 5;

export interface VerificationWindows {
  readonly baselineStart: number;
  readonly baselineEnd: number;
  readonly observationStart: number;
  readonly observationEnd: number;
}

export interface MetricSeriesView {
  readonly service: string;
  readonly metric: string;
  readonly unit: string | null;
  readonly resolution: Resolution;
  readonly environment: string;
  readonly labels: Record<string, string>;
  /** [epoch ms, value]: raw values, or the mean of each bucket. */
  readonly points: [number, number][];
  readonly windows?: VerificationWindows;
}

export interface IncidentDetailView {
  readonly incident: Incident;
  readonly history: Incident[];
  readonly changes: Change[];
  readonly verdicts: Verdict[];
  readonly metrics: MetricSeriesView[];
  readonly range: { readonly from: number; readonly to: number };
  readonly commands: IncidentCommand[];
  readonly problemIds: string[];
  /** The budget it spent of each SLO of its services (empty: no SLO applies). */
  readonly budgets: BudgetSpent[];
  /** Its problems in known-error state: what the responder can do now, and the fix if planned. */
  readonly knownErrors: KnownErrorView[];
  /** Its alerts as last reported (with their runbook and source links), newest first. */
  readonly alerts: Alert[];
}

/** An incident's metric series over a range the reader picked (the detail's range by default). */
export interface IncidentSeriesView {
  readonly metrics: MetricSeriesView[];
  readonly range: { readonly from: number; readonly to: number };
}

/** The longest range of an incident's series one request may ask for. */
export const MAX_SERIES_RANGE_MS = 2 * 24 * HOUR;

/** The incidents like one, at most 10, newest first. */
export interface SimilarIncidentsView {
  readonly items: SimilarIncident[];
}

/** Alert members whose records are looked up for the detail. */
const MAX_ALERTS = 20;

export interface KnownErrorView {
  readonly problemId: string;
  readonly title: string;
  readonly workaround: string | null;
  readonly fixChangeId: string | null;
}

/** A list item: the incident and the budget it spent of each SLO of its services. */
export type IncidentListItem = Incident & { readonly budgets: BudgetSpent[] };

export type IncidentOrder = 'rank' | 'budget';
/** Sorting by budget ranks at most this many incidents of the range (the most relevant first). */
export const BUDGET_SORT_MAX = 500;

export interface IncidentActionInput {
  readonly action: Exclude<IncidentAction, 'absorb'>;
  readonly actor: string;
  readonly comment: string | null;
  readonly severity: Severity | null;
  /** assign: who (null: nobody). */
  readonly assignee: string | null;
  /** snooze: until when. */
  readonly until: number | null;
  /** merge: the incident it is a duplicate of. */
  readonly into: string | null;
  /** split: the members, or the service whose members, to take out. */
  readonly refs: readonly string[];
  readonly splitService: string | null;
}

@Injectable()
export class IncidentsService {
  constructor(
    private readonly commands: CommandsPublisher,
    @Inject(INCIDENTS_REPOSITORY) private readonly incidents: IncidentsRepository,
    @Inject(CHANGES_REPOSITORY) private readonly changes: ChangesRepository,
    @Inject(VERDICTS_REPOSITORY) private readonly verdicts: VerdictsRepository,
    @Inject(PROBLEMS_REPOSITORY) private readonly problems: ProblemsRepository,
    @Inject(ALERTS_REPOSITORY) private readonly alertRecords: AlertsRepository,
    @Inject(TELEMETRY_REPOSITORY) private readonly telemetry: TelemetryRepository,
    @Inject(SERVICE_CATALOG) private readonly catalog: Catalog | undefined,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly slos: SloBudgets,
  ) {}

  /** Ranked as the store ranks them (open, severe, new first), or by the budget they spent. */
  async list(
    filter: IncidentsFilter,
    limit: number,
    offset: number,
    order: IncidentOrder = 'rank',
  ): Promise<PageOf<IncidentListItem>> {
    if (order === 'rank') {
      const rows = await this.incidents.ranked({ ...filter, limit: limit + 1, offset });
      return offsetPage(await this.withBudgets(rows), limit, offset, 'incidents');
    }
    const rows = await this.withBudgets(
      await this.incidents.ranked({ ...filter, limit: BUDGET_SORT_MAX, offset: 0 }),
    );
    const total = (i: IncidentListItem) => i.budgets.reduce((a, b) => a + b.spent, 0);
    const sorted = rows
      .map((i) => [i, total(i)] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([i]) => i);
    return offsetPage(sorted.slice(offset, offset + limit + 1), limit, offset, 'incidents');
  }

  private async withBudgets(incidents: readonly Incident[]): Promise<IncidentListItem[]> {
    const now = this.clock.now();
    return Promise.all(
      incidents.map(async (i) => ({ ...i, budgets: await this.slos.spentByIncident(i, now) })),
    );
  }

  /** `maxPoints`: about how many points per series the charts show (else every point of the range). */
  async detail(id: string, maxPoints?: number): Promise<IncidentDetailView> {
    const detail = await this.incidents.detail(id);
    if (!detail) throw notFound('incident', id);
    const incident = detail.incident;
    const { from, to } = defaultRange(incident);
    const suspectIds = incident.suspects.flatMap((s) => (s.changeId === null ? [] : [s.changeId]));
    const [versions, changes, verdicts, problems, alerts] = await Promise.all([
      this.incidents.versions(id),
      this.changes.list({ from, to, services: this.servicesAround(incident), limit: MAX_CHANGES }),
      this.verdicts.byChanges(suspectIds),
      this.problems.byIds(detail.problemIds),
      this.alertsOf(incident),
    ]);
    // Suspects outside the range (a platform change, a long rollout) are shown too.
    const known = new Set(changes.map((c) => c.id));
    for (const change of Object.values(detail.suspectChanges))
      if (!known.has(change.id)) changes.push(change);
    changes.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    const windows = this.windowsOfTopSuspect(incident, verdicts);
    return {
      incident,
      history: buildHistory(incident, versions, detail.timeline),
      changes,
      verdicts,
      metrics: await this.metrics(incident, { from, to, maxPoints }, verdicts, windows),
      range: { from, to },
      commands: detail.commands,
      problemIds: detail.problemIds,
      budgets: await this.slos.spentByIncident(incident, this.clock.now()),
      knownErrors: problems
        .filter((p) => p.status === 'known_error')
        .map((p) => ({
          problemId: p.id,
          title: p.title,
          workaround: p.workaround,
          fixChangeId: p.fixChangeId,
        })),
      alerts,
    };
  }

  /** Incidents like this one (same problem, signature or suspect service), why each, newest first. */
  async similar(id: string): Promise<SimilarIncidentsView> {
    const found = await this.incidents.similarCandidates(id);
    if (!found) throw notFound('incident', id);
    return { items: similarIncidents(found.incident, found.candidates, found.problems) };
  }

  /**
   * The series of the detail (same services, metrics and verification windows) over another
   * range: a wider look around the incident, picked on its page. Without `range`, the detail's.
   * `maxPoints`: as for the detail, rollups where raw points would be more.
   */
  async series(
    id: string,
    range?: { from: number; to: number },
    maxPoints?: number,
  ): Promise<IncidentSeriesView> {
    const incident = await this.incidents.get(id);
    if (!incident) throw notFound('incident', id);
    const { from, to } = range ?? defaultRange(incident);
    const suspectIds = incident.suspects.flatMap((s) => (s.changeId === null ? [] : [s.changeId]));
    const verdicts = await this.verdicts.byChanges(suspectIds);
    const windows = this.windowsOfTopSuspect(incident, verdicts);
    return {
      metrics: await this.metrics(incident, { from, to, maxPoints }, verdicts, windows),
      range: { from, to },
    };
  }

  /** The latest transition of each alert member, found by its service and fingerprint (one query). */
  private alertsOf(incident: Incident): Promise<Alert[]> {
    const members = incident.members.filter((m) => m.type === 'alert').slice(0, MAX_ALERTS);
    if (members.length === 0) return Promise.resolve([]);
    return this.alertRecords.latest({
      from: Math.min(...members.map((m) => m.at), incident.openedAt) - CHANGES_BEFORE_MS,
      to: Math.max(incident.updatedAt, this.clock.now()) + 1,
      alerts: members.map((m) => ({ service: m.service, fingerprint: m.ref })),
    });
  }

  /**
   * Publishes a person's command for the correlator, with the incident as recorded: the
   * correlator applies it to that when it holds the incident no longer (resolved long ago). A
   * command whose fields are wrong for the incident is refused here with a 400 naming the field,
   * one that cannot apply to the incident as recorded with a 409 and the reason. A merge is two
   * commands, one to the correlator that owns each incident (see MERGE_NOTE).
   */
  async act(id: string, input: IncidentActionInput): Promise<IncidentCommand> {
    const incident = await this.incidents.get(id);
    if (!incident) throw notFound('incident', id);
    const { action } = input;
    const command = {
      id: `icmd_${randomUUID()}`,
      incidentId: incident.id,
      service: incident.service,
      action,
      actor: input.actor,
      at: this.clock.now(),
      comment: input.comment,
      severity: action === 'severity' ? input.severity : null,
      assignee: action === 'assign' ? input.assignee : null,
      until: action === 'snooze' ? input.until : null,
      relatedIncidentId: action === 'merge' ? input.into : null,
      relatedIncident: null,
      refs: action === 'split' ? [...input.refs] : [],
      splitService: action === 'split' ? input.splitService : null,
    };
    const problem = commandFieldProblem(incident, command);
    if (problem) throw badRequest(problem.field, problem.reason);
    const refused = commandRefusal(incident, command);
    if (refused) throw conflict(refused, 'incident.command-not-applicable');
    if (action !== 'merge') return this.commands.incident(command, incident);
    const target = await this.incidents.get(input.into!);
    if (!target) throw badRequest('into', `no incident with id "${input.into}"`);
    const blocked = mergeTargetRefusal(target);
    if (blocked) throw conflict(blocked, 'incident.command-not-applicable');
    const absorb = {
      ...command,
      id: `${command.id}-absorb`,
      incidentId: target.id,
      service: target.service,
      action: 'absorb' as const,
      relatedIncidentId: incident.id,
    };
    const [merged] = await this.commands.incidents([
      { command, stored: incident },
      { command: absorb, stored: target, related: incident },
    ]);
    return merged!;
  }

  /** The incident's services, the services its suspects changed, and what they depend on. */
  private servicesAround(incident: Incident): string[] {
    const services = new Set([incident.service, ...incident.services]);
    for (const s of incident.suspects) if (s.service) services.add(s.service);
    for (const edge of this.catalog?.edges ?? []) {
      if (incident.services.includes(edge.from) || edge.from === incident.service) services.add(edge.to);
    }
    return [...services].slice(0, MAX_SERVICES);
  }

  private windowsOfTopSuspect(
    incident: Incident,
    verdicts: readonly Verdict[],
  ): VerificationWindows | undefined {
    const top = [...incident.suspects]
      .filter((s) => s.changeId !== null)
      .sort((a, b) => b.probability - a.probability)[0];
    if (!top) return undefined;
    const looks = verdicts.filter((v) => v.changeId === top.changeId).sort((a, b) => a.look - b.look);
    const verdict = looks.find((v) => v.final) ?? looks.at(-1);
    if (!verdict) return undefined;
    return {
      baselineStart: verdict.baselineStart,
      baselineEnd: verdict.baselineEnd,
      observationStart: verdict.observationStart,
      observationEnd: verdict.observationEnd,
    };
  }

  /** Golden-signal series of the incident's services over the range (and the metrics its verdicts judged). */
  private async metrics(
    incident: Incident,
    { from, to, maxPoints }: { from: number; to: number; maxPoints: number | undefined },
    verdicts: readonly Verdict[],
    windows: VerificationWindows | undefined,
  ): Promise<MetricSeriesView[]> {
    const services = [...new Set([incident.service, ...incident.services])].slice(0, MAX_METRIC_SERVICES);
    const judged = new Set(verdicts.flatMap((v) => v.metrics.map((m) => pairKey(v.service, m.metric))));
    const available = await this.telemetry.metrics({ services, from, to, environment: incident.environment });
    const perService = new Map<string, number>();
    const wanted = available.filter((m) => {
      const golden = judged.has(pairKey(m.service, m.metric)) || resolveSignal(m.metric, m.unit) !== null;
      const count = perService.get(m.service) ?? 0;
      if (!golden || count >= MAX_METRICS_PER_SERVICE) return false;
      perService.set(m.service, count + 1);
      return true;
    });
    // One query for every chart: per-metric queries made the detail wait on dozens of round trips.
    const result = await this.telemetry.seriesOf({
      metrics: wanted.map((m) => ({ service: m.service, metric: m.metric })),
      from,
      to,
      environment: incident.environment,
      maxSeries: MAX_SERIES_PER_METRIC,
      maxPoints,
    });
    const unitOf = new Map(wanted.map((m) => [pairKey(m.service, m.metric), m.unit]));
    return result.metrics.flatMap(({ service, metric, series }) =>
      series.map((one): MetricSeriesView => ({
        service,
        metric,
        unit: one.unit ?? unitOf.get(pairKey(service, metric)) ?? null,
        resolution: result.resolution,
        environment: one.environment,
        labels: one.labels,
        points: one.points.map((p) => [p.t, p.mean]),
        ...(windows ? { windows } : {}),
      })),
    );
  }
}

/** The range an incident is shown over: from 2 h before it opened to its last change, at least 1 h after it opened. */
function defaultRange(incident: Incident): { from: number; to: number } {
  return {
    from: incident.openedAt - CHANGES_BEFORE_MS,
    to: Math.max(incident.updatedAt, incident.openedAt + MIN_AFTER_OPEN_MS) + 1,
  };
}

/**
 * Every version of the incident, first to last. Versions whose full row is still on record are
 * returned as recorded; the others (merged away in ClickHouse) carry their own state fields from
 * the timeline — event, status, severity, time, actor, comment — on the next recorded version.
 */
export function buildHistory(
  current: Incident,
  recorded: readonly Incident[],
  timeline: readonly IncidentTimelineEntry[],
): Incident[] {
  const full = new Map(recorded.map((v) => [v.version, v]));
  full.set(current.version, current);
  const steps = new Map(timeline.map((t) => [t.version, t]));
  const versions = [...new Set([...full.keys(), ...steps.keys()])]
    .filter((v) => v <= current.version)
    .sort((a, b) => a - b);
  const fullVersions = [...full.keys()].sort((a, b) => a - b);
  return versions.map((version) => {
    const known = full.get(version);
    if (known) return known;
    const step = steps.get(version)!;
    const base = full.get(fullVersions.find((v) => v > version) ?? current.version)!;
    return {
      ...base,
      version,
      event: step.event,
      status: step.status,
      severity: step.severity,
      updatedAt: step.at,
      actor: step.actor,
      comment: step.comment,
      resolvedAt: step.status === 'resolved' ? (base.resolvedAt ?? step.at) : null,
    };
  });
}
