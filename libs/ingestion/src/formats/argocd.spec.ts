import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import type { Change } from '#contracts';
import { ARGOCD_BODY_SCHEMA, ArgoCdNormaliser } from './argocd.js';
import {
  assertValid,
  context,
  fixture,
  fixtureJson,
  fuzz,
  raw,
  rawFixture,
  refusal,
} from './spec-support.js';

const normaliser = new ArgoCdNormaliser();

// The fixtures are the aftershock-sync template of deploy/argocd/notifications-cm.yaml rendered
// (Go text/template + sprig, as the notifications controller does) against the Application
// objects in fixtures/argocd/applications/.
const APP_LABELS = { 'app.kubernetes.io/name': 'checkout', environment: 'production', team: 'payments' };
const CLUSTER_LABELS = {
  'argocd.app': 'checkout',
  'argocd.appNamespace': 'argocd',
  'argocd.project': 'payments',
  'argocd.destination.server': 'https://kubernetes.default.svc',
  'argocd.destination.namespace': 'checkout',
  'argocd.repoURL': 'https://github.com/acme/deployments.git',
  'argocd.path': 'apps/checkout/overlays/production',
  'argocd.targetRevision': 'main',
};
const LINKS = [
  { name: 'argocd', url: 'https://argocd.example.com/applications/argocd/checkout' },
  { name: 'repository', url: 'https://github.com/acme/deployments.git' },
];

const SYNCED: Change = {
  id: 'argocd_f14061cb63d5f86f1fa7',
  source: 'argocd',
  kind: 'deployment',
  service: 'checkout',
  environment: 'production',
  version: '9f2c4e1d7a3b5c6d8e0f1a2b3c4d5e6f7a8b9c0d',
  // history[-2]: the last entry is this sync itself
  previousVersion: '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e',
  startedAt: Date.UTC(2026, 10, 2, 11, 58, 21),
  finishedAt: Date.UTC(2026, 10, 2, 11, 58, 47),
  scope: 'service',
  scopeName: null,
  automated: true,
  initiator: null,
  pipeline: null,
  rollout: 'unknown',
  sizeLines: null,
  component: null,
  configKeys: [],
  rollbackOf: null,
  links: LINKS,
  labels: {
    ...APP_LABELS,
    ...CLUSTER_LABELS,
    'argocd.syncPhase': 'Succeeded',
    'argocd.syncStatus': 'Synced',
    'argocd.health': 'Healthy',
    'argocd.message': 'successfully synced (all tasks run)',
  },
  commitAt: null,
  team: 'payments',
  content: null,
};

const FAILED: Change = {
  ...SYNCED,
  id: 'argocd_5f51ca7ca64d1d15698c',
  version: 'b7e1c9d3a5f7092e4c6b8a0d2f4e6c8a0b2d4f6e',
  // a failed sync adds no history entry: the last one is what still runs
  previousVersion: '9f2c4e1d7a3b5c6d8e0f1a2b3c4d5e6f7a8b9c0d',
  startedAt: Date.UTC(2026, 10, 2, 12, 20, 5),
  finishedAt: Date.UTC(2026, 10, 2, 12, 20, 9),
  automated: false,
  initiator: 'alice@acme.example',
  labels: {
    ...APP_LABELS,
    ...CLUSTER_LABELS,
    'argocd.syncPhase': 'Failed',
    'argocd.syncStatus': 'OutOfSync',
    'argocd.health': 'Healthy',
    'argocd.message':
      'one or more objects failed to apply, reason: Deployment.apps "checkout" is invalid: spec.template.spec.containers[0].image: Required value',
  },
};

const ROLLBACK: Change = {
  ...SYNCED,
  id: 'argocd_46e2b057d17eba53e132',
  kind: 'rollback',
  version: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  previousVersion: '9f2c4e1d7a3b5c6d8e0f1a2b3c4d5e6f7a8b9c0d',
  startedAt: Date.UTC(2026, 10, 2, 12, 30, 40),
  finishedAt: Date.UTC(2026, 10, 2, 12, 31, 2),
  automated: false,
  initiator: 'bob@acme.example',
  // the id of the synced change above, from its history entry
  rollbackOf: 'argocd_f14061cb63d5f86f1fa7',
  labels: {
    ...APP_LABELS,
    ...CLUSTER_LABELS,
    'argocd.syncPhase': 'Succeeded',
    'argocd.syncStatus': 'OutOfSync',
    'argocd.health': 'Healthy',
    'argocd.message': 'successfully synced (all tasks run)',
  },
};

