import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '#contracts';
import { artifactVersion, CDEventsNormaliser } from './cdevents.js';
import {
  ENVIRONMENT_MODIFIED,
  PIPELINERUN_FINISHED,
  SERVICE_DEPLOYED,
  SERVICE_ROLLEDBACK,
} from './cdevents.golden.js';
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

const normaliser = new CDEventsNormaliser();

const goldens: [string, Change][] = [
  ['service-deployed.json', SERVICE_DEPLOYED],
  ['service-rolledback.json', SERVICE_ROLLEDBACK],
  ['pipelinerun-finished.json', PIPELINERUN_FINISHED],
  ['environment-modified.json', ENVIRONMENT_MODIFIED],
];

describe('CDEvents normaliser (plain JSON)', () => {
  for (const [file, expected] of goldens) {
    it(`maps ${file} to a Change, field by field`, () => {
      const events = normaliser.normalise(rawFixture('cdevents', file), context);
      assertValid(events);
      assert.deepEqual(events, [{ event: 'change', value: expected }]);
    });
  }

  it('accepts an array of events', () => {
    const body = goldens.map(([file]) => fixtureJson('cdevents', file));
    const events = normaliser.normalise(raw(body), context);
    assert.deepEqual(
      events.map((e) => e.value),
      goldens.map(([, expected]) => expected),
    );
  });

  it('maps upgraded to a deployment and removed to kind other without version', () => {
    for (const [predicate, kind] of [
      ['upgraded', 'deployment'],
      ['removed', 'other'],
    ] as const) {
      const body = fixtureJson('cdevents', 'service-deployed.json') as {
        context: { type: string };
        subject: { content: Record<string, unknown> };
      };
      body.context.type = `dev.cdevents.service.${predicate}.0.2.0`;
      if (predicate === 'removed') delete body.subject.content['artifactId'];
      const [event] = normaliser.normalise(raw(body), context);
      assert.equal((event!.value as Change).kind, kind);
      if (predicate === 'removed') assert.equal((event!.value as Change).version, null);
    }
  });

  it('lets customData name the service and environment', () => {
    const body = fixtureJson('cdevents', 'service-rolledback.json') as {
      customData: Record<string, unknown>;
    };
    body.customData['service'] = 'checkout-api';
    const [event] = normaliser.normalise(raw(body), context);
    assert.equal(event!.value.service, 'checkout-api');
  });

  it('ignores vocabulary types that are not changes, and refuses types outside the vocabulary', () => {
    const body = fixtureJson('cdevents', 'pipelinerun-finished.json') as { context: { type: string } };
    body.context.type = 'dev.cdevents.taskrun.started.0.2.0';
    assert.deepEqual(normaliser.normalise(raw(body), context), []);
    body.context.type = 'dev.cdevents.service.deploye.0.2.0';
    const error = refusal(() => normaliser.normalise(raw(body), context));
    assert.equal(error.code, 'unsupported.cdevent-type');
    assert.equal(error.field, 'context.type');
  });

  it('reads the version of an artifact purl', () => {
    assert.equal(artifactVersion('pkg:oci/myapp@sha256%3A0b31?repository_url=ghcr.io'), 'sha256:0b31');
    assert.equal(artifactVersion('pkg:maven/org.acme/checkout@1.4.2'), '1.4.2');
    assert.equal(artifactVersion('pkg:npm/%40acme/ui@3.0.0-rc.1#dist'), '3.0.0-rc.1');
    assert.equal(
      artifactVersion('pkg:golang/github.com/acme/checkout'),
      'pkg:golang/github.com/acme/checkout',
    );
    assert.equal(artifactVersion('ghcr.io/acme/checkout:v1.4.2'), 'ghcr.io/acme/checkout:v1.4.2');
  });

  describe('refuses, naming the field', () => {
    type Body = { context: Record<string, unknown>; subject: Record<string, unknown> } & Record<
      string,
      unknown
    >;
    const cases: [string, string, (b: Body) => void, string, string][] = [
      [
        'no context',
        'service-deployed.json',
        (b) => delete (b as Record<string, unknown>)['context'],
        'context',
        'validate.missing-field',
      ],
      [
        'no context.id',
        'service-deployed.json',
        (b) => delete b.context['id'],
        'context.id',
        'validate.missing-field',
      ],
      [
        'no spec version',
        'service-deployed.json',
        (b) => delete b.context['version'],
        'context.version',
        'validate.missing-field',
      ],
      [
        'a malformed timestamp',
        'service-deployed.json',
        (b) => (b.context['timestamp'] = '20.03.2026'),
        'context.timestamp',
        'validate.invalid-field',
      ],
      [
        'a type that is not CDEvents',
        'service-deployed.json',
        (b) => (b.context['type'] = 'com.acme.deployed'),
        'context.type',
        'validate.invalid-field',
      ],
      [
        'no subject',
        'service-deployed.json',
        (b) => delete (b as Record<string, unknown>)['subject'],
        'subject',
        'validate.missing-field',
      ],
      [
        'no subject.id',
        'service-deployed.json',
        (b) => delete b.subject['id'],
        'subject.id',
        'validate.missing-field',
      ],
      [
        'an environment id that is not a string',
        'service-deployed.json',
        (b) => ((b.subject['content'] as Record<string, unknown>)['environment'] = { id: 7 }),
        'subject.content.environment.id',
        'validate.invalid-field',
      ],
      [
        'a pipeline run that names no service',
        'pipelinerun-finished.json',
        (b) => {
          delete (b as Record<string, unknown>)['customData'];
          delete (b.subject['content'] as Record<string, unknown>)['pipelineName'];
        },
        'subject.content.pipelineName',
        'validate.missing-field',
      ],
    ];
    for (const [what, file, mutate, field, code] of cases) {
      it(what, () => {
        const body = fixtureJson('cdevents', file) as Body;
        mutate(body);
        const error = refusal(() => normaliser.normalise(raw(body), context));
        assert.equal(error.field, field, error.message);
        assert.equal(error.code, code, error.message);
      });
    }
  });

  it('survives 10,000 mutations: valid events or a DecodeError, nothing else', (t) => {
    const outcome = fuzz(
      normaliser,
      goldens.map(([file]) => fixture('cdevents', file)),
      { count: 10_000, seed: 11 },
    );
    t.diagnostic(JSON.stringify(outcome));
    assert.ok(outcome.accepted > 0);
  });
});
