import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert, Change } from '#contracts';
import { PIPELINERUN_FINISHED, SERVICE_DEPLOYED, SERVICE_ROLLEDBACK } from './cdevents.golden.js';
import { CloudEventsNormaliser, parseCloudEvents } from './cloudevents.js';
import {
  assertValid,
  codec,
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

const normaliser = new CloudEventsNormaliser({ codec });
const STRUCTURED: Headers = { 'content-type': 'application/cloudevents+json; charset=UTF-8' };

const FEATURE_FLAG: Change = {
  id: 'ff-2026-11-02-0042',
  source: 'cloudevents',
  kind: 'feature_flag',
  service: 'checkout',
  environment: 'production',
  version: null,
  previousVersion: null,
  // From the CloudEvent time: the data has no startedAt.
  startedAt: Date.UTC(2026, 10, 2, 12, 1, 0),
  finishedAt: null,
  scope: 'service',
  scopeName: null,
  automated: false,
  initiator: 'bob@acme.example',
  pipeline: null,
  rollout: 'progressive',
  sizeLines: null,
  component: null,
  configKeys: ['checkout.new-payment-flow'],
  rollbackOf: null,
  links: [{ name: 'flag', url: 'https://flags.acme.example/flags/checkout.new-payment-flow' }],
  labels: { 'flag.variation': 'on', 'flag.percentage': '10' },
  commitAt: null,
  team: 'payments',
  content: null,
};

const SYNTHETIC_ALERT: Alert = {
  id: 'synthetic-checkout-7781',
  fingerprint: 'synthetic-checkout-flow',
  status: 'firing',
  name: 'CheckoutFlowFailing',
  service: 'checkout',
  environment: 'production',
  severity: 'high',
  summary: 'Synthetic checkout flow failed 3 times in a row from eu-west',
  labels: { probe: 'checkout-flow', region: 'eu-west' },
  annotations: {},
  startsAt: Date.UTC(2026, 10, 2, 12, 5, 10),
  endsAt: null,
  source: 'synthetics',
  link: null,
  team: null,
  runbookUrl: null,
};

const CONFIG_CHANGE: Change = {
  id: 'cfg-7f3a',
  source: 'cloudevents',
  kind: 'config',
  service: 'cart',
  environment: 'staging',
  version: null,
  previousVersion: null,
  startedAt: Date.UTC(2026, 10, 2, 12, 0, 0),
  finishedAt: null,
  scope: 'service',
  scopeName: null,
  automated: true,
  initiator: null,
  pipeline: null,
  rollout: 'unknown',
  sizeLines: null,
  component: null,
  configKeys: ['cart.cache.ttl'],
  rollbackOf: null,
  links: [],
  labels: { 'git.commit': '5e1d' },
  commitAt: null,
  team: null,
  content: null,
};

describe('CloudEvents normaliser', () => {
  it('maps a structured CDEvent (service.deployed), field by field', () => {
    const events = normaliser.normalise(
      rawFixture('cloudevents', 'structured-service-deployed.json'),
      context,
    );
    assertValid(events);
    assert.deepEqual(events, [{ event: 'change', value: SERVICE_DEPLOYED }]);
  });

  it('maps a binary-mode Kafka record (ce_ headers, service.rolledback), field by field', () => {
    const events = normaliser.normalise(rawFixture('cloudevents', 'binary-service-rolledback.json'), context);
    assertValid(events);
    assert.deepEqual(events, [{ event: 'change', value: SERVICE_ROLLEDBACK }]);
  });

  it('maps a batch: a CDEvent pipeline run, a canonical change and a canonical alert', () => {
    const events = normaliser.normalise(rawFixture('cloudevents', 'batch.json'), context);
    assertValid(events);
    assert.deepEqual(events, [
      { event: 'change', value: PIPELINERUN_FINISHED },
      { event: 'change', value: FEATURE_FLAG },
      { event: 'alert', value: SYNTHETIC_ALERT },
    ]);
  });

  it('maps an HTTP binary-mode event (ce- headers) carrying a canonical change', () => {
    const events = normaliser.normalise(rawFixture('cloudevents', 'http-binary-config-change.json'), context);
    assertValid(events);
    assert.deepEqual(events, [{ event: 'change', value: CONFIG_CHANGE }]);
  });

  it('reads every content mode into the same CloudEvent', () => {
    const structured = fixtureJson('cloudevents', 'structured-service-deployed.json');
    const [fromStructured] = parseCloudEvents(raw(structured, STRUCTURED));
    const binaryHeaders: Headers = {
      ce_specversion: '1.0',
      ce_id: String(structured['id']),
      ce_source: String(structured['source']),
      ce_type: String(structured['type']),
      ce_time: String(structured['time']),
      ce_subject: String(structured['subject']),
      ce_partitionkey: 'checkout',
      'content-type': 'application/json',
    };
    const [fromBinary] = parseCloudEvents(raw(structured['data'] as object, binaryHeaders));
    const [fromBase64] = parseCloudEvents(
      raw(
        {
          ...structured,
          data: undefined,
          data_base64: Buffer.from(JSON.stringify(structured['data'])).toString('base64'),
        },
        STRUCTURED,
      ),
    );
    const [withoutContentType] = parseCloudEvents(raw(structured));
    for (const event of [fromBinary, fromBase64, withoutContentType]) {
      assert.equal(event!.id, fromStructured!.id);
      assert.equal(event!.type, fromStructured!.type);
      assert.equal(event!.time, fromStructured!.time);
      assert.equal(event!.subject, fromStructured!.subject);
      assert.deepEqual(event!.data, fromStructured!.data);
      assert.deepEqual(event!.extensions, { partitionkey: 'checkout' });
    }
  });

  it('takes the context of a CDEvent without one from the CloudEvent attributes', () => {
    const body = fixtureJson('cloudevents', 'structured-service-deployed.json') as {
      data: Record<string, unknown>;
    };
    delete body.data['context'];
    const [event] = normaliser.normalise(raw(body, STRUCTURED), context);
    const change = event!.value as Change;
    assert.equal(change.id, SERVICE_DEPLOYED.id);
    assert.equal(change.startedAt, SERVICE_DEPLOYED.startedAt);
    assert.equal(change.labels['cdevents.type'], 'dev.cdevents.service.deployed.0.2.0');
    assert.equal(change.service, 'checkout');
  });

  it('percent-decodes HTTP binary-mode headers', () => {
    const headers = {
      ...fixtureHeaders('cloudevents', 'http-binary-config-change.json'),
      'ce-subject': 'cache%20ttl',
    };
    const [event] = parseCloudEvents(raw(fixture('cloudevents', 'http-binary-config-change.json'), headers));
    assert.equal(event!.subject, 'cache ttl');
  });

  describe('refuses, naming the field', () => {
    const structured = () => fixtureJson('cloudevents', 'structured-service-deployed.json');
    const binary = () => fixtureHeaders('cloudevents', 'binary-service-rolledback.json');
    const binaryBody = () => fixture('cloudevents', 'binary-service-rolledback.json');
    const cases: [string, () => { body: object | Buffer; headers: Headers }, string, string][] = [
      [
        'an unknown type',
        () => ({ body: { ...structured(), type: 'com.acme.build.finished' }, headers: STRUCTURED }),
        'type',
        'unsupported.cloudevent-type',
      ],
      [
        'an unknown type in binary mode',
        () => ({ body: binaryBody(), headers: { ...binary(), ce_type: 'com.acme.build.finished' } }),
        'ce_type',
        'unsupported.cloudevent-type',
      ],
      [
        'specversion 0.3',
        () => ({ body: { ...structured(), specversion: '0.3' }, headers: STRUCTURED }),
        'specversion',
        'validate.invalid-field',
      ],
      [
        'no id',
        () => ({ body: { ...structured(), id: undefined }, headers: STRUCTURED }),
        'id',
        'validate.missing-field',
      ],
      [
        'no source in binary mode',
        () => {
          const headers = binary();
          delete headers['ce_source'];
          return { body: binaryBody(), headers };
        },
        'ce_source',
        'validate.missing-field',
      ],
      [
        'a malformed time',
        () => ({ body: { ...structured(), time: 'now' }, headers: STRUCTURED }),
        'time',
        'validate.invalid-field',
      ],
      [
        'a CDEvent with no subject id, inside the data',
        () => {
          const body = structured() as { data: { subject: Record<string, unknown> } };
          delete body.data.subject['id'];
          return { body, headers: STRUCTURED };
        },
        'data.subject.id',
        'validate.missing-field',
      ],
      [
        'a bad event in a batch, by index',
        () => {
          const body = fixtureJson('cloudevents', 'batch.json') as unknown as Record<string, unknown>[];
          (body[1]!['data'] as Record<string, unknown>)['kind'] = 'hotfix';
          return { body, headers: { 'content-type': 'application/cloudevents-batch+json' } };
        },
        '[1].data.kind',
        'validate.invalid-field',
      ],
      [
        'a canonical alert without service',
        () => {
          const body = fixtureJson('cloudevents', 'batch.json') as unknown as Record<string, unknown>[];
          delete (body[2]!['data'] as Record<string, unknown>)['service'];
          return { body, headers: { 'content-type': 'application/cloudevents-batch+json' } };
        },
        '[2].data.service',
        'validate.missing-field',
      ],
      [
        'another event format',
        () => ({ body: structured(), headers: { 'content-type': 'application/cloudevents+avro' } }),
        'content-type',
        'unsupported.content-type',
      ],
      [
        'a body that is no CloudEvent at all',
        () => ({ body: { hello: 'world' }, headers: {} }),
        'ce_specversion',
        'validate.missing-field',
      ],
    ];
    for (const [what, make, field, code] of cases) {
      it(what, () => {
        const { body, headers } = make();
        const error = refusal(() => normaliser.normalise(raw(body, headers), context));
        assert.equal(error.field, field, error.message);
        assert.equal(error.code, code, error.message);
      });
    }
  });

  it('survives 10,000 mutations of structured and batch bodies', (t) => {
    const payloads = [
      fixture('cloudevents', 'structured-service-deployed.json'),
      fixture('cloudevents', 'batch.json'),
    ];
    // The body decides: an array is a batch, an object a structured event.
    const outcome = fuzz(normaliser, payloads, {
      count: 10_000,
      seed: 13,
      headers: (body) => ({
        'content-type':
          body.subarray(0, 1).toString() === '['
            ? 'application/cloudevents-batch+json'
            : 'application/cloudevents+json',
      }),
    });
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0);
  });

  it('survives 5,000 mutations of binary-mode bodies', (t) => {
    const headers = fixtureHeaders('cloudevents', 'binary-service-rolledback.json');
    const outcome = fuzz(normaliser, [fixture('cloudevents', 'binary-service-rolledback.json')], {
      count: 5_000,
      seed: 17,
      headers: () => headers,
    });
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0);
  });
});
