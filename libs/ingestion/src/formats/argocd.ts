// Argo CD notifications → Change. Accepts exactly the body the `aftershock-sync` template in
// deploy/argocd/notifications-cm.yaml renders (`schema: "aftershock.argocd/v1"`); the template
// and this mapper are one contract, documented in deploy/argocd/README.md.
//
// Mapping:
//   id              hash of (app, appNamespace, revision, startedAt): every trigger that fires for
//                   one sync operation (on-deployed, on-sync-succeeded, later on-health-degraded)
//                   yields the same change, so downstream de-duplication keeps one
//   kind            deployment; rollback when the synced revision is one deployed before the
//                   previous one (what `argocd app rollback` does), with rollbackOf the id of the
//                   change being rolled back when its history entry says when it started
//   service         the identity rules over the Application's labels, else the app name
//   environment     the identity rules over the labels (e.g. an `environment` label)
//   version         revision (multi-source apps: revisions joined by ",")
//   previousVersion from history: Argo CD appends an entry per successful sync, so after a
//                   successful sync of R the entry before the last one is what ran before; after
//                   a failed sync the last entry is
//   startedAt       operation startedAt (required); finishedAt: operation finishedAt
//   automated       initiatedBy.automated (auto-sync); initiator: initiatedBy.username
//   scope           service; the cluster side (destination server/name/namespace, project) is in
//                   labels, as are sync phase, sync status and health — a degraded app after a
//                   sync is still that sync's change, the label says how it went
//   labels          the Application's labels, then argocd.* keys; team: label `team`
//   links           the app in the Argo CD UI (context.argocdUrl), the repository
import { contentId } from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import { changeEvent, definedLabels, links, serviceOf } from './canonical.js';
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
  optionalId,
  optionalObject,
  optionalString,
  parseRfc3339,
  requiredString,
  requiredTimestamp,
  stringMap,
  optionalTimestamp,
  type JsonObject,
} from './fields.js';

export const ARGOCD_BODY_SCHEMA = 'aftershock.argocd/v1';

interface HistoryEntry {
  readonly revision: string | undefined;
  readonly deployStartedAt: string | undefined;
}

/** The change id of one Argo CD sync operation. */
export function argocdChangeId(
  app: string,
  appNamespace: string | undefined,
  revision: string,
  startedAt: number,
): string {
  return contentId('argocd', { app, appNamespace, revision, startedAt });
}

export class ArgoCdNormaliser implements Normaliser {
  readonly format = 'argocd';

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    const body = asObject(jsonBody(input.body), '');
    const schema = body['schema'];
    if (schema !== ARGOCD_BODY_SCHEMA) {
      const what = schema === undefined ? 'is missing' : `is ${JSON.stringify(schema)}`;
      invalid(
        'schema',
        `${what}: this endpoint accepts the body rendered by the aftershock-sync template of deploy/argocd/notifications-cm.yaml ("schema": "${ARGOCD_BODY_SCHEMA}")`,
        schema === undefined ? 'validate.missing-field' : 'validate.invalid-field',
      );
    }
    const app = requiredString(body, 'app', '', { identifier: true });
    const appNamespace = optionalString(body, 'appNamespace', '', { identifier: true });
    const project = optionalString(body, 'project', '');
    const labels = stringMap(body, 'labels', '');
    const revision = revisionOf(body, '');
    if (revision === undefined) missing('revision', 'is required (multi-source apps: revisions)');
    const startedAt = requiredTimestamp(body, 'startedAt', '', input.receivedAt);
    const finishedAt = optionalTimestamp(body, 'finishedAt', '', input.receivedAt) ?? null;
    const syncPhase = optionalString(body, 'syncPhase', '');
    const history = optionalArray(body, 'history', '').map((entry, i) =>
      historyEntry(entry, at('history', i)),
    );

