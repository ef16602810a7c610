// The correlator as deployed, on the real broker: canonical events in, a fail verdict and a
// change-correlated incident naming the bad deploy out, keyed by service.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventCodec, TOPICS, type Incident, type Verdict } from '#contracts';
import { aChange, anAlert, testKafkaBrokers } from '#testing';
import { startProcess, type AppProcess } from './support/app-process.js';
import { consumeUntil, produce, type SeenMessage } from './support/kafka-topics.js';

const MINUTE = 60_000;
const codec = new EventCodec({ now: () => Date.now() });

describe('correlator app on the real broker', () => {
  let brokers: string[];
  let app: AppProcess;

  before(async () => {
    brokers = await testKafkaBrokers();
    app = startProcess('dist/apps/correlator/src/main.js', [], {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
    });
    await app.waitForLog((l) => l.msg === 'started');
  });

  after(async () => {
    app.child.kill('SIGTERM');
    assert.equal((await app.exited()).code, 0, app.stderr());
  });

  it('a bad deploy: fail verdict, and an incident whose top suspect is the deploy', async () => {
    const service = `checkout-${process.pid}-${Date.now().toString(36)}`;
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    const t0 = now - 20 * MINUTE;
    const change = aChange({
      id: `${service}-v2`,
      service,
      startedAt: t0,
      finishedAt: t0 + MINUTE,
      version: 'v2',
    });
    const batches = [];
    for (let minute = t0 - 40 * MINUTE; minute < now; minute += MINUTE) {
      const points = [];
      for (let t = minute; t < minute + MINUTE; t += 10_000) {
        const bad = t >= t0 + MINUTE;
        const wobble = ((t / 10_000) % 7) / 7;
        points.push({
          metric: 'http.server.error.ratio',
          value: bad ? 0.05 + 0.01 * wobble : 0.002 + 0.001 * wobble,
          timestamp: t,
          unit: '1',
          labels: {},
        });
      }
      batches.push({ id: `${service}-${minute}`, service, environment: 'production', points, resource: {} });
    }
    await produce(brokers, TOPICS.changes, [{ key: service, value: await codec.encode('change', change) }]);
    await produce(
      brokers,
      TOPICS.telemetry,
      await Promise.all(
        batches.map(async (b) => ({ key: service, value: await codec.encode('telemetry', b) })),
      ),
    );
    const alert = anAlert({
      id: `${service}-alert`,
      fingerprint: `${service}-fp`,
      service,
      startsAt: t0 + 5 * MINUTE,
    });
    await produce(brokers, TOPICS.alerts, [{ key: service, value: await codec.encode('alert', alert) }]);

    const verdicts = await consumeUntil(
      brokers,
      [TOPICS.verdicts],
      (m) => m.key === service,
      (seen) => seen.some((m) => m.headers['x-aftershock-final'] === 'true'),
    );
    const verdict = (await codec.decode('verdict', verdicts.at(-1)!.value)) as Verdict;
    assert.equal(verdict.changeId, change.id);
    assert.equal(verdict.outcome, 'fail', verdict.summary);

    const decodeAll = (seen: SeenMessage[]) =>
      Promise.all(seen.map((m) => codec.decode('incident', m.value))) as Promise<Incident[]>;
    const events = await consumeUntil(
      brokers,
      [TOPICS.incidents],
      (m) => m.key === service,
      async (seen) => (await decodeAll(seen)).some((i) => i.members.some((m) => m.type === 'alert')),
    );
    const incidents = await decodeAll(events);
    const latest = incidents.sort((a, b) => b.version - a.version)[0]!;
    assert.equal(new Set(incidents.map((i) => i.id)).size, 1, 'the verdict and the alert share one incident');
    assert.equal(latest.suspects[0]!.changeId, change.id);
    assert.ok(latest.suspects[0]!.probability > 0.8);
    // The failed verification and the alert are members (anomalies on the same service may join as evidence).
    const types = new Set(latest.members.map((m) => m.type));
    assert.ok(types.has('alert') && types.has('verdict'), JSON.stringify(latest.members));
  });
});
