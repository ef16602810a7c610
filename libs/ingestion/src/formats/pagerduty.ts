// PagerDuty Events API v2: alert events (`/v2/enqueue`, with `event_action`) become Alerts,
// change events (`/v2/change/enqueue`, no `event_action`) become Changes. One body, one event.
//
// Alert events:
//   fingerprint  `dedup_key`. A trigger without one gets a key derived from what identifies the
//                problem (routing key, summary, source, severity, component, group, class), so
//                repeats of the same trigger de-duplicate as PagerDuty would. acknowledge and
//                resolve refer to an existing alert and are refused without `dedup_key`.
//   status       trigger → firing, acknowledge → acknowledged, resolve → resolved
//   name         `payload.class` (a stable kind of problem, e.g. "cpu load"), else the summary
//   service      in order: the identity rules over `payload.custom_details` (e.g. a `service`
//                detail), the service the routing key is mapped to in the options, then
//                `payload.component`, `payload.group` and `payload.source`. PagerDuty's source
//                is usually a host; it is the last resort. An acknowledge/resolve without payload
//                names nothing, so it needs the routing-key mapping (or the trigger's payload
//                sent along, as Alertmanager does) and is refused otherwise.
//   environment  the identity rules over custom_details, else the routing-key mapping
//   severity     `payload.severity` (critical | error | warning | info, as PagerDuty requires)
//   startsAt     `payload.timestamp`, else the time Aftershock received the event (for raw-topic
//                input that is the record's timestamp, so a replay yields the same id)
//   endsAt       the event time of a resolve
//   labels       component, group, class, source; annotations: scalar custom_details, client
//   link         first of `links[].href`, else `client_url`; runbookUrl: custom detail
//                `runbook_url`, else a link whose text mentions a runbook
// Change events:
//   service      the identity rules over custom_details, else the routing-key mapping; refused
//                otherwise (a change event's `source` names the tool that sent it, not the
//                service that changed)
//   kind         custom detail `kind` when it is a canonical change kind, else deployment
//   version      custom details `version` / `previous_version`; initiator, team, automated likewise
//   startedAt    `payload.timestamp`, else the receive time
//   id           hash of routing key, summary, source, startedAt, details and links
import { contentId, type Severity } from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import {
  alertEvent,
  changeEvent,
  definedLabels,
  isChangeKind,
  links,
  requireService,
  serviceOf,
} from './canonical.js';
import {
  asObject,
  at,
  httpUrl,
  identifier,
  invalid,
  jsonBody,
  missing,
  optionalArray,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalTimestamp,
  requiredString,
  scalarMap,
  type JsonObject,
} from './fields.js';

/** Where a routing key's events belong: PagerDuty routes by integration key, Aftershock by service. */
export interface RoutingKeyTarget {
  readonly service: string;
  readonly environment?: string;
  readonly team?: string;
}

export interface PagerDutyOptions {
  /** routing_key → service; used when the payload itself names no service. */
  readonly routingKeys?: Readonly<Record<string, RoutingKeyTarget>>;
}

const PAGERDUTY_SEVERITY: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  error: 'high',
  warning: 'warning',
  info: 'info',
};

const STATUS = { trigger: 'firing', acknowledge: 'acknowledged', resolve: 'resolved' } as const;

interface Link {
  readonly href: string;
  readonly text?: string;
}

export class PagerDutyNormaliser implements Normaliser {
  readonly format = 'pagerduty';
  private readonly routingKeys: Readonly<Record<string, RoutingKeyTarget>>;

