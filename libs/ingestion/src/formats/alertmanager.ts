// Prometheus Alertmanager webhook (`webhook_config`, payload `version: "4"`): one canonical
// Alert per alert in the group, firing and resolved alike.
//
// Mapping, per alert:
//   fingerprint  Alertmanager's `fingerprint`; else a hash of the sorted label set (which is
//                what Alertmanager's own fingerprint identifies)
//   status       `status` (firing | resolved), required
//   name         label `alertname`, required
//   service      the service identity rules over the alert's labels. An alert that names no
//                service is refused with `alerts[i].labels` named, rather than filed under the
//                receiver or externalURL: those name the Alertmanager, not the system at fault,
//                and an alert under a made-up service could never be attributed to a change.
//                The dead-letter record says which keys were looked for; add one of them to the
//                alerting rule (or the identity rules) and replay.
//   environment  the identity rules over the labels (default from the rules)
//   severity     label `severity`: critical/page → critical, error/high/major → high,
//                warning/minor → warning, info/none/low → info; anything else → warning
//   summary      annotation `summary`, else `description`, else `message`
//   startsAt     `startsAt`; endsAt only for resolved alerts. Alertmanager writes
//                `0001-01-01T00:00:00Z` for "unset", and a firing alert's endsAt is only the
//                expected expiry, which moves on every re-notification; keeping it would give
//                the same firing state a new id each time.
//   link         `generatorURL`; runbookUrl: annotation `runbook_url` (or `runbook`)
//   team         label `team`
//   id           hash of (fingerprint, status, startsAt, endsAt): a re-notification of the same
//                state (repeat_interval, an HA peer) has the same id.
import { contentId } from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import { alertEvent, requireService, serviceOf, severityOf } from './canonical.js';
import {
  asArray,
  asObject,
  at,
  httpUrl,
  identifier,
  invalid,
  jsonBody,
  missing,
  optionalString,
  requiredString,
  stringMap,
  timestampOf,
  type JsonObject,
} from './fields.js';

/** Go's zero time, which Alertmanager writes for an unset endsAt. */
const GO_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

export class AlertmanagerNormaliser implements Normaliser {
  readonly format = 'alertmanager';

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    const body = asObject(jsonBody(input.body), '');
    const version = body['version'];
    if (version === undefined) {
      missing('version', 'is required: an Alertmanager webhook payload carries version "4"');
    }
    if (version !== '4') {
      invalid(
        'version',
        `${JSON.stringify(version)} is not supported; only the Alertmanager webhook payload version "4" is`,
        'unsupported.version',
      );
    }
    const alerts = body['alerts'];
    if (alerts === undefined || alerts === null) missing('alerts');
    return asArray(alerts, 'alerts', 'an array of alerts').map((alert, i) =>
      this.alert(asObject(alert, at('alerts', i)), at('alerts', i), input, context),
    );
  }

  private alert(alert: JsonObject, path: string, input: RawInput, context: NormaliseContext): CanonicalEvent {
    const status = requiredString(alert, 'status', path);
    if (status !== 'firing' && status !== 'resolved') {
      invalid(at(path, 'status'), `"${status}" is neither "firing" nor "resolved"`);
    }
    const labels = stringMap(alert, 'labels', path);
    const annotations = stringMap(alert, 'annotations', path);
    const labelsPath = at(path, 'labels');
    const name = labels['alertname'];
    if (name === undefined || name.trim() === '') missing(at(labelsPath, 'alertname'));
    const service = requireService(
      serviceOf(context.identity, [labels], labelsPath),
      labelsPath,
      context.identity,
    );
    const environment = identifier(context.identity.environment(labels), labelsPath);

    const startsAt = timestampOf(
      requiredString(alert, 'startsAt', path),
      at(path, 'startsAt'),
      input.receivedAt,
    );
    const endsText = optionalString(alert, 'endsAt', path);
    const endsAt =
      status === 'resolved' && endsText !== undefined && !GO_ZERO_TIME.test(endsText)
        ? timestampOf(endsText, at(path, 'endsAt'), input.receivedAt)
        : null;
    const fingerprint =
      optionalString(alert, 'fingerprint', path, { identifier: true }) ?? contentId('labels', labels);

    return alertEvent(
      {
        id: contentId('alertmanager', { fingerprint, status, startsAt, endsAt }),
        fingerprint,
        status,
        name: identifier(name, at(labelsPath, 'alertname')),
        service,
        environment,
        severity: severityOf(labels['severity']),
        summary: annotations['summary'] ?? annotations['description'] ?? annotations['message'] ?? '',
        labels,
        annotations,
        startsAt,
        endsAt,
        source: this.format,
        link: httpUrl(optionalString(alert, 'generatorURL', path)) ?? null,
        team: labels['team']?.trim() || null,
        runbookUrl: httpUrl(annotations['runbook_url'] ?? annotations['runbook']) ?? null,
      },
      path,
    );
  }
}
