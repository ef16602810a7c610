// The bodies of the incident actions: each action's own, so the document says what each needs.
import { Type } from '@sinclair/typebox';
import type { IncidentAction } from '#contracts';
import { SEVERITY_VALUES } from '#contracts/enums';
import { MAX_IDENTIFIER, text } from '../http/text.js';
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
  IncidentAssignBody: Type.Object({
    assignee: text('required to assign: who takes the incident on', MAX_IDENTIFIER),
    comment,
  }),
  IncidentSnoozeBody: Type.Object({
    until: Type.String({
      description:
        'required to snooze: when the snooze ends by itself (ISO 8601 date-time or epoch milliseconds, after now)',
      maxLength: 64,
    }),
    comment,
  }),
  IncidentMergeBody: Type.Object({
    into: text('required to merge: the id of the incident this one is a duplicate of', MAX_IDENTIFIER),
    comment,
  }),
  IncidentSplitBody: Type.Object({
    refs: Type.Optional(
      Type.Array(text(undefined, MAX_IDENTIFIER), {
        description: 'the members to take out (alert fingerprints, anomaly or verdict ids), or',
        maxItems: 500,
      }),
    ),
    service: Type.Optional(text('every member on this service is taken out', MAX_IDENTIFIER)),
    comment,
  }),
};

export const INCIDENT_ACTION_BODY = {
  acknowledge: 'IncidentNoteBody',
  resolve: 'IncidentNoteBody',
  comment: 'IncidentCommentBody',
  severity: 'IncidentSeverityBody',
  assign: 'IncidentAssignBody',
  snooze: 'IncidentSnoozeBody',
  unsnooze: 'IncidentNoteBody',
  merge: 'IncidentMergeBody',
  split: 'IncidentSplitBody',
  unassign: 'IncidentNoteBody',
} as const satisfies Record<Exclude<IncidentAction, 'absorb'> | 'unassign', keyof typeof INCIDENT_BODIES>;

/** The action routes: one per action people send (an absorb is the api's half of a merge), and unassign. */
export type IncidentRoute = keyof typeof INCIDENT_ACTION_BODY;
/** The actions people send. */
export type PersonAction = Exclude<IncidentAction, 'absorb'>;

const ACTION_NOTE =
  'Publishes an IncidentCommand on aftershock.incident-commands.v1 keyed by the incident’s service, with the incident as recorded, and answers 202 once it is on the bus; the correlator applies it and emits the next incident version — also to an incident resolved long ago. An action that cannot apply to the incident as recorded (acknowledging one that is not open, resolving a resolved one, its current severity) answers 409 with the reason; should the incident move on before the correlator applies it, the command goes to the dead-letter topic with the reason. ';

/** What an action route documents. */
export const incidentActionDoc = (summary: string, route: IncidentRoute, note = ''): RouteDoc =>
  actionDoc(summary, INCIDENT_ACTION_BODY[route], 'IncidentCommandAccepted', note + ACTION_NOTE);

/** What the merge route adds to the note every action has. */
export const MERGE_NOTE =
  'The incident resolves as a duplicate of `into` (its duplicateOf names it) and `into` takes in its members, services and suspects (its mergedFrom names this one): two commands, one to the correlator that owns each. Merging a resolved incident, into a resolved one, into itself or into one merged away answers 409 (or 400 naming `into`). ';

/** What the split route adds. */
export const SPLIT_NOTE =
  'Give `refs` (members of the incident) or `service` (every member on it): they leave the incident for a new one, which the correlator opens (its splitFrom names this one; this one’s splitInto names it). A split must leave at least one member; 400 names the field at fault. ';

/** What the snooze route adds. */
export const SNOOZE_NOTE =
  'A snoozed incident is left out of the on-call list (`snoozed=false`) and its notifications are held until `until`; the correlator ends the snooze by itself when its event time reaches `until` (or a person unsnoozes it, or it resolves). ';
