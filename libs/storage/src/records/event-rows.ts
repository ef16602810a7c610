// Which table each canonical event goes to, and its rows there. One event → one table: lists
// inside an event (points aside) are nested in its row, so a message is written by one insert.
import type { EventName, EventTypes } from '#contracts';
import { toAlertRow } from './alert.record.js';
import { toAssessmentRow } from './assessment.record.js';
import { toChangeRow } from './change.record.js';
import { deadLetterRowFromEvent } from './dead-letter.record.js';
import { toIncidentCommandRow } from './incident-command.record.js';
import { toIncidentRow } from './incident.record.js';
import { toProblemRow } from './problem.record.js';
import type { RecordSource } from './record-source.js';
import { TABLES, type TableName } from './tables.js';
import { toTelemetryPointRows } from './telemetry.record.js';
import { toVerdictRow } from './verdict.record.js';

export const EVENT_TABLES: Readonly<Record<EventName, TableName>> = {
  change: TABLES.changes,
  alert: TABLES.alerts,
  telemetry: TABLES.telemetryPoints,
  verdict: TABLES.verdicts,
  incident: TABLES.incidents,
  'incident-command': TABLES.incidentCommands,
  problem: TABLES.problems,
  assessment: TABLES.assessments,
  'dead-letter': TABLES.deadLetters,
};

type RowMapper<E extends EventName> = (event: EventTypes[E], source: RecordSource) => object[];

const MAPPERS: { readonly [E in EventName]: RowMapper<E> } = {
  change: (e, source) => [toChangeRow(e, source)],
  alert: (e, source) => [toAlertRow(e, source)],
  telemetry: (e) => toTelemetryPointRows(e),
  verdict: (e) => [toVerdictRow(e)],
  incident: (e) => [toIncidentRow(e)],
  'incident-command': (e) => [toIncidentCommandRow(e)],
  problem: (e) => [toProblemRow(e)],
  assessment: (e) => [toAssessmentRow(e)],
  'dead-letter': (e) => [deadLetterRowFromEvent(e)],
};

/** The rows of one decoded event, for EVENT_TABLES[event]. */
export function eventRows<E extends EventName>(event: E, value: EventTypes[E], source: RecordSource): object[] {
  return (MAPPERS[event] as RowMapper<E>)(value, source);
}
