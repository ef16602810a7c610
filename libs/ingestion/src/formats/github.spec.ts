import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '#contracts';
import { GitHubDeploymentNormaliser, gitHubSignature, verifyGitHubSignature } from './github.js';
import {
  assertValid,
  context,
  fixture,
  fixtureHeaders,
  fixtureJson,
  fuzz,
  raw,
  rawFixture,
  refusal,
  type Headers,
} from './spec-support.js';

const SECRET = 'aftershock-test-webhook-secret';
const normaliser = new GitHubDeploymentNormaliser(SECRET);

/** A deployment_status delivery as GitHub would send it: the body signed with the secret. */
function delivery(
  body: object | Buffer,
  event = 'deployment_status',
  secret = SECRET,
): ReturnType<typeof raw> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return raw(bytes, {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-hub-signature-256': gitHubSignature(bytes, secret),
  });
}

const SUCCESS: Change = {
  id: 'github-deployment-status-4410298765',
  source: 'github',
  kind: 'deployment',
  // deployment.payload.service
  service: 'checkout',
  environment: 'production',
  // deployment.payload.version, before the sha
  version: 'v1.4.2',
  previousVersion: null,
  startedAt: Date.UTC(2026, 10, 2, 11, 52, 4),
  finishedAt: Date.UTC(2026, 10, 2, 11, 58, 51),
  scope: 'service',
  scopeName: null,
  // created by github-actions[bot], via the GitHub Actions app
  automated: true,
  initiator: 'github-actions[bot]',
  pipeline: {
    name: 'deploy',
    runId: '1938475610',
    url: 'https://github.com/acme/checkout/actions/runs/11823456789/job/33012345678',
    testsPassed: null,
    testsRun: null,
    testsFailed: null,
  },
  rollout: 'unknown',
  sizeLines: null,
  component: null,
  configKeys: [],
  rollbackOf: null,
  links: [
    { name: 'log', url: 'https://github.com/acme/checkout/actions/runs/11823456789/job/33012345678' },
    { name: 'environment', url: 'https://checkout.acme.example' },
    {
      name: 'commit',
      url: 'https://github.com/acme/checkout/commit/5e1d9a7c3b2f4e6d8c0a1b3d5f7e9c2a4b6d8f0e',
    },
  ],
  labels: {
    'github.repository': 'acme/checkout',
    'github.state': 'success',
    'github.ref': 'v1.4.2',
    'github.sha': '5e1d9a7c3b2f4e6d8c0a1b3d5f7e9c2a4b6d8f0e',
    'github.task': 'deploy',
    'github.deployment_id': '1938475610',
    'github.description': 'Deployed v1.4.2 to production',
    'github.production_environment': 'true',
    'github.transient_environment': 'false',
  },
  commitAt: null,
  team: 'payments',
  content: null,
};

const FAILURE: Change = {
  id: 'github-deployment-status-4410377001',
  source: 'github',
  kind: 'deployment',
  // empty payload: the repository name
  service: 'checkout',
  environment: 'staging',
  version: 'c0ffee1234567890abcdef1234567890abcdef12',
  previousVersion: null,
  startedAt: Date.UTC(2026, 10, 2, 12, 21, 30),
  finishedAt: Date.UTC(2026, 10, 2, 12, 24, 2),
  scope: 'service',
  scopeName: null,
  automated: false,
  initiator: 'octocat',
  pipeline: {
    name: 'deploy',
    runId: '1938480022',
    url: 'https://ci.acme.example/checkout/deploys/771/log',
    testsPassed: null,
    testsRun: null,
    testsFailed: null,
  },
  rollout: 'unknown',
  sizeLines: null,
  component: null,
  configKeys: [],
  rollbackOf: null,
  links: [
    { name: 'log', url: 'https://ci.acme.example/checkout/deploys/771/log' },
    { name: 'target', url: 'https://ci.acme.example/checkout/deploys/771' },
    {
      name: 'commit',
      url: 'https://github.com/acme/checkout/commit/c0ffee1234567890abcdef1234567890abcdef12',
    },
  ],
  labels: {
    'github.repository': 'acme/checkout',
    'github.state': 'failure',
    'github.ref': 'feature/new-payment-flow',
    'github.sha': 'c0ffee1234567890abcdef1234567890abcdef12',
    'github.task': 'deploy',
    'github.deployment_id': '1938480022',
    'github.description': 'Helm upgrade failed: timed out waiting for the condition',
    'github.production_environment': 'false',
    'github.transient_environment': 'false',
  },
  commitAt: null,
  team: null,
  content: null,
};

