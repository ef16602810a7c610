import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PagerDutyNormaliser } from './pagerduty.js';
import {
  assertValid,
  context,
  fixture,
  fixtureJson,
  fuzz,
  NOW,
  raw,
  rawFixture,
  refusal,
} from './spec-support.js';

const ROUTING_KEY = 'R015AB6CDE7F8G9H0IJKLMNOPQRSTUVW';
const normaliser = new PagerDutyNormaliser({
  routingKeys: { [ROUTING_KEY]: { service: 'checkout', team: 'payments' } },
});
const bare = new PagerDutyNormaliser();

describe('PagerDuty Events API v2 normaliser', () => {
  it('maps a trigger to a firing Alert, field by field', () => {
    const events = normaliser.normalise(rawFixture('pagerduty', 'trigger.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      {
        event: 'alert',
        value: {
          id: 'pagerduty_e893e4c7e52af733ac84',
          fingerprint: 'checkout-db-connections-exhausted',
          status: 'firing',
          name: 'connection pool exhausted',
          service: 'checkout',
          environment: 'production',
          severity: 'high',
          summary: 'checkout-db: connection pool exhausted (200/200 in use)',
          labels: {
            component: 'postgres',
            group: 'checkout',
            class: 'connection pool exhausted',
            source: 'checkout-db-1.prod-eu-1.acme.internal',
          },
          // Scalar custom details; the nested recent_queries object is left out.
          annotations: {
            service: 'checkout',
            environment: 'production',
            team: 'payments',
            pool_in_use: '200',
            pool_size: '200',
            read_only: 'false',
            runbook_url: 'https://runbooks.acme.example/checkout/db-pool',
            client: 'Acme Monitoring',
          },
          startsAt: Date.UTC(2026, 10, 2, 12, 6, 30),
          endsAt: null,
          source: 'pagerduty',
          link: 'https://grafana.acme.example/d/checkout-db',
          team: 'payments',
          runbookUrl: 'https://runbooks.acme.example/checkout/db-pool',
        },
      },
    ]);
  });

  it('maps an acknowledge without payload through the routing-key mapping', () => {
    const events = normaliser.normalise(rawFixture('pagerduty', 'acknowledge.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      {
        event: 'alert',
        value: {
          id: 'pagerduty_8c8367cbbd3941418aa3',
          fingerprint: 'checkout-db-connections-exhausted',
          status: 'acknowledged',
          name: 'checkout-db-connections-exhausted',
          service: 'checkout',
          environment: 'production',
          severity: 'warning',
          summary: '',
          labels: {},
          annotations: {},
          // No timestamp in an acknowledge: the receive time (a raw record's timestamp).
          startsAt: NOW,
          endsAt: null,
          source: 'pagerduty',
          link: null,
          team: 'payments',
          runbookUrl: null,
        },
      },
    ]);
  });

  it('maps a resolve with the trigger payload to a resolved Alert', () => {
    const events = normaliser.normalise(rawFixture('pagerduty', 'resolve.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      {
        event: 'alert',
        value: {
          id: 'pagerduty_36fe3b1a7d00202dbeb7',
          fingerprint: 'checkout-db-connections-exhausted',
          status: 'resolved',
          name: 'connection pool exhausted',
          service: 'checkout',
          environment: 'production',
          severity: 'info',
          summary: 'checkout-db: connection pool back to normal (42/200 in use)',
          labels: {
            component: 'postgres',
            group: 'checkout',
            class: 'connection pool exhausted',
            source: 'checkout-db-1.prod-eu-1.acme.internal',
          },
          annotations: { service: 'checkout', pool_in_use: '42' },
          startsAt: Date.UTC(2026, 10, 2, 12, 31, 5),
          endsAt: Date.UTC(2026, 10, 2, 12, 31, 5),
          source: 'pagerduty',
          link: null,
          team: 'payments',
          runbookUrl: null,
        },
      },
    ]);
  });

  it('maps a change event to a Change, field by field', () => {
    const events = normaliser.normalise(rawFixture('pagerduty', 'change.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      {
        event: 'change',
        value: {
          id: 'pagerduty_bc6f53aafe669593e0b8',
          source: 'pagerduty',
          kind: 'deployment',
          service: 'checkout',
          environment: 'production',
          version: 'v1.4.2',
          previousVersion: 'v1.4.1',
          startedAt: Date.UTC(2026, 10, 2, 11, 55, 12, 407),
          finishedAt: null,
          scope: 'service',
          scopeName: null,
          automated: true,
          initiator: 'ci-bot',
          pipeline: null,
          rollout: 'unknown',
          sizeLines: null,
          component: null,
          configKeys: [],
          rollbackOf: null,
          links: [
            { name: 'Build 2087', url: 'https://ci.acme.example/checkout/builds/2087' },
            { name: 'link', url: 'https://github.com/acme/checkout/compare/v1.4.1...v1.4.2' },
          ],
          labels: {
            summary: 'Deploy checkout v1.4.2: raise DB pool timeout to 30 s',
            service: 'checkout',
            environment: 'production',
            version: 'v1.4.2',
            previous_version: 'v1.4.1',
            build_state: 'passed',
            build_number: '2087',
            run_time: '1236s',
            automated: 'true',
            initiator: 'ci-bot',
            source: 'acme-build-pipeline-prod-runner-7',
          },
          commitAt: null,
          team: 'payments',
          content: null,
        },
      },
    ]);
  });

  it('derives a stable dedup key for a trigger without one', () => {
    const body = fixtureJson('pagerduty', 'trigger.json');
    delete body['dedup_key'];
    const first = normaliser.normalise(raw(body), context)[0]!.value as { fingerprint: string; id: string };
    const again = normaliser.normalise(raw(body), context)[0]!.value as { fingerprint: string; id: string };
    assert.match(first.fingerprint, /^pd_[0-9a-f]{20}$/);
    assert.equal(again.fingerprint, first.fingerprint);
    assert.equal(again.id, first.id);
    const other = structuredClone(body) as { payload: { summary: string } };
    other.payload.summary = 'checkout-db: replication lag 40 s';
    assert.notEqual(
      (normaliser.normalise(raw(other), context)[0]!.value as { fingerprint: string }).fingerprint,
      first.fingerprint,
    );
  });

  it('takes the service from component when custom details name none and the key is not mapped', () => {
    const body = fixtureJson('pagerduty', 'trigger.json') as { payload: { custom_details: object } };
    body.payload.custom_details = { pool_in_use: 200 };
    assert.equal(bare.normalise(raw(body), context)[0]!.value.service, 'postgres');
  });

  describe('refuses, naming the field', () => {
    type Body = Record<string, unknown> & { payload?: Record<string, unknown> };
    const cases: [string, string, PagerDutyNormaliser, (b: Body) => void, string, string][] = [
      [
        'no routing_key',
        'trigger.json',
        normaliser,
        (b) => delete b['routing_key'],
        'routing_key',
        'validate.missing-field',
      ],
      [
        'an unknown event_action',
        'trigger.json',
        normaliser,
        (b) => (b['event_action'] = 'escalate'),
        'event_action',
        'validate.invalid-field',
      ],
      [
        'acknowledge without dedup_key',
        'acknowledge.json',
        normaliser,
        (b) => delete b['dedup_key'],
        'dedup_key',
        'validate.missing-field',
      ],
      [
        'resolve without dedup_key',
        'resolve.json',
        normaliser,
        (b) => delete b['dedup_key'],
        'dedup_key',
        'validate.missing-field',
      ],
      [
        'a trigger without payload',
        'trigger.json',
        normaliser,
        (b) => delete b['payload'],
        'payload',
        'validate.missing-field',
      ],
      [
        'a trigger without summary',
        'trigger.json',
        normaliser,
        (b) => delete b.payload!['summary'],
        'payload.summary',
        'validate.missing-field',
      ],
      [
        'a trigger without source',
        'trigger.json',
        normaliser,
        (b) => delete b.payload!['source'],
        'payload.source',
        'validate.missing-field',
      ],
      [
        'a severity PagerDuty does not have',
        'trigger.json',
        normaliser,
        (b) => (b.payload!['severity'] = 'sev1'),
        'payload.severity',
        'validate.invalid-field',
      ],
      [
        'a malformed timestamp',
        'trigger.json',
        normaliser,
        (b) => (b.payload!['timestamp'] = '17/07/2026'),
        'payload.timestamp',
        'validate.invalid-field',
      ],
      [
        'an alert event with severity but no event_action',
        'trigger.json',
        normaliser,
        (b) => delete b['event_action'],
        'event_action',
        'validate.missing-field',
      ],
      [
        'an acknowledge that names no service (key not mapped)',
        'acknowledge.json',
        bare,
        () => {},
        'payload',
        'validate.missing-field',
      ],
      [
        'a change event that names no service (key not mapped)',
        'change.json',
        bare,
        (b) => (b.payload!['custom_details'] = {}),
        'payload.custom_details',
        'validate.missing-field',
      ],
      [
        'a change event without summary',
        'change.json',
        normaliser,
        (b) => delete b.payload!['summary'],
        'payload.summary',
        'validate.missing-field',
      ],
      [
        'a link that is not an object',
        'change.json',
        normaliser,
        (b) => (b['links'] = ['https://x.example']),
        'links[0]',
        'validate.invalid-field',
      ],
    ];
    for (const [what, file, n, mutate, field, code] of cases) {
      it(what, () => {
        const body = fixtureJson('pagerduty', file) as Body;
        mutate(body);
        const error = refusal(() => n.normalise(raw(body), context));
        assert.equal(error.field, field, error.message);
        assert.equal(error.code, code, error.message);
      });
    }
  });

  it('survives 10,000 mutations: valid events or a DecodeError, nothing else', (t) => {
    const payloads = ['trigger.json', 'acknowledge.json', 'resolve.json', 'change.json'].map((f) =>
      fixture('pagerduty', f),
    );
    const outcome = fuzz(normaliser, payloads, { count: 10_000, seed: 7 });
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0);
  });
});
