// The incidents like this one, for the responder looking at it: those in the same problem, those
// with the same signature (the same alert names on the same primary service, or the same title
// once its numbers and ids are masked), and those whose likely cause was a change to the same
// service — each with why it is listed and, when it is over, how it ended. Newest first.
import type { Incident, Problem } from '#contracts';
import { maskMessage, WILDCARD } from '../templates/masking.js';
import { stripBlastRadius } from './signature.js';

export type SimilarReasonKind = 'problem' | 'signature' | 'suspect-service';

export interface SimilarReason {
  readonly kind: SimilarReasonKind;
  /** In words, naming what is shared: the problems' titles, "same alerts HighErrorRate on checkout". */
  readonly detail: string;
}

export interface SimilarIncident extends Pick<
  Incident,
  'id' | 'title' | 'status' | 'severity' | 'service' | 'openedAt' | 'resolvedAt'
> {
  /** Why it is listed: at least one, strongest first (problem, signature, suspect service). */
  readonly reasons: SimilarReason[];
  /** Problems it shares with the incident. */
  readonly problemIds: string[];
  /** The change that fixed it: the fix of a problem it belongs to, when one is recorded. */
  readonly fixedBy: string | null;
  /** Resolved as a duplicate of this incident. */
  readonly duplicateOf: string | null;
}

/** At most this many are listed. */
export const SIMILAR_LIMIT = 10;

/** The title with numbers, ids, hosts masked; null when nothing but variables is left. */
export function titleKey(title: string): string | null {
  const tokens = maskMessage(stripBlastRadius(title));
  return tokens.some((t) => t !== WILDCARD) ? tokens.join(' ') : null;
}

/** The alert names of its members, sorted, once each. */
export function alertNamesOf(incident: Incident): string[] {
  return [...new Set(incident.members.filter((m) => m.type === 'alert').map((m) => m.name))].sort();
}

/** The service its most probable change suspect changed (the "no change" alternative aside). */
export function suspectServiceOf(incident: Incident): string | null {
  let best: Incident['suspects'][number] | undefined;
  for (const s of incident.suspects)
    if (s.changeId !== null && (best === undefined || s.probability > best.probability)) best = s;
  return best?.service ?? null;
}

/**
 * The candidates similar to `incident`, newest first, at most `limit`, itself excluded; each
 * with its reasons. `problems`: the problems of the incident and of the candidates (a problem
 * lists its member incidents), for the shared problems and the fixes.
 */
export function similarIncidents(
  incident: Incident,
  candidates: readonly Incident[],
  problems: readonly Problem[],
  limit = SIMILAR_LIMIT,
): SimilarIncident[] {
  const own = problems.filter((p) => p.members.includes(incident.id));
  const alerts = alertNamesOf(incident);
  const title = titleKey(incident.title);
  const suspectService = suspectServiceOf(incident);
  const seen = new Set<string>([incident.id]);
  const listed: SimilarIncident[] = [];
  for (const other of candidates) {
    if (seen.has(other.id)) continue;
    seen.add(other.id);
    const reasons: SimilarReason[] = [];
    const shared = own.filter((p) => p.members.includes(other.id));
    if (shared.length > 0) reasons.push({ kind: 'problem', detail: shared.map((p) => p.title).join('; ') });
    const otherAlerts = alertNamesOf(other);
    if (alerts.length > 0 && other.service === incident.service && sameList(alerts, otherAlerts))
      reasons.push({ kind: 'signature', detail: `same alerts ${alerts.join(', ')} on ${incident.service}` });
    else if (title !== null && titleKey(other.title) === title)
      reasons.push({ kind: 'signature', detail: 'same title (numbers and ids aside)' });
    if (suspectService !== null && suspectServiceOf(other) === suspectService)
      reasons.push({
        kind: 'suspect-service',
        detail: `its likely cause was also a change to ${suspectService}`,
      });
    if (reasons.length === 0) continue;
    listed.push({
      id: other.id,
      title: other.title,
      status: other.status,
      severity: other.severity,
      service: other.service,
      openedAt: other.openedAt,
      resolvedAt: other.resolvedAt,
      reasons,
      problemIds: shared.map((p) => p.id),
      fixedBy: fixOf(other.id, problems),
      duplicateOf: other.duplicateOf,
    });
  }
  return listed.sort((a, b) => b.openedAt - a.openedAt || a.id.localeCompare(b.id)).slice(0, limit);
}

/** The fix of a problem the incident belongs to: one made (resolved, verified) before one planned. */
function fixOf(incidentId: string, problems: readonly Problem[]): string | null {
  const withFix = problems.filter((p) => p.fixChangeId !== null && p.members.includes(incidentId));
  const made = withFix.find((p) => p.status === 'resolved' || p.status === 'verified');
  return (made ?? withFix[0])?.fixChangeId ?? null;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