describe('GitHub deployment_status normaliser', () => {
  it('maps a signed success delivery to a Change, field by field', () => {
    const events = normaliser.normalise(rawFixture('github', 'deployment_status-success.json'), context);
    assertValid(events);
    assert.deepEqual(events, [{ event: 'change', value: SUCCESS }]);
  });

  it('maps a signed failure delivery to a Change, field by field', () => {
    const events = normaliser.normalise(rawFixture('github', 'deployment_status-failure.json'), context);
    assertValid(events);
    assert.deepEqual(events, [{ event: 'change', value: FAILURE }]);
  });

  it('answers a ping with no events', () => {
    assert.deepEqual(normaliser.normalise(rawFixture('github', 'ping.json'), context), []);
  });

  it('emits for success, failure and error only', () => {
    const body = fixtureJson('github', 'deployment_status-success.json') as {
      deployment_status: Record<string, unknown>;
    };
    for (const state of ['success', 'failure', 'error', 'queued', 'pending', 'in_progress', 'inactive']) {
      body.deployment_status['state'] = state;
      const events = normaliser.normalise(delivery(body), context);
      assert.equal(events.length, ['success', 'failure', 'error'].includes(state) ? 1 : 0, state);
    }
  });

  it('marks rollbacks and reads a payload sent as JSON text', () => {
    const body = fixtureJson('github', 'deployment_status-failure.json') as {
      deployment: Record<string, unknown>;
    };
    body.deployment['task'] = 'deploy:rollback';
    body.deployment['payload'] = '{"service":"checkout-web","team":"web"}';
    const [event] = normaliser.normalise(delivery(body), context);
    const change = event!.value as Change;
    assert.equal(change.kind, 'rollback');
    assert.equal(change.service, 'checkout-web');
    assert.equal(change.team, 'web');
  });

  it('verifies X-Hub-Signature-256 in constant time against the secret', () => {
    const body = fixture('github', 'deployment_status-success.json');
    const header = fixtureHeaders('github', 'deployment_status-success.json')['x-hub-signature-256'];
    assert.equal(verifyGitHubSignature(body, header, SECRET), true);
    assert.equal(
      verifyGitHubSignature(body, header!.toUpperCase().replace('SHA256=', 'sha256='), SECRET),
      true,
    );
    assert.equal(verifyGitHubSignature(body, header, 'another-secret'), false);
    assert.equal(verifyGitHubSignature(Buffer.concat([body, Buffer.from(' ')]), header, SECRET), false);
    assert.equal(verifyGitHubSignature(body, header!.slice(0, -2), SECRET), false);
    assert.equal(verifyGitHubSignature(body, undefined, SECRET), false);
    assert.equal(verifyGitHubSignature(body, header!.replace('sha256=', 'sha1='), SECRET), false);
  });

  describe('refuses', () => {
    const success = () => rawFixture('github', 'deployment_status-success.json');
    const cases: [string, () => ReturnType<typeof raw>, string, string][] = [
      [
        'a missing signature',
        () => {
          const input = success();
          const headers: Headers = { ...(input.headers as Headers) };
          delete headers['x-hub-signature-256'];
          return { ...input, headers };
        },
        'x-hub-signature-256',
        'auth.signature',
      ],
      [
        'a signature made with another secret',
        () => delivery(fixture('github', 'deployment_status-success.json'), 'deployment_status', 'wrong'),
        'x-hub-signature-256',
        'auth.signature',
      ],
      [
        'a body changed after signing',
        () => {
          const input = success();
          return { ...input, body: Buffer.from(input.body.toString().replace('success', 'failure')) };
        },
        'x-hub-signature-256',
        'auth.signature',
      ],
      [
        'another event type',
        () => delivery(fixture('github', 'ping.json'), 'push'),
        'x-github-event',
        'unsupported.github-event',
      ],
      [
        'no event header',
        () => {
          const input = success();
          const headers: Headers = { ...(input.headers as Headers) };
          delete headers['x-github-event'];
          return { ...input, headers };
        },
        'x-github-event',
        'validate.missing-field',
      ],
      [
        'an unknown state',
        () => {
          const body = fixtureJson('github', 'deployment_status-success.json') as {
            deployment_status: object;
          };
          body.deployment_status = { ...body.deployment_status, state: 'exploded' };
          return delivery(body);
        },
        'deployment_status.state',
        'validate.invalid-field',
      ],
      [
        'no deployment',
        () => {
          const body = fixtureJson('github', 'deployment_status-success.json');
          delete body['deployment'];
          return delivery(body);
        },
        'deployment',
        'validate.missing-field',
      ],
      [
        'no deployment created_at',
        () => {
          const body = fixtureJson('github', 'deployment_status-success.json') as {
            deployment: Record<string, unknown>;
          };
          delete body.deployment['created_at'];
          return delivery(body);
        },
        'deployment.created_at',
        'validate.missing-field',
      ],
      [
        'no repository name',
        () => {
          const body = fixtureJson('github', 'deployment_status-failure.json') as {
            repository: Record<string, unknown>;
          };
          delete body.repository['name'];
          return delivery(body);
        },
        'repository.name',
        'validate.missing-field',
      ],
    ];
    for (const [what, make, field, code] of cases) {
      it(what, () => {
        const error = refusal(() => normaliser.normalise(make(), context));
        assert.equal(error.field, field, error.message);
        assert.equal(error.code, code, error.message);
      });
    }
  });

  it('survives 10,000 mutations, each signed as GitHub would sign it', (t) => {
    const payloads = ['deployment_status-success.json', 'deployment_status-failure.json'].map((f) =>
      fixture('github', f),
    );
    const outcome = fuzz(normaliser, payloads, {
      count: 10_000,
      seed: 19,
      headers: (body) => ({
        'x-github-event': 'deployment_status',
        'x-hub-signature-256': gitHubSignature(body, SECRET),
      }),
    });
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0);
  });
});
