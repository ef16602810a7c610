// GitHub `deployment_status` webhooks → Change.
//
// Every delivery is verified first: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw
// body under the configured secret (compared in constant time); a missing or wrong signature
// is refused with code `auth.signature`, which the HTTP layer answers with 401. Then:
//   ping                       → no events (GitHub's hello when the hook is created)
//   deployment_status          → see below
//   any other event            → refused (`unsupported.github-event`): subscribe the hook to
//                                deployment statuses only
//
// Which states emit: a Change is a thing that happened to a running system, once.
//   success                    → Change (the deployment finished)
//   failure, error             → Change too, label github.state says which: a failed
//                                deployment may have half-applied, and both attribution and
//                                the change failure rate need to see it
//   queued, pending, in_progress, inactive → no events. Emitting "started" and then "finished"
//                                would give one deployment two changes; `inactive` only says a
//                                newer deployment replaced this one.
// Mapping:
//   id          `github-deployment-status-<deployment_status.id>` (GitHub's own id)
//   service     the identity rules over `deployment.payload` (a `service` key, …), else the
//               repository name
//   environment `deployment.environment`, else `deployment_status.environment`
//   version     `deployment.payload.version`, else `deployment.sha`; the ref goes in labels
//   kind        rollback when the deployment task mentions "rollback" (or payload.rollback is
//               true), else deployment
//   startedAt   `deployment.created_at`; finishedAt: `deployment_status.created_at`
//   automated   the deployment's creator is a bot (`type: Bot`, a `[bot]` login) or it was
//               performed via a GitHub App (Actions deployments are)
//   links       log_url / target_url, environment_url, the commit
//   content     `deployment.payload.content` (change-content features by name), then what
//               `deployment.payload.compare` gives (the compare API's files and commits, as a
//               pipeline attaches them when it creates the deployment); see change-content.ts
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DecodeError } from '#contracts';
import type { CanonicalEvent, NormaliseContext, Normaliser, RawInput } from '../normaliser.js';
import { changeEvent, definedLabels, links, serviceOf } from './canonical.js';
import { contentFromCompare, contentFromObject, mergeContent } from './change-content.js';
import {
  asObject,
  header,
  httpUrl,
  invalid,
  isObject,
  jsonBody,
  missing,
  optionalBoolean,
  optionalId,
  optionalObject,
  optionalString,
  requiredObject,
  requiredString,
  requiredTimestamp,
  type JsonObject,
} from './fields.js';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** True when `header` (X-Hub-Signature-256) is the HMAC-SHA256 of `body` under `secret`. */
export function verifyGitHubSignature(body: Buffer, header: string | undefined, secret: string): boolean {
  const match = header === undefined ? null : SIGNATURE.exec(header.trim());
  if (!match || secret === '') return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs a body as GitHub does: the X-Hub-Signature-256 value. */
export function gitHubSignature(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const TERMINAL_STATES = new Set(['success', 'failure', 'error']);
const OTHER_STATES = new Set(['queued', 'pending', 'in_progress', 'inactive']);

export class GitHubDeploymentNormaliser implements Normaliser {
  readonly format = 'github';

  /** @param secret the webhook secret configured on the GitHub hook */
  constructor(private readonly secret: string) {
    if (secret === '') throw new Error('the GitHub webhook secret must not be empty');
  }

  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[] {
    const signature = header(input.headers, 'x-hub-signature-256');
    if (signature === undefined) {
      throw new DecodeError(
        'auth.signature',
        'the X-Hub-Signature-256 header is missing',
        'x-hub-signature-256',
      );
    }
    if (!verifyGitHubSignature(input.body, signature, this.secret)) {
      throw new DecodeError(
        'auth.signature',
        'X-Hub-Signature-256 does not match the body under the configured webhook secret',
        'x-hub-signature-256',
      );
    }
    const event = header(input.headers, 'x-github-event');
    if (event === undefined) missing('x-github-event', 'the X-GitHub-Event header is required');
    if (event === 'ping') return [];
    if (event !== 'deployment_status') {
      invalid(
        'x-github-event',
        `"${event}" events are not accepted here; subscribe the webhook to deployment statuses only`,
        'unsupported.github-event',
      );
    }
    const body = asObject(jsonBody(input.body), '');
    const status = requiredObject(body, 'deployment_status', '');
    const state = requiredString(status, 'state', 'deployment_status');
    if (OTHER_STATES.has(state)) return [];
    if (!TERMINAL_STATES.has(state)) {
      invalid('deployment_status.state', `"${state}" is not a GitHub deployment state`);
    }
    return [this.change(body, status, state, input, context)];
  }

  private change(
    body: JsonObject,
    status: JsonObject,
    state: string,
    input: RawInput,
    context: NormaliseContext,
  ): CanonicalEvent {
    const deployment = requiredObject(body, 'deployment', '');
    const repository = requiredObject(body, 'repository', '');
    const statusId = optionalId(status, 'id', 'deployment_status');
    if (statusId === undefined) missing('deployment_status.id');
    const deploymentId = optionalId(deployment, 'id', 'deployment');
    const payload = deploymentPayload(deployment);
    const repoName = requiredString(repository, 'name', 'repository', { identifier: true });
    const fullName = optionalString(repository, 'full_name', 'repository');
    const service = serviceOf(context.identity, [payload], 'deployment.payload') ?? repoName;
    const environment =
      optionalString(deployment, 'environment', 'deployment', { identifier: true }) ??
      optionalString(status, 'environment', 'deployment_status', { identifier: true }) ??
      context.identity.environment(payload);

    const sha = optionalString(deployment, 'sha', 'deployment');
    const ref = optionalString(deployment, 'ref', 'deployment');
    const task = optionalString(deployment, 'task', 'deployment');
    const creator = optionalObject(deployment, 'creator', 'deployment');
    const login = creator && optionalString(creator, 'login', 'deployment.creator');
    const creatorType = creator && optionalString(creator, 'type', 'deployment.creator');
    const viaApp =
      isPresent(deployment['performed_via_github_app']) || isPresent(status['performed_via_github_app']);
    const automated = creatorType === 'Bot' || (login?.endsWith('[bot]') ?? false) || viaApp;
    const rollback =
      /rollback/i.test(task ?? '') ||
      (payload !== undefined && optionalBoolean(payload, 'rollback', 'deployment.payload') === true);

    const logUrl = httpUrl(optionalString(status, 'log_url', 'deployment_status'));
    const targetUrl = httpUrl(optionalString(status, 'target_url', 'deployment_status'));
    const environmentUrl = httpUrl(optionalString(status, 'environment_url', 'deployment_status'));
    const repoUrl = httpUrl(optionalString(repository, 'html_url', 'repository'));
    const description = optionalString(status, 'description', 'deployment_status');
    const payloadText = (key: string) => payload && optionalString(payload, key, 'deployment.payload');

    return changeEvent({
      id: `github-deployment-status-${statusId}`,
      source: this.format,
      kind: rollback ? 'rollback' : 'deployment',
      service,
      environment,
      version: payloadText('version') ?? sha ?? ref ?? null,
      previousVersion: payloadText('previous_version') ?? null,
      startedAt: requiredTimestamp(deployment, 'created_at', 'deployment', input.receivedAt),
      finishedAt: requiredTimestamp(status, 'created_at', 'deployment_status', input.receivedAt),
      automated,
      initiator: login ?? null,
      pipeline: {
        name: task ?? null,
        runId: deploymentId ?? null,
        url: logUrl ?? targetUrl ?? null,
        testsPassed: null,
        testsRun: null,
        testsFailed: null,
      },
      links: links(
        logUrl ? { name: 'log', url: logUrl } : undefined,
        targetUrl ? { name: 'target', url: targetUrl } : undefined,
        environmentUrl ? { name: 'environment', url: environmentUrl } : undefined,
        repoUrl && sha ? { name: 'commit', url: `${repoUrl}/commit/${sha}` } : undefined,
      ),
      labels: definedLabels({
        'github.repository': fullName ?? repoName,
        'github.state': state,
        'github.ref': ref,
        'github.sha': sha,
        'github.task': task,
        'github.deployment_id': deploymentId,
        'github.description': description,
        'github.production_environment': boolText(deployment['production_environment']),
        'github.transient_environment': boolText(deployment['transient_environment']),
      }),
      team: payloadText('team')?.trim() || null,
      content: mergeContent(
        contentFromObject(payload?.['content'], 'deployment.payload.content'),
        contentFromCompare(payload?.['compare'], 'deployment.payload.compare'),
      ),
    });
  }
}

/**
 * `deployment.payload` is free-form: an object, or the JSON text of one (as the REST API was
 * given it). Anything else carries no hints and is ignored; only the hints read from it are checked.
 */
function deploymentPayload(deployment: JsonObject): JsonObject | undefined {
  let value = deployment['payload'];
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return isObject(value) ? value : undefined;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function boolText(value: unknown): string | undefined {
  return typeof value === 'boolean' ? String(value) : undefined;
}
