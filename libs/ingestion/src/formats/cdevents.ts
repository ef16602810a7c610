// CDEvents (spec v0.4 / v0.5) → Change. CDEvents arrive as plain JSON (one event or an array)
// or inside a CloudEvent (see cloudevents.ts, which hands the event data to `cdeventChanges`).
//
// An event is `{ context, subject, customData? }`: context.{id, source, type, timestamp,
// version (v0.5 also `specversion`), chainId?}; subject.{id, source?, type, content}.
//
// Mapped types (any version suffix, e.g. dev.cdevents.service.deployed.0.2.0):
//   service.deployed, service.upgraded → kind deployment
//   service.rolledback                 → kind rollback
//   service.removed                    → kind other (neither a new version nor a platform
//                                        change; label cdevents.predicate says what it was)
//   pipelinerun.finished               → kind deployment (a CD pipeline run), unless
//                                        customData.kind names another canonical kind
//   environment.modified               → kind infrastructure, scope cluster (the spec's
//                                        environment is a platform services run on)
// Other types of the CDEvents vocabulary (taskrun.started, artifact.packaged, …) say nothing
// about a running system and yield no events; a type outside the vocabulary is refused
// (`unsupported.cdevent-type`), so a typo is not silently ignored.
//
// Fields:
//   id           context.id
//   startedAt    context.timestamp (the occurrence); finishedAt too: every mapped event
//                reports something that has completed
//   service      the identity rules over customData first (a producer's explicit word), then
//                per type: service.* → subject.id, whose last path segment is the name in the
//                spec's examples (`service/myapp`, `daemonset/myapp` → myapp);
//                pipelinerun.finished → subject.content.pipelineName;
//                environment.modified → `environment:<name or id>`
//   environment  service.* → subject.content.environment.id; environment.modified → subject.id;
//                else the identity rules over customData
//   version      the version of the artifact purl in subject.content.artifactId
//                (`pkg:oci/myapp@sha256%3Aabc…` → `sha256:abc…`; a non-purl id is kept whole);
//                pipelinerun.finished: customData.version
//   pipeline     pipelinerun.finished: name pipelineName, runId subject.id, url content.url,
//                testsPassed from outcome (success → true, failure → false, error → unknown:
//                an errored run says nothing about tests)
//   automated    customData.automated, else true: CDEvents are emitted by delivery tooling
//   customData   Aftershock hints, all optional: service/environment (identity keys),
//                version, previousVersion, rollbackOf, initiator, team, automated, rollout, kind
//   labels       cdevents.type, .source, .subject, .chainId, .artifactId, .predicate, .outcome,
//                .errors — the chainId lets a pipeline run and the deployment it made be joined
import type { ChangeKind } from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import { changeEvent, definedLabels, isChangeKind, isRollout, links, serviceOf } from './canonical.js';
import {
  asArray,
  asObject,
  at,
  httpUrl,
  identifier,
  invalid,
  jsonBody,
  missing,
  optionalBoolean,
  optionalObject,
  optionalString,
  requiredObject,
  requiredString,
  timestampOf,
  type JsonObject,
} from './fields.js';

export const CDEVENTS_PREFIX = 'dev.cdevents.';

const TYPE = /^dev\.cdevents\.([a-z]+)\.([a-z]+)(?:\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?))?$/;

const MAPPED = new Set([
  'service.deployed',
  'service.upgraded',
  'service.rolledback',
  'service.removed',
  'pipelinerun.finished',
  'environment.modified',
]);

/** The rest of the CDEvents vocabulary (v0.4/v0.5): valid, but not a change to a running system. */
const NOT_CHANGES = new Set([
  'pipelinerun.queued',
  'pipelinerun.started',
  'taskrun.started',
  'taskrun.finished',
  'change.created',
  'change.updated',
  'change.reviewed',
  'change.merged',
  'change.abandoned',
  'repository.created',
  'repository.modified',
  'repository.deleted',
  'branch.created',
  'branch.deleted',
  'build.queued',
  'build.started',
  'build.finished',
  'testcaserun.queued',
  'testcaserun.started',
  'testcaserun.finished',
  'testcaserun.skipped',
  'testsuiterun.queued',
  'testsuiterun.started',
  'testsuiterun.finished',
  'testoutput.published',
  'artifact.packaged',
  'artifact.signed',
  'artifact.published',
  'artifact.downloaded',
  'artifact.deleted',
  'environment.created',
  'environment.deleted',
  'service.published',
  'incident.detected',
  'incident.reported',
  'incident.resolved',
  'ticket.created',
  'ticket.updated',
  'ticket.closed',
]);

