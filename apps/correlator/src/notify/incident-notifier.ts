// The correlator's notifications: every incident version to the generic webhook (machines
// keep the highest version), and each notable version (notable.ts) to the channels its routes
// name (routes.ts), laid out for each channel (channels.ts) and delivered with retries
// (#platform's DeliveryQueue). The deep link is AFTERSHOCK_PUBLIC_URL + /incidents/<id>.
import type { Incident } from '#contracts';
import type { Logger } from '#observability';
import { DEFAULT_DELIVERY, DeliveryQueue, type DeliverySettings, type OutboundRequest } from '#platform';
import { pagerDutyRequest, slackRequest, teamsRequest, webhookRequest } from './channels.js';
import { incidentMessage, type IncidentMessage } from './message.js';
import { NotableVersions } from './notable.js';
import { channelsFor, type Channel, type Routes } from './routes.js';

export interface NotifierOptions {
  /** Every version, as the incident event (INCIDENT_WEBHOOK_URL). */
  readonly webhook?: { readonly url: string; readonly token?: string };
  readonly routes?: Routes;
  readonly publicUrl?: string;
  readonly delivery?: Partial<DeliverySettings>;
}

export class IncidentNotifier {
  readonly queue: DeliveryQueue;
  private readonly notable = new NotableVersions();

  constructor(
    private readonly options: NotifierOptions,
    logger: Logger,
  ) {
    this.queue = new DeliveryQueue({ ...DEFAULT_DELIVERY, ...options.delivery }, logger);
  }

  /** Whether there is anywhere to send anything. */
  get configured(): boolean {
    return this.options.webhook !== undefined || (this.options.routes?.channels.size ?? 0) > 0;
  }

  notify(incident: Incident): void {
    const { webhook, routes } = this.options;
    const key = `${incident.id}/${incident.version}`;
    if (webhook) this.queue.enqueue(key, webhookRequest(webhook.url, incident, webhook.token));
    const reason = this.notable.judge(incident);
    if (!reason || !routes) return;
    const message = incidentMessage(incident, reason, this.options.publicUrl ?? null);
    for (const channel of channelsFor(routes, incident))
      this.queue.enqueue(`${channel.name}/${key}`, requestFor(channel, message));
  }

  drain(deadlineMs?: number): Promise<void> {
    return this.queue.drain(deadlineMs);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

function requestFor(channel: Channel, message: IncidentMessage): OutboundRequest {
  switch (channel.type) {
    case 'slack':
      return slackRequest(channel.url, message);
    case 'teams':
      return teamsRequest(channel.url, message);
    case 'pagerduty':
      return pagerDutyRequest(channel.url, channel.routingKey, message);
    case 'webhook':
      return { url: channel.url, body: { type: 'aftershock.notification', ...message } };
  }
}
