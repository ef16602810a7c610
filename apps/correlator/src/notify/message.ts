// What every notification says, whatever the channel: the title, severity and status, the
// blast radius, the most likely cause with its probability and two lines of evidence, its
// verification's verdict, and a link to the incident page — and, in the follow-up sent when the
// incident turns out to repeat a known error, that error's workaround and planned fix. Channels
// only lay it out.
import type { Evidence, Incident, Problem } from '#contracts';
import type { NotableReason } from './notable.js';

/** Why a notification is sent: a notable version, or the known error the incident repeats. */
export type MessageReason = NotableReason | 'known_error';

/** The known error an incident repeats: what the responder can do now, and the fix if planned. */
export interface KnownErrorNote {
  readonly problemId: string;
  readonly title: string;
  readonly workaround: string | null;
  readonly fixChangeId: string | null;
}

export function knownErrorNote(problem: Problem): KnownErrorNote {
  return {
    problemId: problem.id,
    title: problem.title,
    workaround: problem.workaround,
    fixChangeId: problem.fixChangeId,
  };
}

/** "X — workaround: …; fix: chg-1" in one line. */
export function knownErrorLine(k: KnownErrorNote): string {
  const parts = [k.workaround ? `workaround: ${k.workaround}` : 'no workaround recorded'];
  if (k.fixChangeId) parts.push(`fix: ${k.fixChangeId}`);
  return `${k.title} — ${parts.join('; ')}`;
}

export interface IncidentMessage {
  readonly incidentId: string;
  readonly version: number;
  readonly reason: MessageReason;
  /** One line: "[HIGH] Checkout latency rose — opened". */
  readonly headline: string;
  readonly title: string;
  readonly severity: Incident['severity'];
  readonly status: Incident['status'];
  readonly service: string;
  readonly environment: string;
  readonly services: readonly string[];
  readonly blastRadius: number;
  /** "deployment payments-v42 on payments (87%)", or what the engine found when no change leads. */
  readonly suspect: string;
  /** The two strongest pieces of evidence for it, in words. */
  readonly evidence: readonly string[];
  /** Its own post-deployment verification, when it has a verdict. */
  readonly verdict: string | null;
  /** The incident page; null when no public URL is configured. */
  readonly link: string | null;
  readonly actor: string | null;
  readonly comment: string | null;
  /** The known error it repeats (the follow-up once its problem is known; null otherwise). */
  readonly knownError: KnownErrorNote | null;
}

const REASON_TEXT: Record<MessageReason, string> = {
  known_error: 'matches a known error',
  opened: 'opened',
  reopened: 'reopened',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  severity: 'severity changed',
  suspect: 'likely cause changed',
  unsnoozed: 'snooze ended',
};

export function incidentMessage(
  incident: Incident,
  reason: MessageReason,
  publicUrl: string | null,
  knownError: KnownErrorNote | null = null,
): IncidentMessage {
  const lead = incident.suspects[0];
  const suspect =
    lead?.changeId != null
      ? `${(lead.kind ?? 'change').replace('_', ' ')} ${lead.changeId} on ${lead.service} (${percent(lead.probability)})`
      : lead
        ? `no change explains it (${percent(lead.probability)} that the cause lies elsewhere)`
        : 'no suspect yet';
  const evidence = lead?.changeId != null ? strongest(lead.evidence) : [];
  const verdict = lead?.evidence.find((e) => e.factor === 'verification')?.detail ?? null;
  return {
    incidentId: incident.id,
    version: incident.version,
    reason,
    headline: `[${incident.severity.toUpperCase()}] ${incident.title} — ${REASON_TEXT[reason]}`,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    service: incident.service,
    environment: incident.environment,
    services: incident.services,
    blastRadius: incident.blastRadius,
    suspect,
    evidence,
    verdict,
    link: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/incidents/${encodeURIComponent(incident.id)}` : null,
    actor: incident.actor,
    comment: incident.comment,
    knownError,
  };
}

/** The two pieces of evidence that raised the suspect most (the verdict is shown on its own). */
function strongest(evidence: readonly Evidence[]): string[] {
  return [...evidence]
    .filter((e) => e.weight > 0 && e.factor !== 'verification')
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 2)
    .map((e) => e.detail);
}

function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}
