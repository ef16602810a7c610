// The correlator's notifications: every incident version to the generic webhook (machines
// keep the highest version), and each notable version (notable.ts) to the channels its routes
// name (routes.ts), laid out for each channel (channels.ts) and delivered with retries
// (#platform's DeliveryQueue). The deep link is AFTERSHOCK_PUBLIC_URL + /incidents/<id>.
//
// Known errors: the problems app files an incident into its problem a moment after it opened
// (after this notifier told people about it). When a problem in known-error state lists an
// incident this notifier told about that is still open, one follow-up goes to the same channels
// (PagerDuty: a trigger on the same dedup key, added to the alert) with the known error, its
// workaround and the fix if planned — once per incident and problem, never for each version.
import type { Incident, Problem } from '#contracts';
import type { Logger } from '#observability';
import { DEFAULT_DELIVERY, DeliveryQueue, type DeliverySettings, type OutboundRequest } from '#platform';
import { pagerDutyRequest, slackRequest, teamsRequest, webhookRequest } from './channels.js';
import { incidentMessage, knownErrorNote, type IncidentMessage } from './message.js';
import { NotableVersions } from './notable.js';
import { channelsFor, type Channel, type Routes } from './routes.js';

export interface NotifierOptions {
  /** Every version, as the incident event (INCIDENT_WEBHOOK_URL). */
  readonly webhook?: { readonly url: string; readonly token?: string };
  readonly routes?: Routes;
  readonly publicUrl?: string;
  readonly delivery?: Partial<DeliverySettings>;
}

/** Open incidents remembered for their known errors; beyond this, the quietest are forgotten. */
const MAX_TOLD = 50_000;

export class IncidentNotifier {
  readonly queue: DeliveryQueue;
  private readonly notable = new NotableVersions();
  /** Incidents people were told about that are not resolved, at their latest version (oldest first out). */
  private readonly told = new Map<string, Incident>();
  /** `incident/problem` pairs whose known error was sent. */
  private readonly knownSent = new Set<string>();

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
    this.track(incident, reason !== null && routes !== undefined);
    if (!reason || !routes) return;
    const message = incidentMessage(incident, reason, this.options.publicUrl ?? null);
    for (const channel of channelsFor(routes, incident))
      this.queue.enqueue(`${channel.name}/${key}`, requestFor(channel, message));
  }

  /**
   * A problem's new version: when it is a known error, one follow-up for each member incident
   * people were told about and that is still open (not while it is snoozed). How many were sent.
   */
  knownError(problem: Problem): number {
    const { routes } = this.options;
    if (problem.status !== 'known_error' || !routes) return 0;
    let sent = 0;
    for (const id of problem.members) {
      const incident = this.told.get(id);
      const pair = `${id}/${problem.id}`;
      if (!incident || this.knownSent.has(pair)) continue;
      if (incident.snoozedUntil !== null && incident.snoozedUntil > incident.updatedAt) continue;
      this.knownSent.add(pair);
      const message = incidentMessage(
        incident,
        'known_error',
        this.options.publicUrl ?? null,
        knownErrorNote(problem),
      );
      for (const channel of channelsFor(routes, incident))
        this.queue.enqueue(
          `${channel.name}/${incident.id}/${incident.version}/known-error/${problem.id}`,
          requestFor(channel, message),
        );
      sent++;
    }
    return sent;
  }

  /** Keeps the latest version of each incident people were told about, until it is resolved. */
  private track(incident: Incident, toldNow: boolean): void {
    const known = this.told.get(incident.id);
    if (incident.status === 'resolved') {
      this.told.delete(incident.id);
      for (const pair of this.knownSent) if (pair.startsWith(`${incident.id}/`)) this.knownSent.delete(pair);
      return;
    }
    if (!toldNow && (!known || known.version >= incident.version)) return;
    this.told.delete(incident.id);
    this.told.set(incident.id, incident);
    if (this.told.size > MAX_TOLD) {
      const oldest = this.told.keys().next().value!;
      this.told.delete(oldest);
    }
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
