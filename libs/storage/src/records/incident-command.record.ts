// Incident command (a person's action on an incident) ⇄ `incident_commands` row.
import type { IncidentAction, IncidentCommand, Severity } from '#contracts';
import { dbTime, dbTimeOrNull } from './db-values.js';

interface IncidentCommandColumns<Time> {
  readonly id: string;
  readonly incident_id: string;
  readonly service: string;
  readonly action: string;
  readonly actor: string;
  readonly at: Time;
  readonly comment: string | null;
  readonly severity: string | null;
  readonly assignee: string | null;
  readonly until: Time | null;
  readonly related_incident_id: string | null;
  readonly refs: readonly string[];
  readonly split_service: string | null;
}

export type IncidentCommandRow = IncidentCommandColumns<number>;
export type StoredIncidentCommandRow = IncidentCommandColumns<string>;

export function toIncidentCommandRow(command: IncidentCommand): IncidentCommandRow {
  return {
    id: command.id,
    incident_id: command.incidentId,
    service: command.service,
    action: command.action,
    actor: command.actor,
    at: command.at,
    comment: command.comment,
    severity: command.severity,
    assignee: command.assignee,
    until: command.until,
    related_incident_id: command.relatedIncidentId,
    refs: command.refs,
    split_service: command.splitService,
  };
}

export function fromIncidentCommandRow(row: StoredIncidentCommandRow): IncidentCommand {
  return {
    id: row.id,
    incidentId: row.incident_id,
    service: row.service,
    action: row.action as IncidentAction,
    actor: row.actor,
    at: dbTime(row.at),
    comment: row.comment,
    severity: row.severity as Severity | null,
    assignee: row.assignee,
    until: dbTimeOrNull(row.until),
    relatedIncidentId: row.related_incident_id,
    refs: [...row.refs],
    splitService: row.split_service,
    // The stored incidents it carried are the incidents' own history, not the command's.
    incident: null,
    relatedIncident: null,
  };
}
