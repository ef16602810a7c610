// What every notification says, whatever the channel: the title, severity and status, the
// blast radius, the most likely cause with its probability and two lines of evidence, its
// verification's verdict, and a link to the incident page. Channels only lay it out.
import type { Evidence, Incident } from '#contracts';
import type { NotableReason } from './notable.js';

export interface IncidentMessage {
  readonly incidentId: string;
  readonly version: number;
  readonly reason: NotableReason;
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
}

const REASON_TEXT: Record<NotableReason, string> = {
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
  reason: NotableReason,
  publicUrl: string | null,
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
