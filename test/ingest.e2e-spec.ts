// The ingest app as deployed: a separate process on the real broker. Raw topics and webhooks
// in, canonical events out on the canonical topics keyed by service, refused input in the
// dead-letter topic with its reason, ids stable across redelivery.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { projectPath } from '#config';
import { EventCodec, TOPICS, type EventName } from '#contracts';
import { createNormalisers, ServiceIdentity, type CanonicalEvent } from '#ingestion';
import { parseDeadLetter } from '#messaging';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import { startProcess, type AppProcess } from './support/app-process.js';
import { consumeUntil, produce, type SeenMessage } from './support/kafka-topics.js';

const INGEST_TOKEN = 'ingest-token-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';
const EXPIRED_TOKEN = 'expired-token-0123456789abcdef';
const GITHUB_SECRET = 'aftershock-test-webhook-secret';
const codec = new EventCodec({ now: () => Date.now() });

const fixture = (format: string, name: string) =>
  readFileSync(projectPath('libs', 'ingestion', 'fixtures', format, name));
const fixtureHeaders = (format: string, name: string) =>
  JSON.parse(fixture(format, name.replace(/\.(json|pb)$/, '.headers.json')).toString()) as Record<
    string,
    string
  >;

/** What the normalisers alone make of an input: the pipeline must publish exactly this. */
function expected(format: string, body: Buffer, headers: Record<string, string> = {}): CanonicalEvent[] {
  const normaliser = createNormalisers({ codec, githubSecret: GITHUB_SECRET }).find(
    (n) => n.format === format,
  )!;
  return normaliser.normalise(
    { body, headers, source: 'expected', receivedAt: Date.now() },
    { identity: new ServiceIdentity() },
  );
}

const EVENT_OF_TOPIC: Record<string, EventName> = {
  [TOPICS.changes]: 'change',
  [TOPICS.alerts]: 'alert',
  [TOPICS.telemetry]: 'telemetry',
};

async function decoded(messages: SeenMessage[]) {
  return Promise.all(
    messages.map(async (m) => ({
      key: m.key,
      value: (await codec.decode(EVENT_OF_TOPIC[m.topic]!, m.value)) as { id: string; service: string },
    })),
  );
}

function countIds(events: { value: { id: string } }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.value.id, (counts.get(e.value.id) ?? 0) + 1);
  return counts;
}