const goldens: [string, Change][] = [
  ['synced.body.json', SYNCED],
  ['failed.body.json', FAILED],
  ['rollback.body.json', ROLLBACK],
  [
    'degraded.body.json',
    // Health degraded after the sync: still that sync's change (same id), labelled Degraded.
    { ...SYNCED, labels: { ...SYNCED.labels, 'argocd.health': 'Degraded' } },
  ],
];

describe('Argo CD notifications normaliser', () => {
  for (const [file, expected] of goldens) {
    it(`maps the rendered ${file} to a Change, field by field`, () => {
      const events = normaliser.normalise(rawFixture('argocd', file), context);
      assertValid(events);
      assert.deepEqual(events, [{ event: 'change', value: expected }]);
    });
  }

  it('gives every trigger of one sync operation the same change id', () => {
    const ids = ['synced.body.json', 'degraded.body.json'].map(
      (f) => normaliser.normalise(rawFixture('argocd', f), context)[0]!.value.id,
    );
    assert.equal(ids[0], ids[1]);
  });

  it('is the contract of the template in deploy/argocd', () => {
    const configMap = readFileSync(projectPath('deploy', 'argocd', 'notifications-cm.yaml'), 'utf8');
    assert.ok(configMap.includes(`"schema": "${ARGOCD_BODY_SCHEMA}"`));
    for (const key of Object.keys(fixtureJson('argocd', 'synced.body.json'))) {
      assert.ok(configMap.includes(`"${key}":`), `the template renders "${key}"`);
    }
    for (const trigger of ['on-deployed', 'on-sync-succeeded', 'on-sync-failed', 'on-health-degraded']) {
      assert.ok(configMap.includes(`trigger.${trigger}: |`), trigger);
    }
  });

  it('reads multi-source revisions', () => {
    const body = fixtureJson('argocd', 'synced.body.json');
    body['revision'] = '';
    body['revisions'] = ['9f2c4e1d', '1.8.0'];
    body['history'] = [];
    const change = normaliser.normalise(raw(body), context)[0]!.value as Change;
    assert.equal(change.version, '9f2c4e1d,1.8.0');
    assert.equal(change.previousVersion, null);
  });

  describe('refuses, naming the field', () => {
    const cases: [string, (b: Record<string, unknown>) => void, string, string][] = [
      ['a body of another template', (b) => delete b['schema'], 'schema', 'validate.missing-field'],
      [
        'another schema version',
        (b) => (b['schema'] = 'aftershock.argocd/v9'),
        'schema',
        'validate.invalid-field',
      ],
      ['no app', (b) => (b['app'] = ''), 'app', 'validate.missing-field'],
      [
        'no revision',
        (b) => ((b['revision'] = ''), (b['revisions'] = [])),
        'revision',
        'validate.missing-field',
      ],
      [
        'no operation start (an app never synced)',
        (b) => (b['startedAt'] = ''),
        'startedAt',
        'validate.missing-field',
      ],
      ['a malformed finish time', (b) => (b['finishedAt'] = 'soon'), 'finishedAt', 'validate.invalid-field'],
      [
        'a label that is not a string',
        (b) => (b['labels'] = { tier: 1 }),
        'labels.tier',
        'validate.invalid-field',
      ],
      [
        'a history entry that is not an object',
        (b) => (b['history'] = ['abc']),
        'history[0]',
        'validate.invalid-field',
      ],
    ];
    for (const [what, mutate, field, code] of cases) {
      it(what, () => {
        const body = fixtureJson('argocd', 'synced.body.json');
        mutate(body);
        const error = refusal(() => normaliser.normalise(raw(body), context));
        assert.equal(error.field, field, error.message);
        assert.equal(error.code, code, error.message);
      });
    }
  });

  it('survives 10,000 mutations: valid events or a DecodeError, nothing else', (t) => {
    const payloads = goldens.map(([file]) => fixture('argocd', file));
    const outcome = fuzz(normaliser, payloads, { count: 10_000, seed: 23 });
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0);
  });
});
