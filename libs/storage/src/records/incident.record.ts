// Incident version ⇄ `incidents` row: members and suspects (with their evidence) as arrays of
// named tuples, so one version is one row, replaced as a whole by the next.
import type {
  ChangeKind,
  Incident,
  IncidentEvent,
  IncidentKind,
  IncidentMember,
  IncidentStatus,
  MemberType,
  Severity,
  Suspect,
} from '#contracts';
import { dbTime, dbTimeOrNull } from './db-values.js';

interface MemberColumns<Time> {
  readonly type: string;
  readonly ref: string;
  readonly service: string;
  readonly name: string;
  readonly at: Time;
}

interface SuspectColumns {
  readonly change_id: string | null;
  readonly service: string | null;
  readonly kind: string | null;
  readonly probability: number;
  readonly evidence: readonly { readonly factor: string; readonly detail: string; readonly weight: number }[];
}

interface IncidentColumns<Time> {
  readonly id: string;
  readonly version: number;
  readonly event: string;
  readonly status: string;
  readonly kind: string;
  readonly title: string;
  readonly summary: string;
  readonly severity: string;
  readonly service: string;
  readonly services: readonly string[];
  readonly environment: string;
  readonly opened_at: Time;
  readonly updated_at: Time;
  readonly resolved_at: Time | null;
  readonly members: readonly MemberColumns<Time>[];
  readonly suspects: readonly SuspectColumns[];
  /** Parallel to `suspects` (see migration 0010); shorter in rows written before it. */
  readonly suspect_components: readonly (string | null)[];
  readonly blast_radius: number;
  readonly actor: string | null;
  readonly comment: string | null;
  readonly team: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly assignee: string | null;
  readonly snoozed_until: Time | null;
  readonly duplicate_of: string | null;
  readonly merged_from: readonly string[];
  readonly split_from: string | null;
  readonly split_into: readonly string[];
}

export type IncidentRow = IncidentColumns<number>;
export type StoredIncidentRow = IncidentColumns<string>;

export function toIncidentRow(incident: Incident): IncidentRow {
  return {
    id: incident.id,
    version: incident.version,
    event: incident.event,
    status: incident.status,
    kind: incident.kind,
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    service: incident.service,
    services: incident.services,
    environment: incident.environment,
    opened_at: incident.openedAt,
    updated_at: incident.updatedAt,
    resolved_at: incident.resolvedAt,
    members: incident.members,
    suspects: incident.suspects.map((s) => ({
      change_id: s.changeId,
      service: s.service,
      kind: s.kind,
      probability: s.probability,
      evidence: s.evidence,
    })),
    suspect_components: incident.suspects.map((s) => s.component),
    blast_radius: incident.blastRadius,
    actor: incident.actor,
    comment: incident.comment,
    team: incident.team,
    labels: incident.labels,
    assignee: incident.assignee,
    snoozed_until: incident.snoozedUntil,
    duplicate_of: incident.duplicateOf,
    merged_from: incident.mergedFrom,
    split_from: incident.splitFrom,
    split_into: incident.splitInto,
  };
}

export function fromIncidentRow(row: StoredIncidentRow): Incident {
  return {
    id: row.id,
    version: row.version,
    event: row.event as IncidentEvent,
    status: row.status as IncidentStatus,
    kind: row.kind as IncidentKind,
    title: row.title,
    summary: row.summary,
    severity: row.severity as Severity,
    service: row.service,
    services: [...row.services],
    environment: row.environment,
    openedAt: dbTime(row.opened_at),
    updatedAt: dbTime(row.updated_at),
    resolvedAt: dbTimeOrNull(row.resolved_at),
    members: row.members.map((m): IncidentMember => ({
      type: m.type as MemberType,
      ref: m.ref,
      service: m.service,
      name: m.name,
      at: dbTime(m.at),
    })),
    suspects: row.suspects.map((s, i): Suspect => ({
      changeId: s.change_id,
      service: s.service,
      kind: s.kind as ChangeKind | null,
      component: row.suspect_components[i] ?? null,
      probability: s.probability,
      evidence: s.evidence.map((e) => ({ factor: e.factor, detail: e.detail, weight: e.weight })),
    })),
    blastRadius: row.blast_radius,
    actor: row.actor,
    comment: row.comment,
    team: row.team,
    labels: { ...row.labels },
    assignee: row.assignee,
    snoozedUntil: dbTimeOrNull(row.snoozed_until),
    duplicateOf: row.duplicate_of,
    mergedFrom: [...row.merged_from],
    splitFrom: row.split_from,
    splitInto: [...row.split_into],
  };
}

/** One step of an incident's timeline (incident_events, filled by a materialized view). */
export interface IncidentTimelineEntry {
  readonly version: number;
  readonly event: IncidentEvent;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly at: number;
  readonly actor: string | null;
  readonly comment: string | null;
  /** The most probable suspect change at that version (null: none, or "no change"). */
  readonly topSuspect: string | null;
}

export interface StoredIncidentEventRow {
  readonly version: number;
  readonly event: string;
  readonly status: string;
  readonly severity: string;
  readonly updated_at: string;
  readonly actor: string | null;
  readonly comment: string | null;
  readonly top_suspect: string | null;
}

export function fromIncidentEventRow(row: StoredIncidentEventRow): IncidentTimelineEntry {
  return {
    version: row.version,
    event: row.event as IncidentEvent,
    status: row.status as IncidentStatus,
    severity: row.severity as Severity,
    at: dbTime(row.updated_at),
    actor: row.actor,
    comment: row.comment,
    topSuspect: row.top_suspect,
  };
}
