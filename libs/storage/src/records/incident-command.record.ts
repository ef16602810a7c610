// Incident command (a person's action on an incident) ⇄ `incident_commands` row.
import type { IncidentAction, IncidentCommand, Severity } from '#contracts';
import { dbTime } from './db-values.js';

interface IncidentCommandColumns<Time> {
  readonly id: string;
  readonly incident_id: string;
  readonly service: string;
  readonly action: string;
  readonly actor: string;
  readonly at: Time;
  readonly comment: string | null;
  readonly severity: string | null;
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
    // The stored incident it carried is the incident's own history, not the command's.
    incident: null,
  };
}