describe('ingest app on the real broker', () => {
  let brokers: string[];
  let app: AppProcess;
  let url: string;
  const raw = {
    alertmanager: uniqueTopic('raw.alertmanager'),
    cdevents: uniqueTopic('raw.cdevents'),
    otlp: uniqueTopic('raw.otlp'),
    github: uniqueTopic('raw.github'),
  };

  before(async () => {
    brokers = await testKafkaBrokers();
    app = startProcess('dist/apps/ingest/src/main.js', [], {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
      HTTP_MAX_BODY_BYTES: '65536',
      AFTERSHOCK_TOKENS: `producer=ingest:${INGEST_TOKEN},grafana=read:${READ_TOKEN},old-producer=ingest:${EXPIRED_TOKEN}@2020-01-01T00:00:00Z`,
      GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      INGEST_RAW_TOPICS: `${raw.alertmanager}=alertmanager,${raw.cdevents}=cdevents,${raw.otlp}=otlp_proto,${raw.github}=github`,
    });
    url = String((await app.waitForLog((l) => l.msg === 'started')).url);
  });

  after(async () => {
    app.child.kill('SIGTERM');
    assert.equal((await app.exited()).code, 0, app.stderr());
  });

  it('raw topics in → canonical topics out keyed by service; poison → dead-letter topic; ids stable on redelivery', async () => {
    const inputs = [
      {
        topic: raw.alertmanager,
        format: 'alertmanager',
        body: fixture('alertmanager', 'group.json'),
        headers: {},
      },
      {
        topic: raw.cdevents,
        format: 'cdevents',
        body: fixture('cdevents', 'service-deployed.json'),
        headers: {},
      },
      { topic: raw.otlp, format: 'otlp_proto', body: fixture('otlp', 'all-types.pb'), headers: {} },
      {
        topic: raw.github,
        format: 'github',
        body: fixture('github', 'deployment_status-success.json'),
        headers: fixtureHeaders('github', 'deployment_status-success.json'),
      },
    ];
    const want = inputs.flatMap((i) => expected(i.format, i.body, i.headers));
    const sources = new Set(Object.values(raw));
    const fromUs = (m: SeenMessage) => sources.has(m.headers['x-aftershock-source'] ?? '');

    for (const round of [1, 2]) {
      for (const input of inputs) {
        await produce(brokers, input.topic, [
          { value: input.body, headers: input.headers },
          { key: 'poison', value: `not ${input.format} at all (round ${round})` },
        ]);
      }
      // At least once: a batch the app's consumer is handed again (a rebalance before its commit)
      // publishes its events again, with the same ids. So wait until every id has arrived once per
      // delivery, and check that nothing else arrived.
      const wantIds = want.map((w) => w.value.id);
      const everyIdArrived = (events: { value: { id: string } }[]) => {
        const counts = countIds(events);
        return wantIds.every((id) => (counts.get(id) ?? 0) >= round);
      };
      const events = await decoded(
        await consumeUntil(brokers, [TOPICS.changes, TOPICS.alerts, TOPICS.telemetry], fromUs, async (seen) =>
          everyIdArrived(await decoded(seen)),
        ),
      );
      assert.ok(everyIdArrived(events), 'every canonical event arrives, once per delivery');
      for (const e of events) assert.equal(e.key, e.value.service, 'keyed by service');
      // Both deliveries give exactly the ids the normalisers give: duplicates are detectable downstream.
      assert.deepEqual([...countIds(events).keys()].sort(), [...new Set(wantIds)].sort());
    }

    const dead = await consumeUntil(
      brokers,
      [TOPICS.deadLetters],
      (m) => sources.has(parseDeadLetterOf(m).topic),
      (seen) => seen.length >= inputs.length * 2,
    );
    assert.equal(dead.length, inputs.length * 2, 'every poison message is dead-lettered, each round');
    for (const m of dead) {
      const record = parseDeadLetterOf(m);
      assert.match(Buffer.from(record.value!, 'base64').toString(), /^not .* at all/);
      assert.ok(record.reason.length > 0 && record.code.length > 0);
    }
  });

  describe('HTTP webhooks', () => {
    const post = (format: string, body: Buffer | string, headers: Record<string, string> = {}) =>
      fetch(`${url}/api/v1/ingest/${format}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    /** The dead-letter records whose original body contains `marker` (waits for the first). */
    const deadLettersHolding = (marker: string) =>
      consumeUntil(
        brokers,
        [TOPICS.deadLetters],
        (m) =>
          Buffer.from(parseDeadLetterOf(m).value ?? '', 'base64')
            .toString()
            .includes(marker),
        (found) => found.length >= 1,
      );

    it('accepts a payload with 202 only once its events are on the canonical topic', async () => {
      const response = await post(
        'alertmanager',
        fixture('alertmanager', 'group.json'),
        bearer(INGEST_TOKEN),
      );
      assert.equal(response.status, 202);
      const body = (await response.json()) as { accepted: number; ids: string[] };
      const want = expected('alertmanager', fixture('alertmanager', 'group.json'));
      assert.deepEqual(
        body.ids,
        want.map((w) => w.value.id),
      );
      const ids = new Set(body.ids);
      const seen = await consumeUntil(
        brokers,
        [TOPICS.alerts],
        (m) => ids.has(m.headers['x-aftershock-id'] ?? ''),
        (s) => new Set(s.map((m) => m.headers['x-aftershock-id'])).size === ids.size,
      );
      assert.equal(new Set(seen.map((m) => m.headers['x-aftershock-id'])).size, ids.size);
    });

    it('authenticates GitHub by its signature alone (GitHub sends no bearer token); a forged one is 401 and dead-lettered whole', async () => {
      const body = fixture('github', 'deployment_status-success.json');
      const headers = fixtureHeaders('github', 'deployment_status-success.json');
      assert.equal((await post('github', body, headers)).status, 202, 'signed, no bearer token');
      assert.equal((await post('github', body, { ...headers, ...bearer(INGEST_TOKEN) })).status, 202);
      const marker = uniqueTopic('forged');
      const forgedBody = Buffer.from(
        body.toString().replace('"deployment_status"', `"deployment_status","marker":"${marker}"`),
      );
      const forged = {
        ...headers,
        'x-hub-signature-256': 'sha256=' + '0'.repeat(64),
        cookie: 'session=gh-secret',
      };
      const answer = await post('github', forgedBody, forged);
      assert.equal(answer.status, 401);
      assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'auth.signature');
      const unsigned = { ...headers };
      delete unsigned['x-hub-signature-256'];
      assert.equal(
        (await post('github', body, { ...unsigned, ...bearer(INGEST_TOKEN) })).status,
        401,
        'a bearer token does not replace the signature',
      );
      const [dead] = await deadLettersHolding(marker);
      const record = parseDeadLetterOf(dead!);
      assert.equal(record.code, 'auth.signature');
      assert.equal(record.topic, 'http:/api/v1/ingest/github');
      assert.ok(!('cookie' in record.headers), 'credential headers are not kept');
    });

    it('takes the bearer scheme in any case (RFC 7235)', async () => {
      const body = fixture('alertmanager', 'group.json');
      for (const scheme of ['bearer', 'BEARER']) {
        const answer = await post('alertmanager', body, { authorization: `${scheme} ${INGEST_TOKEN}` });
        assert.equal(answer.status, 202, scheme);
      }
    });

    it('refuses a request without a valid token before reading its body: 401, not 413', async () => {
      const huge = JSON.stringify({ version: '4', alerts: [], padding: 'x'.repeat(200_000) });
      assert.equal((await post('alertmanager', huge)).status, 401);
      assert.equal((await post('alertmanager', huge, bearer(READ_TOKEN))).status, 403);
    });

    it('dead-letters a body over the limit as metadata only (no body), and strips every credential header from dead letters', async () => {
      const marker = uniqueTopic('too-large');
      const huge = JSON.stringify({ version: '4', alerts: [], padding: 'x'.repeat(70_000) });
      const credentials = {
        cookie: 'session=cookie-secret',
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        'x-api-key': 'api-key-secret',
      };
      const answer = await post('alertmanager', huge, {
        ...bearer(INGEST_TOKEN),
        ...credentials,
        'x-request-id': marker,
      });
      assert.equal(answer.status, 413);
      const bad = await post('alertmanager', JSON.stringify({ version: '5', marker }), {
        ...bearer(INGEST_TOKEN),
        ...credentials,
      });
      assert.equal(bad.status, 400);
      const dead = await consumeUntil(
        brokers,
        [TOPICS.deadLetters],
        (m) => {
          const record = parseDeadLetterOf(m);
          return (
            Buffer.from(record.headers['x-request-id'] ?? '', 'base64').toString() === marker ||
            Buffer.from(record.value ?? '', 'base64')
              .toString()
              .includes(marker)
          );
        },
        (found) => found.length >= 2,
      );
      const [tooLarge, refused] = [
        dead.map(parseDeadLetterOf).find((r) => r.code === 'body.too-large'),
        dead.map(parseDeadLetterOf).find((r) => r.code === 'unsupported.version'),
      ];
      assert.ok(tooLarge && refused, JSON.stringify(dead.map(parseDeadLetterOf).map((r) => r.code)));
      assert.equal(tooLarge.value, null, 'metadata only');
      assert.match(tooLarge.reason, /larger than 65536 bytes .*Content-Length: \d+/);
      for (const record of [tooLarge, refused]) {
        const names = Object.keys(record.headers);
        for (const secret of ['authorization', ...Object.keys(credentials)])
          assert.ok(!names.includes(secret), secret);
        assert.ok(names.includes('content-type'));
      }
      for (const m of dead) {
        const everything = m.value.toString() + JSON.stringify(m.headers);
        for (const secret of [INGEST_TOKEN, ...Object.values(credentials)])
          assert.ok(!everything.includes(secret), secret);
      }
    });

    it('refuses without a valid ingest token: none 401, expired 401, read scope 403', async () => {
      const body = fixture('alertmanager', 'group.json');
      assert.equal((await post('alertmanager', body)).status, 401);
      assert.equal((await post('alertmanager', body, bearer(EXPIRED_TOKEN))).status, 401);
      assert.equal((await post('alertmanager', body, bearer(READ_TOKEN))).status, 403);
      assert.equal((await post('alertmanager', body, bearer('not-a-known-token-at-all'))).status, 401);
    });

    it('carries a CDEvent’s change content onto the canonical change; a negative count is 400 naming the feature', async () => {
      const event = JSON.parse(fixture('cdevents', 'service-deployed.json').toString()) as {
        context: { id: string };
        customData: Record<string, unknown>;
      };
      event.context.id = uniqueTopic('content');
      event.customData['content'] = { la: 120, linesDeleted: 8, nf: 3, ent: 1.2, fix: true };
      const response = await post('cdevents', JSON.stringify(event), bearer(INGEST_TOKEN));
      assert.equal(response.status, 202, await response.clone().text());
      const [id] = ((await response.json()) as { ids: string[] }).ids;
      const [seen] = await consumeUntil(
        brokers,
        [TOPICS.changes],
        (m) => m.headers['x-aftershock-id'] === id,
        (s) => s.length >= 1,
      );
      const change = (await codec.decode('change', seen!.value)) as unknown as {
        content: Record<string, unknown> | null;
      };
      assert.deepEqual(
        Object.fromEntries(Object.entries(change.content ?? {}).filter(([, v]) => v !== null)),
        { linesAdded: 120, linesDeleted: 8, files: 3, entropy: 1.2, fix: true },
      );

      event.context.id = uniqueTopic('content');
      event.customData['content'] = { nf: -1 };
      const refused = await post('cdevents', JSON.stringify(event), bearer(INGEST_TOKEN));
      assert.equal(refused.status, 400);
      const { error } = (await refused.json()) as { error: { field: string; reason: string } };
      assert.equal(error.field, 'customData.content.nf');
      assert.match(error.reason, /below zero/);
    });

    it('answers 413 over the body limit and 404 for an unknown format', async () => {
      const huge = JSON.stringify({ version: '4', alerts: [], padding: 'x'.repeat(70_000) });
      assert.equal((await post('alertmanager', huge, bearer(INGEST_TOKEN))).status, 413);
      assert.equal((await post('carrier-pigeon', '{}', bearer(INGEST_TOKEN))).status, 404);
    });

    it('answers 400 naming the field at fault, and keeps the body in the dead-letter topic', async () => {
      const group = JSON.parse(fixture('alertmanager', 'group.json').toString()) as {
        alerts: { labels: Record<string, string> }[];
      };
      const marker = uniqueTopic('marker');
      group.alerts[1]!.labels = { alertname: marker };
      const response = await post('alertmanager', JSON.stringify(group), bearer(INGEST_TOKEN));
      assert.equal(response.status, 400);
      const { error } = (await response.json()) as { error: { code: string; field: string; reason: string } };
      assert.equal(error.field, 'alerts[1].labels');
      const dead = await deadLettersHolding(marker);
      assert.equal(dead.length, 1);
      assert.equal(parseDeadLetterOf(dead[0]!).topic, 'http:/api/v1/ingest/alertmanager');
    });
  });
});

function parseDeadLetterOf(m: SeenMessage) {
  return parseDeadLetter({
    topic: m.topic,
    partition: m.partition,
    offset: '0',
    key: null,
    value: m.value,
    headers: {},
    timestamp: 0,
  });
}

describe('ingest without a GitHub webhook secret', () => {
  it('answers a GitHub delivery 503 saying which setting it needs, not 404 "unknown format"', async () => {
    const brokers = await testKafkaBrokers();
    const app = startProcess('dist/apps/ingest/src/main.js', [], {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
      AFTERSHOCK_TOKENS: `ingest:${INGEST_TOKEN}`,
    });
    try {
      const url = String((await app.waitForLog((l) => l.msg === 'started')).url);
      const answer = await fetch(`${url}/api/v1/ingest/github`, {
        method: 'POST',
        body: fixture('github', 'deployment_status-success.json'),
        headers: {
          ...fixtureHeaders('github', 'deployment_status-success.json'),
          authorization: `Bearer ${INGEST_TOKEN}`,
        },
      });
      assert.equal(answer.status, 503);
      const { error } = (await answer.json()) as { error: { code: string; reason: string } };
      assert.equal(error.code, 'format.not-configured');
      assert.match(error.reason, /set GITHUB_WEBHOOK_SECRET/);
    } finally {
      app.child.kill('SIGTERM');
      await app.exited();
    }
  });
});
