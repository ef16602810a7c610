import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceIdentity } from '../service-identity.js';
import { AlertmanagerNormaliser } from './alertmanager.js';
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

const normaliser = new AlertmanagerNormaliser();
const group = () => fixtureJson('alertmanager', 'group.json') as { alerts: Record<string, unknown>[] };

describe('Alertmanager webhook normaliser', () => {
  it('maps a group with firing and resolved alerts to one Alert each, field by field', () => {
    const events = normaliser.normalise(rawFixture('alertmanager', 'group.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      {
        event: 'alert',
        value: {
          id: 'alertmanager_1c7af0fd8d95d7e200e5',
          fingerprint: '8c5f3a1b2d4e6f70',
          status: 'firing',
          name: 'HighErrorRate',
          service: 'checkout',
          environment: 'production',
          severity: 'critical',
          summary: 'checkout 5xx ratio above 5% for 5 minutes',
          labels: {
            alertname: 'HighErrorRate',
            service: 'checkout',
            environment: 'production',
            severity: 'critical',
            team: 'payments',
            namespace: 'checkout',
            job: 'checkout-api',
          },
          annotations: {
            summary: 'checkout 5xx ratio above 5% for 5 minutes',
            description: '5.8% of requests to checkout failed over the last 5 minutes.',
            runbook_url: 'https://runbooks.acme.example/checkout/high-error-rate',
          },
          startsAt: Date.UTC(2026, 10, 2, 12, 3, 15, 512),
          endsAt: null,
          source: 'alertmanager',
          link: 'https://prometheus.acme.example/graph?g0.expr=sum%28rate%28http_requests_total%7Bservice%3D%22checkout%22%2Ccode%3D~%225..%22%7D%5B5m%5D%29%29&g0.tab=1',
          team: 'payments',
          runbookUrl: 'https://runbooks.acme.example/checkout/high-error-rate',
        },
      },
      {
        event: 'alert',
        value: {
          id: 'alertmanager_076bacb4dd5e80010bfb',
          fingerprint: '0e4d7b9a13c25f68',
          status: 'firing',
          name: 'HighLatencyP99',
          service: 'checkout',
          environment: 'production',
          // severity "page" is a critical alert by Prometheus convention.
          severity: 'critical',
          summary: 'p99 latency of checkout is 2.4s (threshold 1s).',
          labels: {
            alertname: 'HighLatencyP99',
            service: 'checkout',
            environment: 'production',
            severity: 'page',
            team: 'payments',
            namespace: 'checkout',
            job: 'checkout-api',
          },
          annotations: { description: 'p99 latency of checkout is 2.4s (threshold 1s).' },
          startsAt: Date.UTC(2026, 10, 2, 12, 4, 45),
          // A firing alert's endsAt is only its expected expiry: not kept.
          endsAt: null,
          source: 'alertmanager',
          link: 'https://prometheus.acme.example/graph?g0.expr=histogram_quantile%280.99%2C+sum+by+%28le%29+%28rate%28http_request_duration_seconds_bucket%7Bservice%3D%22checkout%22%7D%5B5m%5D%29%29%29&g0.tab=1',
          team: 'payments',
          runbookUrl: null,
        },
      },
      {
        event: 'alert',
        value: {
          id: 'alertmanager_1d5debe94895daeccde8',
          fingerprint: 'f1e2d3c4b5a69788',
          status: 'resolved',
          name: 'PodCrashLooping',
          // app.kubernetes.io/name and env, through the identity rules.
          service: 'cart',
          environment: 'staging',
          severity: 'warning',
          summary: 'Pod cart/cart-7c9d5b6f4-x2kqp is crash looping',
          labels: {
            alertname: 'PodCrashLooping',
            'app.kubernetes.io/name': 'cart',
            env: 'staging',
            severity: 'warning',
            namespace: 'cart',
            pod: 'cart-7c9d5b6f4-x2kqp',
          },
          annotations: { summary: 'Pod cart/cart-7c9d5b6f4-x2kqp is crash looping' },
          startsAt: Date.UTC(2026, 10, 2, 11, 41, 0),
          endsAt: Date.UTC(2026, 10, 2, 11, 56, 30, 250),
          source: 'alertmanager',
          link: 'https://prometheus.acme.example/graph?g0.expr=increase%28kube_pod_container_status_restarts_total%5B10m%5D%29+%3E+3&g0.tab=1',
          team: null,
          runbookUrl: null,
        },
      },
    ]);
  });

  it('fingerprints an alert without one from its labels, and reads offsets and the message annotation', () => {
    const events = normaliser.normalise(rawFixture('alertmanager', 'legacy-no-fingerprint.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      {
        event: 'alert',
        value: {
          id: 'alertmanager_696f2df987cb79136b55',
          fingerprint: 'labels_9bf2176a5273a8c48b28',
          status: 'firing',
          name: 'KafkaConsumerLag',
          service: 'orders-consumer',
          environment: 'production',
          severity: 'high',
          summary: 'Consumer group orders-consumer lags 120000 messages behind on orders.v1',
          labels: {
            alertname: 'KafkaConsumerLag',
            job: 'orders-consumer',
            severity: 'error',
            topic: 'orders.v1',
          },
          annotations: { message: 'Consumer group orders-consumer lags 120000 messages behind on orders.v1' },
          startsAt: Date.UTC(2026, 10, 2, 11, 10, 0),
          endsAt: null,
          source: 'alertmanager',
          link: null,
          team: null,
          runbookUrl: null,
        },
      },
    ]);
  });

  it('gives the same state the same id, and a new state a new id', () => {
    const first = normaliser.normalise(rawFixture('alertmanager', 'group.json'), context);
    const again = normaliser.normalise(rawFixture('alertmanager', 'group.json'), context);
    assert.deepEqual(
      again.map((e) => e.value.id),
      first.map((e) => e.value.id),
    );
    const body = group();
    body.alerts[0] = { ...body.alerts[0], status: 'resolved', endsAt: '2026-11-02T12:30:00Z' };
    const resolved = normaliser.normalise(raw(body), context);
    assert.notEqual(resolved[0]!.value.id, first[0]!.value.id);
    assert.equal((resolved[0]!.value as { fingerprint: string }).fingerprint, '8c5f3a1b2d4e6f70');
    // A re-notification with a moved expected expiry is the same firing state.
    const renotified = group();
    renotified.alerts[1] = { ...renotified.alerts[1], endsAt: '2026-11-02T12:40:45Z' };
    assert.equal(normaliser.normalise(raw(renotified), context)[1]!.value.id, first[1]!.value.id);
  });

  it('maps every severity word', () => {
    const expected: Record<string, string> = {
      critical: 'critical',
      page: 'critical',
      error: 'high',
      high: 'high',
      major: 'high',
      warning: 'warning',
      minor: 'warning',
      info: 'info',
      none: 'info',
      low: 'info',
      bogus: 'warning',
    };
    for (const [word, severity] of Object.entries(expected)) {
      const body = group();
      body.alerts = [{ ...body.alerts[0], labels: { alertname: 'A', service: 's', severity: word } }];
      assert.equal(
        (normaliser.normalise(raw(body), context)[0]!.value as { severity: string }).severity,
        severity,
      );
    }
    const body = group();
    body.alerts = [{ ...body.alerts[0], labels: { alertname: 'A', service: 's' } }];
    assert.equal(
      (normaliser.normalise(raw(body), context)[0]!.value as { severity: string }).severity,
      'warning',
    );
  });

  it('follows the configured identity rules', () => {
    const identity = new ServiceIdentity({
      serviceKeys: ['component'],
      environmentKeys: ['cluster'],
      defaultEnvironment: 'prod',
    });
    const body = group();
    body.alerts = [
      { ...body.alerts[0], labels: { alertname: 'A', component: 'ledger', service: 'ignored' } },
    ];
    const [event] = normaliser.normalise(raw(body), { identity });
    assert.equal(event!.value.service, 'ledger');
    assert.equal((event!.value as { environment: string }).environment, 'prod');
  });

  describe('refuses, naming the field', () => {
    const cases: [
      string,
      (body: Record<string, unknown> & { alerts: Record<string, unknown>[] }) => void,
      string,
      string,
    ][] = [
      ['a missing version', (b) => delete b['version'], 'version', 'validate.missing-field'],
      ['another version', (b) => (b['version'] = '3'), 'version', 'unsupported.version'],
      [
        'no alerts',
        (b) => delete (b as Record<string, unknown>)['alerts'],
        'alerts',
        'validate.missing-field',
      ],
      [
        'an alert without any service label',
        (b) => (b.alerts[2]!['labels'] = { alertname: 'PodCrashLooping', pod: 'x' }),
        'alerts[2].labels',
        'validate.missing-field',
      ],
      [
        'an alert without alertname',
        (b) => (b.alerts[1]!['labels'] = { service: 'checkout' }),
        'alerts[1].labels.alertname',
        'validate.missing-field',
      ],
      [
        'a label that is not a string',
        (b) => (b.alerts[0]!['labels'] = { alertname: 'A', service: 's', replicas: 3 }),
        'alerts[0].labels.replicas',
        'validate.invalid-field',
      ],
      [
        'an unknown status',
        (b) => (b.alerts[0]!['status'] = 'pending'),
        'alerts[0].status',
        'validate.invalid-field',
      ],
      [
        'a missing startsAt',
        (b) => delete b.alerts[0]!['startsAt'],
        'alerts[0].startsAt',
        'validate.missing-field',
      ],
      [
        'a malformed startsAt',
        (b) => (b.alerts[0]!['startsAt'] = 'yesterday'),
        'alerts[0].startsAt',
        'validate.invalid-field',
      ],
      [
        'a startsAt far in the future',
        (b) => (b.alerts[0]!['startsAt'] = '2031-01-01T00:00:00Z'),
        'alerts[0].startsAt',
        'validate.timestamp',
      ],
      [
        'a resolved endsAt far in the past',
        (b) => (b.alerts[2]!['endsAt'] = '1999-12-31T23:59:59Z'),
        'alerts[2].endsAt',
        'validate.timestamp',
      ],
      [
        'a service name over 512 characters',
        (b) => (b.alerts[0]!['labels'] = { alertname: 'A', service: 'x'.repeat(600) }),
        'alerts[0].labels',
        'validate.invalid-field',
      ],
    ];
    for (const [what, mutate, field, code] of cases) {
      it(what, () => {
        const body = group();
        mutate(body);
        const error = refusal(() => normaliser.normalise(raw(body), context));
        assert.equal(error.field, field, error.message);
        assert.equal(error.code, code, error.message);
      });
    }

    it('a body that is not JSON', () => {
      assert.equal(refusal(() => normaliser.normalise(raw('{"version":'), context)).code, 'decode.json');
    });
  });

  it('survives 10,000 mutations: valid events or a DecodeError, nothing else', (t) => {
    const outcome = fuzz(
      normaliser,
      [fixture('alertmanager', 'group.json'), fixture('alertmanager', 'legacy-no-fingerprint.json')],
      { count: 10_000, seed: 4 },
    );
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0, `some mutations stay valid (${JSON.stringify(outcome)})`);
  });
});