  constructor(options: PagerDutyOptions = {}) {
    this.routingKeys = options.routingKeys ?? {};
  }

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    const body = asObject(jsonBody(input.body), '');
    const routingKey = requiredString(body, 'routing_key', '', { identifier: true });
    const payload = optionalObject(body, 'payload', '');
    if (body['event_action'] === undefined) {
      // A change event has no event_action and no severity; an alert event missing its action does.
      if (payload?.['severity'] !== undefined) {
        missing('event_action', 'is required for an alert event: trigger, acknowledge or resolve');
      }
      return [this.change(body, routingKey, input, context)];
    }
    return [this.alert(body, routingKey, payload, input, context)];
  }

  private target(routingKey: string): RoutingKeyTarget | undefined {
    return Object.hasOwn(this.routingKeys, routingKey) ? this.routingKeys[routingKey] : undefined;
  }

  private alert(
    body: JsonObject,
    routingKey: string,
    payload: JsonObject | undefined,
    input: RawInput,
    context: NormaliseContext,
  ): CanonicalEvent {
    const action = requiredString(body, 'event_action', '');
    if (!Object.hasOwn(STATUS, action)) {
      invalid('event_action', `"${action}" is not one of trigger, acknowledge, resolve`);
    }
    const status = STATUS[action as keyof typeof STATUS];
    let dedupKey = optionalString(body, 'dedup_key', '', { identifier: true });
    if (action !== 'trigger' && dedupKey === undefined) {
      missing('dedup_key', `is required for ${action}: it names the alert the ${action} is for`);
    }
    if (action === 'trigger' && payload === undefined) missing('payload', 'is required for trigger');

    const p = payload ?? {};
    const summary = optionalString(p, 'summary', 'payload');
    const source = optionalString(p, 'source', 'payload', { identifier: true });
    const severityWord = optionalString(p, 'severity', 'payload');
    if (action === 'trigger') {
      if (summary === undefined) missing('payload.summary');
      if (source === undefined) missing('payload.source');
      if (severityWord === undefined) missing('payload.severity');
    }
    if (severityWord !== undefined && !Object.hasOwn(PAGERDUTY_SEVERITY, severityWord)) {
      invalid('payload.severity', `"${severityWord}" is not one of critical, error, warning, info`);
    }
    const component = optionalString(p, 'component', 'payload', { identifier: true });
    const group = optionalString(p, 'group', 'payload', { identifier: true });
    const klass = optionalString(p, 'class', 'payload', { identifier: true });
    const details = detailsObject(p);
    const target = this.target(routingKey);

    const where = payload === undefined ? 'payload' : 'payload.custom_details';
    const service = requireService(
      serviceOf(context.identity, [details], 'payload.custom_details') ??
        (target ? identifier(target.service, 'routing_key') : undefined) ??
        component ??
        group ??
        source,
      where,
      context.identity,
    );

    dedupKey ??= contentId('pd', {
      routingKey,
      summary,
      source,
      severity: severityWord,
      component,
      group,
      class: klass,
    });
    const startsAt = optionalTimestamp(p, 'timestamp', 'payload', input.receivedAt) ?? input.receivedAt;
    const endsAt = status === 'resolved' ? startsAt : null;
    const bodyLinks = readLinks(body);
    const annotations = scalarMap(details, 'payload.custom_details');
    if (typeof p['custom_details'] === 'string') {
      annotations['details'] = optionalString(p, 'custom_details', 'payload') ?? '';
    }
    const client = optionalString(body, 'client', '');
    if (client !== undefined) annotations['client'] = client;
    const runbook =
      httpUrl(annotations['runbook_url']) ?? bodyLinks.find((l) => /runbook/i.test(l.text ?? ''))?.href;

    return alertEvent({
      id: contentId('pagerduty', { fingerprint: dedupKey, status, startsAt, endsAt }),
      fingerprint: dedupKey,
      status,
      name: klass ?? (summary ? identifier(summary.slice(0, 256), 'payload.summary') : dedupKey),
      service,
      environment: identifier(
        context.identity.environment(details, target?.environment ? { environment: target.environment } : {}),
        where,
      ),
      severity: severityWord ? PAGERDUTY_SEVERITY[severityWord]! : 'warning',
      summary: summary ?? '',
      labels: definedLabels({ component, group, class: klass, source }),
      annotations,
      startsAt,
      endsAt,
      source: this.format,
      link: bodyLinks[0]?.href ?? httpUrl(optionalString(body, 'client_url', '')) ?? null,
      team: annotations['team']?.trim() || target?.team || null,
      runbookUrl: runbook ?? null,
    });
  }

  private change(
    body: JsonObject,
    routingKey: string,
    input: RawInput,
    context: NormaliseContext,
  ): CanonicalEvent {
    const payload = optionalObject(body, 'payload', '');
    if (payload === undefined) missing('payload', 'is required for a change event');
    const summary = requiredString(payload, 'summary', 'payload');
    const source = optionalString(payload, 'source', 'payload');
    const details = detailsObject(payload);
    const detailLabels = scalarMap(details, 'payload.custom_details');
    const target = this.target(routingKey);
    const service =
      serviceOf(context.identity, [details], 'payload.custom_details') ??
      (target ? identifier(target.service, 'routing_key') : undefined);
    if (service === undefined) {
      missing(
        'payload.custom_details',
        `names no service: add a custom detail ${context.identity.rules.serviceKeys
          .slice(0, 3)
          .join(
            ' / ',
          )} (a change event's source names the sending tool), or map the routing key to a service`,
      );
    }
    const startedAt =
      optionalTimestamp(payload, 'timestamp', 'payload', input.receivedAt) ?? input.receivedAt;
    const changeLinks = readLinks(body).map((l) => ({ name: l.text ?? 'link', url: l.href }));
    const labels = { ...detailLabels, ...(source !== undefined ? { source } : {}) };
    const kind = details?.['kind'];
    return changeEvent({
      id: contentId('pagerduty', { routingKey, summary, source, startedAt, labels, links: changeLinks }),
      source: this.format,
      kind: isChangeKind(kind) ? kind : 'deployment',
      service,
      environment: context.identity.environment(
        details,
        target?.environment ? { environment: target.environment } : {},
      ),
      version: detailLabels['version'] ?? null,
      previousVersion: detailLabels['previous_version'] ?? null,
      startedAt,
      automated: (details && optionalBoolean(details, 'automated', 'payload.custom_details')) ?? false,
      initiator: detailLabels['initiator'] ?? null,
      links: links(...changeLinks),
      labels: { summary, ...labels },
      team: detailLabels['team']?.trim() || target?.team || null,
    });
  }
}

function detailsObject(payload: JsonObject): JsonObject | undefined {
  const value = payload['custom_details'];
  // custom_details is free-form: PagerDuty accepts a string too (kept as an annotation).
  if (value === undefined || value === null || typeof value === 'string') return undefined;
  return asObject(value, 'payload.custom_details');
}

function readLinks(body: JsonObject): Link[] {
  const out: Link[] = [];
  optionalArray(body, 'links', '').forEach((item, i) => {
    const link = asObject(item, at('links', i));
    const href = httpUrl(optionalString(link, 'href', at('links', i)));
    if (href === undefined) return;
    const text = optionalString(link, 'text', at('links', i));
    out.push(text === undefined ? { href } : { href, text });
  });
  return out;
}
