// Each channel's request for a notification, in the shape its vendor documents: Slack incoming
// webhooks (Block Kit), Microsoft Teams incoming webhooks (an Adaptive Card in a message),
// PagerDuty Events API v2 (trigger, acknowledge and resolve on the incident's dedup key), and
// the generic webhook (the incident event as JSON). Pure: #platform's DeliveryQueue sends them.
import type { Incident } from '#contracts';
import type { OutboundRequest } from '#platform';
import { knownErrorLine, type IncidentMessage } from './message.js';

/** Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
const mrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function facts(m: IncidentMessage): [string, string][] {
  return [
    ['Severity', m.severity],
    ['Status', m.status],
    ['Service', `${m.service} (${m.environment})`],
    ['Blast radius', `${m.blastRadius} service${m.blastRadius === 1 ? '' : 's'}`],
    ...(m.actor ? ([['By', m.actor]] as [string, string][]) : []),
  ];
}

export function slackRequest(url: string, m: IncidentMessage): OutboundRequest {
  const cause = [
    `*Likely cause:* ${mrkdwn(m.suspect)}`,
    ...m.evidence.map((e) => `• ${mrkdwn(clip(e, 500))}`),
  ];
  if (m.verdict) cause.push(`*Verification:* ${mrkdwn(clip(m.verdict, 500))}`);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(m.headline, 150) } },
    ...(m.knownError
      ? [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: clip(knownErrorLines(m.knownError, '*', mrkdwn).join('\n'), 3000) },
          },
        ]
      : []),
    {
      type: 'section',
      fields: facts(m).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${mrkdwn(clip(v, 1900))}` })),
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(cause.join('\n'), 3000) } },
  ];
  if (m.comment)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(clip(m.comment, 2000)) }] });
  if (m.link) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open incident' }, url: m.link }],
    });
  }
  return { url, body: { text: clip(`${m.headline}: ${summaryOf(m)}`, 3000), blocks } };
}

/** What the notification's one-line text ends with: the known error it repeats, or the likely cause. */
function summaryOf(m: IncidentMessage): string {
  return m.knownError ? knownErrorLine(m.knownError) : m.suspect;
}

/** The known error in up to three lines, each led by its name in bold (`*` in Slack, `**` in Teams). */
function knownErrorLines(
  k: NonNullable<IncidentMessage['knownError']>,
  bold: string,
  escape = (t: string) => t,
): string[] {
  const line = (name: string, text: string) => `${bold}${name}:${bold} ${escape(text)}`;
  return [
    line('Known error', clip(k.title, 500)),
    line('Workaround', k.workaround ? clip(k.workaround, 2000) : 'none recorded'),
    ...(k.fixChangeId ? [line('Fix', k.fixChangeId)] : []),
  ];
}

export function teamsRequest(url: string, m: IncidentMessage): OutboundRequest {
  const body: unknown[] = [
    { type: 'TextBlock', text: m.headline, weight: 'Bolder', size: 'Medium', wrap: true },
    ...(m.knownError
      ? [
          {
            type: 'TextBlock',
            text: knownErrorLines(m.knownError, '**').join('\n\n'),
            wrap: true,
          },
        ]
      : []),
    { type: 'FactSet', facts: facts(m).map(([title, value]) => ({ title, value })) },
    { type: 'TextBlock', text: `**Likely cause:** ${m.suspect}`, wrap: true },
    ...m.evidence.map((e) => ({ type: 'TextBlock', text: `- ${e}`, wrap: true, spacing: 'None' })),
  ];
  if (m.verdict) body.push({ type: 'TextBlock', text: `**Verification:** ${m.verdict}`, wrap: true });
  if (m.comment) body.push({ type: 'TextBlock', text: m.comment, wrap: true, isSubtle: true });
  return {
    url,
    body: {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body,
            ...(m.link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open incident', url: m.link }] } : {}),
          },
        },
      ],
    },
  };
}

const PAGERDUTY_SEVERITY: Record<IncidentMessage['severity'], string> = {
  critical: 'critical',
  high: 'error',
  warning: 'warning',
  info: 'info',
};

/** PagerDuty Events v2: the incident's id is the dedup key, so its alert follows the incident. */
export function pagerDutyRequest(url: string, routingKey: string, m: IncidentMessage): OutboundRequest {
  const dedup = clip(m.incidentId, 255);
  // The known error goes out as a trigger on the same dedup key: PagerDuty adds it to the open
  // alert's log (Events v2 has no note), whatever its state there.
  if (m.reason !== 'known_error' && (m.status === 'resolved' || m.status === 'acknowledged')) {
    return {
      url,
      body: {
        routing_key: routingKey,
        event_action: m.status === 'resolved' ? 'resolve' : 'acknowledge',
        dedup_key: dedup,
      },
    };
  }
  return {
    url,
    body: {
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: dedup,
      payload: {
        summary: clip(`${m.headline}: ${summaryOf(m)}`, 1024),
        source: m.service,
        severity: PAGERDUTY_SEVERITY[m.severity],
        component: m.service,
        group: m.environment,
        class: 'aftershock.incident',
        custom_details: {
          likely_cause: m.suspect,
          evidence: m.evidence,
          verification: m.verdict,
          blast_radius: m.blastRadius,
          services: m.services,
          ...(m.knownError
            ? {
                known_error: m.knownError.title,
                workaround: m.knownError.workaround,
                fix_change: m.knownError.fixChangeId,
              }
            : {}),
        },
      },
      ...(m.link ? { links: [{ href: m.link, text: 'Open incident in Aftershock' }] } : {}),
      client: 'Aftershock',
      ...(m.link ? { client_url: m.link } : {}),
    },
  };
}

/** The generic webhook: the incident event itself, for machines. */
export function webhookRequest(url: string, incident: Incident, token?: string): OutboundRequest {
  return {
    url,
    body: { type: 'aftershock.incident', incident },
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  };
}
