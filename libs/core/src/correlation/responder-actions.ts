// What responders can do to an incident besides acknowledging and resolving it — assign, snooze,
// merge into another, split members out — as pure rules: whether a command applies to the
// incident as it stands (the api asks before it accepts one, the correlator again when it
// applies it), which members a split takes, and the suspects of two incidents made one.
import type { Incident, IncidentCommand, IncidentMember, Suspect } from '#contracts';

/** The responder fields of an incident no person has touched. */
export const NO_RESPONDER_STATE = {
  assignee: null,
  snoozedUntil: null,
  duplicateOf: null,
  mergedFrom: [],
  splitFrom: null,
  splitInto: [],
} as const satisfies Pick<
  Incident,
  'assignee' | 'snoozedUntil' | 'duplicateOf' | 'mergedFrom' | 'splitFrom' | 'splitInto'
>;

/** A command field that is wrong whatever state the incident is in (a 400 naming it). */
export interface CommandFieldProblem {
  readonly field: string;
  readonly reason: string;
}

type CommandFields = Pick<
  IncidentCommand,
  | 'action'
  | 'at'
  | 'comment'
  | 'severity'
  | 'assignee'
  | 'until'
  | 'relatedIncidentId'
  | 'refs'
  | 'splitService'
>;

type IncidentFields = Pick<
  Incident,
  'id' | 'status' | 'severity' | 'assignee' | 'snoozedUntil' | 'duplicateOf' | 'members'
>;

/** What is wrong with the command's own fields for this incident, or null. */
export function commandFieldProblem(
  incident: Pick<Incident, 'id' | 'members'>,
  command: CommandFields,
): CommandFieldProblem | null {
  switch (command.action) {
    case 'comment':
      return command.comment ? null : { field: 'comment', reason: 'a comment needs text' };
    case 'severity':
      return command.severity
        ? null
        : { field: 'severity', reason: 'a severity change needs the new severity' };
    case 'snooze':
      if (command.until === null) return { field: 'until', reason: 'a snooze needs the time it ends' };
      return command.until > command.at
        ? null
        : { field: 'until', reason: 'the snooze must end after the time it is asked for' };
    case 'merge':
    case 'absorb':
      if (!command.relatedIncidentId)
        return { field: 'into', reason: 'a merge needs the incident to merge into' };
      return command.relatedIncidentId === incident.id
        ? { field: 'into', reason: 'an incident cannot be merged into itself' }
        : null;
    case 'split':
      return splitSelection(incident.members, command).problem ?? null;
    default:
      return null;
  }
}

/**
 * Why a person's command cannot apply to the incident as it stands, or null when it can. The
 * api asks the same before it accepts a command (409 with this reason, or 400 for a field), the
 * correlator again when it applies it (the incident may have moved on in between).
 */
export function commandRefusal(incident: IncidentFields, command: CommandFields): string | null {
  const problem = commandFieldProblem(incident, command);
  if (problem) return problem.reason;
  const resolved = incident.status === 'resolved';
  switch (command.action) {
    case 'acknowledge':
      return incident.status === 'open'
        ? null
        : `the incident is ${incident.status}: only an open incident can be acknowledged`;
    case 'resolve':
      return resolved ? 'the incident is already resolved' : null;
    case 'comment':
      return null;
    case 'severity':
      return command.severity === incident.severity
        ? `the incident's severity is already ${incident.severity}`
        : null;
    case 'assign':
      if ((command.assignee ?? null) === (incident.assignee ?? null))
        return command.assignee
          ? `the incident is already assigned to ${command.assignee}`
          : 'the incident is not assigned';
      return null;
    case 'snooze':
      return resolved
        ? 'the incident is resolved: only an open or acknowledged incident can be snoozed'
        : null;
    case 'unsnooze':
      return incident.snoozedUntil === null ? 'the incident is not snoozed' : null;
    case 'merge':
      return resolved
        ? 'the incident is resolved: only an open or acknowledged incident can be merged'
        : null;
    case 'absorb':
      return incident.duplicateOf ? `the incident was itself merged into ${incident.duplicateOf}` : null;
    case 'split':
      return resolved ? 'the incident is resolved: only an open or acknowledged incident can be split' : null;
  }
}

/** Why `target` cannot take in another incident (the api checks it before it sends a merge), or null. */
export function mergeTargetRefusal(target: Pick<Incident, 'id' | 'status' | 'duplicateOf'>): string | null {
  if (target.duplicateOf)
    return `${target.id} was itself merged into ${target.duplicateOf}: merge into that one`;
  return target.status === 'resolved' ? `${target.id} is resolved: merge into an incident that is not` : null;
}

/**
 * The members a split takes out: those named in `refs`, or every member on `splitService`.
 * Exactly one of the two; every ref must be a member; at least one member must stay.
 */
export function splitSelection(
  members: readonly IncidentMember[],
  command: Pick<IncidentCommand, 'refs' | 'splitService'>,
): { readonly refs: readonly string[]; readonly problem?: CommandFieldProblem } {
  const byRef = new Set(members.map((m) => m.ref));
  const refs = command.refs ?? [];
  if (refs.length > 0 && command.splitService)
    return {
      refs: [],
      problem: { field: 'refs', reason: 'name the members or a service to split out, not both' },
    };
  let taken: string[];
  if (refs.length > 0) {
    const unknown = refs.filter((r) => !byRef.has(r));
    if (unknown.length > 0)
      return {
        refs: [],
        problem: { field: 'refs', reason: `not members of the incident: ${unknown.join(', ')}` },
      };
    taken = [...new Set(refs)];
  } else if (command.splitService) {
    taken = members.filter((m) => m.service === command.splitService).map((m) => m.ref);
    if (taken.length === 0)
      return {
        refs: [],
        problem: { field: 'service', reason: `the incident has no member on ${command.splitService}` },
      };
  } else {
    return {
      refs: [],
      problem: { field: 'refs', reason: 'a split needs the members (refs) or a service to take out' },
    };
  }
  if (taken.length >= byRef.size)
    return {
      refs: [],
      problem: {
        field: refs.length > 0 ? 'refs' : 'service',
        reason: 'a split must leave at least one member in the incident',
      },
    };
  return { refs: taken };
}

/**
 * The suspects of two incidents made one: each change once, with the ranking (probability and
 * evidence) of whichever incident weighed it higher, then normalised again so the alternatives
 * — the "no change" one included — sum to one. Each incident's ranking was for its own symptom;
 * the merged incident has both, so a change either convicts stays a suspect of it.
 */
export function combineSuspects(a: readonly Suspect[], b: readonly Suspect[]): Suspect[] {
  const best = new Map<string, Suspect>();
  for (const suspect of [...a, ...b]) {
    const key = suspect.changeId ?? '\u0000none';
    const known = best.get(key);
    if (!known || suspect.probability > known.probability) best.set(key, suspect);
  }
  const total = [...best.values()].reduce((sum, s) => sum + s.probability, 0);
  return [...best.values()]
    .map((s) => (total > 0 ? { ...s, probability: s.probability / total } : s))
    .sort((x, y) => y.probability - x.probability || (x.changeId ?? '').localeCompare(y.changeId ?? ''));
}
