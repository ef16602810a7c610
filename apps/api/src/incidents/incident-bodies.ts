// The bodies of the incident actions: each action's own, so the document says what each needs.
import { Type } from '@sinclair/typebox';
import type { IncidentAction } from '#contracts';
import { SEVERITY_VALUES } from '#contracts/enums';
import { text } from '../http/text.js';
import { actionDoc, type RouteDoc } from '../openapi/documented.js';
import { StringEnum } from '../openapi/schema-kit.js';

const comment = Type.Optional(text('a note recorded with the action'));

export const INCIDENT_BODIES = {
  IncidentNoteBody: Type.Object({ comment }),
  IncidentCommentBody: Type.Object({ comment: text('required to comment') }),
  IncidentSeverityBody: Type.Object({
    severity: StringEnum(SEVERITY_VALUES, {
      description: `required to change the severity (one of ${SEVERITY_VALUES.join(', ')})`,
    }),
    comment,
  }),
};

export const INCIDENT_ACTION_BODY = {
  acknowledge: 'IncidentNoteBody',
  resolve: 'IncidentNoteBody',
  comment: 'IncidentCommentBody',
  severity: 'IncidentSeverityBody',
} as const satisfies Record<IncidentAction, keyof typeof INCIDENT_BODIES>;

const ACTION_NOTE =
  'Publishes an IncidentCommand on aftershock.incident-commands.v1 keyed by the incident’s service, with the incident as recorded, and answers 202 once it is on the bus; the correlator applies it and emits the next incident version — also to an incident resolved long ago. An action that cannot apply to the incident as recorded (acknowledging one that is not open, resolving a resolved one, its current severity) answers 409 with the reason; should the incident move on before the correlator applies it, the command goes to the dead-letter topic with the reason. ';

/** What an action route documents. */
export const incidentActionDoc = (summary: string, action: IncidentAction): RouteDoc =>
  actionDoc(summary, INCIDENT_ACTION_BODY[action], 'IncidentCommandAccepted', ACTION_NOTE);
