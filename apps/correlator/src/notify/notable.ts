// Which incident versions are worth telling people about. An incident gets a new version for
// every alert that joins it; a notification for each would be the storm Aftershock exists to
// prevent. A version is notable when what a responder acts on changed: it opened (or reopened),
// was acknowledged or resolved, its severity changed, or its most likely cause did (another
// change leads, or none does any more). Everything else — members joining, blast radius
// creeping, evidence refined — shows on the incident page behind the link. A snoozed incident's
// notifications are held: its versions are judged against what people were last told once the
// snooze ends, and the end of a snooze is itself worth telling (the incident is back).
import type { Incident } from '#contracts';

export type NotableReason =
  'opened' | 'reopened' | 'acknowledged' | 'resolved' | 'severity' | 'suspect' | 'unsnoozed';

/** What a version's own event means when no earlier version was seen (null: an update). */
const FIRST_SEEN: Partial<Record<Incident['event'], NotableReason>> = {
  opened: 'opened',
  reopened: 'reopened',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  severity_changed: 'severity',
};

interface Seen {
  readonly version: number;
  readonly status: Incident['status'];
  readonly severity: Incident['severity'];
  readonly lead: string | null;
}

/** The leading suspect change (null: none, or the "no change" alternative leads). */
export function leadingChange(incident: Incident): string | null {
  return incident.suspects[0]?.changeId ?? null;
}

function seenOf(incident: Incident): Seen {
  return {
    version: incident.version,
    status: incident.status,
    severity: incident.severity,
    lead: leadingChange(incident),
  };
}

export class NotableVersions {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly maxTracked = 50_000) {}

  /** Why this version is worth a notification, or null (not notable, or an older version). */
  judge(incident: Incident): NotableReason | null {
    const before = this.seen.get(incident.id);
    if (before && incident.version <= before.version) return null;
    if (incident.snoozedUntil !== null && incident.snoozedUntil > incident.updatedAt) {
      // Held: the version moves on, what people were last told stays.
      this.remember(incident.id, before ? { ...before, version: incident.version } : seenOf(incident));
      return null;
    }
    const now = seenOf(incident);
    this.remember(incident.id, now);
    // First sight of an incident: its own event says what happened (after a restart, the next
    // version of an incident already announced is an update, not a new incident).
    if (!before)
      return incident.status === 'resolved' && incident.event !== 'resolved'
        ? null
        : (FIRST_SEEN[incident.event] ?? null);
    if (now.status !== before.status) {
      if (now.status === 'resolved') return 'resolved';
      if (now.status === 'acknowledged') return 'acknowledged';
      return 'reopened';
    }
    if (now.status === 'resolved') return null;
    if (now.severity !== before.severity) return 'severity';
    if (now.lead !== before.lead) return 'suspect';
    return incident.event === 'unsnoozed' ? 'unsnoozed' : null;
  }

  private remember(id: string, seen: Seen): void {
    this.seen.delete(id);
    this.seen.set(id, seen);
    // Oldest first out: an incident quiet for this long is long resolved.
    if (this.seen.size > this.maxTracked) this.seen.delete(this.seen.keys().next().value!);
  }
}