    // What ran before: after a successful sync the last history entry is this sync itself.
    let previousIndex = history.length - 1;
    if (syncPhase === 'Succeeded' && history[previousIndex]?.revision === revision) previousIndex -= 1;
    const previous = previousIndex >= 0 ? history[previousIndex] : undefined;
    const returnsToOlder =
      previous !== undefined &&
      previous.revision !== revision &&
      history.slice(0, previousIndex).some((h) => h.revision === revision);
    const previousStarted = previous?.deployStartedAt && parseRfc3339(previous.deployStartedAt);
    const rollbackOf =
      returnsToOlder && previous?.revision && previousStarted
        ? argocdChangeId(app, appNamespace, previous.revision, previousStarted)
        : null;

    const destination = optionalObject(body, 'destination', '') ?? {};
    const source = optionalObject(body, 'source', '') ?? {};
    const initiatedBy = optionalObject(body, 'initiatedBy', '') ?? {};
    const automated = optionalBoolean(initiatedBy, 'automated', 'initiatedBy') ?? false;
    const argocdUrl = httpUrl(optionalString(body, 'argocdUrl', ''))?.replace(/\/+$/, '');
    const repoURL = optionalString(source, 'repoURL', 'source');
    const appPath = appNamespace ? `${appNamespace}/${app}` : app;

    return [
      changeEvent({
        id: argocdChangeId(app, appNamespace, revision, startedAt),
        source: this.format,
        kind: returnsToOlder ? 'rollback' : 'deployment',
        service: serviceOf(context.identity, [labels], 'labels') ?? app,
        environment: identifier(context.identity.environment(labels), 'labels'),
        version: revision,
        previousVersion: previous?.revision ?? null,
        startedAt,
        finishedAt,
        automated,
        initiator: optionalString(initiatedBy, 'username', 'initiatedBy') ?? null,
        rollbackOf,
        team: labels['team']?.trim() || null,
        links: links(
          argocdUrl ? { name: 'argocd', url: `${argocdUrl}/applications/${appPath}` } : undefined,
          httpUrl(repoURL) ? { name: 'repository', url: repoURL! } : undefined,
        ),
        labels: {
          ...labels,
          ...definedLabels({
            'argocd.app': app,
            'argocd.appNamespace': appNamespace,
            'argocd.project': project,
            'argocd.destination.server': optionalString(destination, 'server', 'destination'),
            'argocd.destination.name': optionalString(destination, 'name', 'destination'),
            'argocd.destination.namespace': optionalString(destination, 'namespace', 'destination'),
            'argocd.repoURL': repoURL,
            'argocd.path': optionalString(source, 'path', 'source'),
            'argocd.chart': optionalString(source, 'chart', 'source'),
            'argocd.targetRevision': optionalString(source, 'targetRevision', 'source'),
            'argocd.syncPhase': syncPhase,
            'argocd.syncStatus': optionalString(body, 'syncStatus', ''),
            'argocd.health': optionalString(body, 'healthStatus', ''),
            'argocd.message': optionalString(body, 'message', ''),
          }),
        },
      }),
    ];
  }
}

/** `revision`, or for multi-source apps the `revisions` joined by ",". */
function revisionOf(object: JsonObject, path: string): string | undefined {
  const single = optionalString(object, 'revision', path);
  if (single !== undefined) return single;
  const many = optionalArray(object, 'revisions', path).map((r, i) => {
    if (typeof r !== 'string') invalid(at(at(path, 'revisions'), i), 'expected a revision string');
    return r.trim();
  });
  const joined = many.filter((r) => r !== '').join(',');
  return joined === ''
    ? undefined
    : joined.length > 65_536
      ? invalid(at(path, 'revisions'), 'is too long')
      : joined;
}

function historyEntry(value: unknown, path: string): HistoryEntry {
  const entry = asObject(value, path);
  optionalId(entry, 'id', path);
  return {
    revision: revisionOf(entry, path),
    deployStartedAt: optionalString(entry, 'deployStartedAt', path),
  };
}
