// Which table each canonical event goes to, and its rows there. One event → one table: lists
// inside an event (points aside) are nested in its row, so a message is written by one insert.
// An event the schema has no table for yet is simply not recordable (recordableEvents()).
import type { EventName, EventTypes } from '#contracts';
import { toAlertRow } from './alert.record.js';
import { toAssessmentRow } from './assessment.record.js';
import { toChangeRow } from './change.record.js';
import { deadLetterRowFromEvent } from './dead-letter.record.js';
import { toIncidentCommandRow } from './incident-command.record.js';
import { toIncidentRow } from './incident.record.js';
import { toProblemCommandRow } from './problem-command.record.js';
import { toProblemRow } from './problem.record.js';
import type { RecordSource } from './record-source.js';
import { TABLES, type TableName } from './tables.js';
import { toTelemetryPointRows } from './telemetry.record.js';
import { toVerdictRow } from './verdict.record.js';

type RowMapper<E extends EventName> = (event: EventTypes[E], source: RecordSource) => object[];

interface Recording<E extends EventName> {
  readonly table: TableName;
  readonly rows: RowMapper<E>;
}

const RECORDINGS: { readonly [E in EventName]?: Recording<E> } = {
  change: { table: TABLES.changes, rows: (e, source) => [toChangeRow(e, source)] },
  alert: { table: TABLES.alerts, rows: (e, source) => [toAlertRow(e, source)] },
  telemetry: { table: TABLES.telemetryPoints, rows: (e) => toTelemetryPointRows(e) },
  verdict: { table: TABLES.verdicts, rows: (e) => [toVerdictRow(e)] },
  incident: { table: TABLES.incidents, rows: (e) => [toIncidentRow(e)] },
  'incident-command': { table: TABLES.incidentCommands, rows: (e) => [toIncidentCommandRow(e)] },
  problem: { table: TABLES.problems, rows: (e) => [toProblemRow(e)] },
  'problem-command': { table: TABLES.problemCommands, rows: (e) => [toProblemCommandRow(e)] },
  assessment: { table: TABLES.assessments, rows: (e) => [toAssessmentRow(e)] },
  'dead-letter': { table: TABLES.deadLetters, rows: (e) => [deadLetterRowFromEvent(e)] },
};

/** Events that have a table. */
export function recordableEvents(): EventName[] {
  return Object.keys(RECORDINGS) as EventName[];
}

/** The table an event is recorded in; throws for an event without one. */
export function eventTable(event: EventName): TableName {
  return recording(event).table;
}

/** The rows of one decoded event, for eventTable(event). */
export function eventRows<E extends EventName>(
  event: E,
  value: EventTypes[E],
  source: RecordSource,
): object[] {
  return recording(event).rows(value, source);
}

function recording<E extends EventName>(event: E): Recording<E> {
  const found = RECORDINGS[event] as Recording<E> | undefined;
  if (!found) throw new Error(`no table records ${event} events`);
  return found;
}