/** CloudEvent attributes, used when a CloudEvent carries a CDEvent without its own context. */
export interface CDEventEnvelope {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time?: string;
}

export class CDEventsNormaliser implements Normaliser {
  readonly format = 'cdevents';

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    const body = jsonBody(input.body);
    if (Array.isArray(body))
      return asArray(body, '').flatMap((item, i) => cdeventChanges(item, at('', i), input, context));
    return cdeventChanges(body, '', input, context);
  }
}

/** The canonical events of one CDEvent found at `path` of the input. */
export function cdeventChanges(
  document: unknown,
  path: string,
  input: RawInput,
  context: NormaliseContext,
  envelope?: CDEventEnvelope,
): CanonicalEvent[] {
  const event = asObject(document, path);
  const ctx =
    envelope && event['context'] === undefined
      ? fromEnvelope(envelope, path)
      : requiredObject(event, 'context', path);
  const ctxPath = envelope && event['context'] === undefined ? '' : at(path, 'context');
  const type = requiredString(ctx, 'type', ctxPath);
  const match = TYPE.exec(type);
  if (!match) {
    invalid(
      at(ctxPath, 'type'),
      `"${type}" is not a CDEvents type (dev.cdevents.<subject>.<predicate>.<version>)`,
    );
  }
  const kindKey = `${match[1]}.${match[2]}`;
  if (NOT_CHANGES.has(kindKey)) return [];
  if (!MAPPED.has(kindKey)) {
    invalid(at(ctxPath, 'type'), `"${type}" is not in the CDEvents vocabulary`, 'unsupported.cdevent-type');
  }
  const id = requiredString(ctx, 'id', ctxPath, { identifier: true });
  const source = requiredString(ctx, 'source', ctxPath);
  const specVersion = optionalString(ctx, 'specversion', ctxPath) ?? optionalString(ctx, 'version', ctxPath);
  if (specVersion === undefined) missing(at(ctxPath, 'version'), 'is required: the CDEvents spec version');
  const timestamp = timestampOf(
    requiredString(ctx, 'timestamp', ctxPath),
    at(ctxPath, 'timestamp'),
    input.receivedAt,
  );
  const chainId = optionalString(ctx, 'chainId', ctxPath);

  const subject = requiredObject(event, 'subject', path);
  const subjectPath = at(path, 'subject');
  const subjectId = requiredString(subject, 'id', subjectPath, { identifier: true });
  const content = optionalObject(subject, 'content', subjectPath) ?? {};
  const contentPath = at(subjectPath, 'content');
  const customData = optionalObject(event, 'customData', path);
  const hintPath = at(path, 'customData');
  const hint = (key: string) => customData && optionalString(customData, key, hintPath);
  const hintedService = serviceOf(context.identity, [customData], hintPath);
  const hintedKind = customData?.['kind'];
  const rollout = customData?.['rollout'];

  const common = {
    id,
    source: 'cdevents',
    startedAt: timestamp,
    finishedAt: timestamp,
    previousVersion: hint('previousVersion') ?? null,
    rollbackOf: hint('rollbackOf') ?? null,
    initiator: hint('initiator') ?? null,
    team: hint('team')?.trim() || null,
    automated: (customData && optionalBoolean(customData, 'automated', hintPath)) ?? true,
    rollout: isRollout(rollout) ? rollout : 'unknown',
  } as const;
  const baseLabels = {
    'cdevents.type': type,
    'cdevents.version': specVersion,
    'cdevents.source': source,
    'cdevents.subject': subjectId,
    'cdevents.predicate': match[2],
    'cdevents.chainId': chainId,
  };

  if (match[1] === 'service') {
    const environmentObject = optionalObject(content, 'environment', contentPath);
    const environment =
      (environmentObject &&
        optionalString(environmentObject, 'id', at(contentPath, 'environment'), { identifier: true })) ??
      context.identity.environment(customData);
    const artifactId = optionalString(content, 'artifactId', contentPath);
    const kinds: Record<string, ChangeKind> = {
      deployed: 'deployment',
      upgraded: 'deployment',
      rolledback: 'rollback',
      removed: 'other',
    };
    return [
      changeEvent(
        {
          ...common,
          kind: kinds[match[2]!]!,
          service: hintedService ?? identifier(lastSegment(subjectId), at(subjectPath, 'id')),
          environment,
          version: artifactId === undefined ? null : artifactVersion(artifactId),
          labels: definedLabels({ ...baseLabels, 'cdevents.artifactId': artifactId }),
        },
        path,
      ),
    ];
  }

  if (match[1] === 'pipelinerun') {
    const pipelineName = optionalString(content, 'pipelineName', contentPath, { identifier: true });
    const service = hintedService ?? pipelineName;
    if (service === undefined) {
      missing(
        at(contentPath, 'pipelineName'),
        'is required to tell the service when customData names none (customData.service)',
      );
    }
    const url = httpUrl(optionalString(content, 'url', contentPath));
    const outcome = optionalString(content, 'outcome', contentPath);
    return [
      changeEvent(
        {
          ...common,
          kind: isChangeKind(hintedKind) ? hintedKind : 'deployment',
          service,
          environment: context.identity.environment(customData),
          version: hint('version') ?? null,
          pipeline: {
            name: pipelineName ?? null,
            runId: subjectId,
            url: url ?? null,
            testsPassed: outcome === 'success' ? true : outcome === 'failure' ? false : null,
            testsRun: null,
            testsFailed: null,
          },
          links: links(url ? { name: 'pipelinerun', url } : undefined),
          labels: definedLabels({
            ...baseLabels,
            'cdevents.outcome': outcome,
            'cdevents.errors': optionalString(content, 'errors', contentPath),
          }),
        },
        path,
      ),
    ];
  }

  // environment.modified
  const name = optionalString(content, 'name', contentPath, { identifier: true });
  const url = httpUrl(optionalString(content, 'url', contentPath));
  return [
    changeEvent(
      {
        ...common,
        kind: isChangeKind(hintedKind) ? hintedKind : 'infrastructure',
        service: hintedService ?? `environment:${name ?? subjectId}`,
        environment: subjectId,
        scope: 'cluster',
        scopeName: name ?? subjectId,
        version: hint('version') ?? null,
        links: links(url ? { name: 'environment', url } : undefined),
        labels: definedLabels(baseLabels),
      },
      path,
    ),
  ];
}

function fromEnvelope(envelope: CDEventEnvelope, path: string): JsonObject {
  if (envelope.time === undefined) {
    missing(
      at(path, 'context'),
      'is required (or the CloudEvent time attribute to stand in for its timestamp)',
    );
  }
  return {
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
    timestamp: envelope.time,
    version: 'unspecified',
  };
}

/** `service/myapp` → `myapp`; an id without slashes is kept. */
function lastSegment(id: string): string {
  const segments = id.split('/').filter((s) => s.trim() !== '');
  return segments[segments.length - 1] ?? id;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The version of a package URL (`pkg:type/namespace/name@version?qualifiers#subpath`), decoded;
 * an artifact id that is not a purl is kept whole, so the change still says what shipped.
 */
export function artifactVersion(artifactId: string): string {
  if (!artifactId.startsWith('pkg:')) return artifactId;
  const withoutSubpath = artifactId.split('#', 1)[0]!;
  const withoutQualifiers = withoutSubpath.split('?', 1)[0]!;
  const atSign = withoutQualifiers.lastIndexOf('@');
  if (atSign < 0) return artifactId;
  const version = decode(withoutQualifiers.slice(atSign + 1));
  return version === '' ? artifactId : version;
}
