// The correlator as deployed, on the real broker: canonical events in, a fail verdict and a
// change-correlated incident naming the bad deploy out, keyed by service.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EventCodec,
  TOPICS,
  type Incident,
  type IncidentCommand,
  type TelemetryBatch,
  type Verdict,
} from '#contracts';
import { aChange, anAlert, anIncident, anIncidentCommand, aProblem } from '#testing';
import { testKafkaBrokers } from '#testing/infra';
import { DLQ_HEADER } from '#messaging';
import { startProcess, type AppProcess } from './support/app-process.js';
import { consumeUntil, produce, type SeenMessage } from './support/kafka-topics.js';

const MINUTE = 60_000;
const codec = new EventCodec({ now: () => Date.now() });

/** One batch per minute of 10-second error-ratio points: ~0.2% before `badFrom`, ~5% from it. */
function errorRatioBatches(
  service: string,
  environment: string,
  from: number,
  to: number,
  badFrom: number,
): TelemetryBatch[] {
  const batches: TelemetryBatch[] = [];
  for (let minute = from; minute < to; minute += MINUTE) {
    const points = [];
    for (let t = minute; t < minute + MINUTE; t += 10_000) {
      const bad = t >= badFrom;
      const wobble = ((t / 10_000) % 7) / 7;
      points.push({
        metric: 'http.server.error.ratio',
        value: bad ? 0.05 + 0.01 * wobble : 0.002 + 0.001 * wobble,
        timestamp: t,
        unit: '1',
        labels: {},
      });
    }
    batches.push({ id: `${service}-${minute}`, service, environment, points, resource: {} });
  }
  return batches;
}

async function produceTelemetry(brokers: string[], batches: TelemetryBatch[]): Promise<void> {
  const messages = await Promise.all(
    batches.map(async (b) => ({ key: b.service, value: await codec.encode('telemetry', b) })),
  );
  await produce(brokers, TOPICS.telemetry, messages);
}

/** A deploy 20 minutes ago that took the error ratio from ~0.2% to ~5%, with 40 minutes of baseline before it. */
// The broker is shared with every other test, whose changes would otherwise be candidates too:
// each deploy here runs in an environment of its own, as a staging stack is kept apart from production.
function aBadDeploy(prefix: string) {
  const service = `${prefix}-${process.pid}-${Date.now().toString(36)}`;
  const environment = `env-${service}`;
  const now = Math.floor(Date.now() / 10_000) * 10_000;
  const t0 = now - 20 * MINUTE;
  const change = aChange({
    id: `${service}-v2`,
    service,
    environment,
    startedAt: t0,
    finishedAt: t0 + MINUTE,
    version: 'v2',
  });
  const telemetry = errorRatioBatches(service, environment, t0 - 40 * MINUTE, now, t0 + MINUTE);
  return { service, environment, t0, change, telemetry };
}

/** The service's final verdict, once published. */
async function finalVerdict(brokers: string[], service: string): Promise<Verdict> {
  const isFinal = (m: SeenMessage) => m.headers['x-aftershock-final'] === 'true';
  const seen = await consumeUntil(
    brokers,
    [TOPICS.verdicts],
    (m) => m.key === service,
    (all) => all.some(isFinal),
    120_000,
  );
  return (await codec.decode('verdict', seen.find(isFinal)!.value)) as Verdict;
}

const decodeAll = (seen: SeenMessage[]) =>
  Promise.all(seen.map((m) => codec.decode('incident', m.value))) as Promise<Incident[]>;

function startCorrelator(brokers: string[]): AppProcess {
  return startProcess('dist/apps/correlator/src/main.js', [], {
    KAFKA_BROKERS: brokers.join(','),
    HTTP_PORT: '0',
  });
}

describe('correlator app on the real broker', () => {
  let brokers: string[];
  let app: AppProcess;

  before(async () => {
    brokers = await testKafkaBrokers();
    app = startCorrelator(brokers);
    await app.waitForLog((l) => l.msg === 'started');
  });

  after(async () => {
    app.child.kill('SIGTERM');
    assert.equal((await app.exited()).code, 0, app.stderr());
  });

  it('a bad deploy: fail verdict, and an incident whose top suspect is the deploy', async () => {
    const { service, environment, t0, change, telemetry: batches } = aBadDeploy('checkout');
    // Telemetry first: a live stack sent it all along; the change is reported 20 minutes after it began.
    await produceTelemetry(brokers, batches);
    await produce(brokers, TOPICS.changes, [{ key: service, value: await codec.encode('change', change) }]);
    const alert = anAlert({
      id: `${service}-alert`,
      fingerprint: `${service}-fp`,
      service,
      environment,
      startsAt: t0 + 5 * MINUTE,
    });
    await produce(brokers, TOPICS.alerts, [{ key: service, value: await codec.encode('alert', alert) }]);

    const verdict = await finalVerdict(brokers, service);
    assert.equal(verdict.changeId, change.id);
    assert.equal(verdict.outcome, 'fail', verdict.summary);

    const events = await consumeUntil(
      brokers,
      [TOPICS.incidents],
      (m) => m.key === service,
      // Done once the newest version holds the alert and the failed verification, whichever came
      // first. The newest, not any: a correlator that restores its state after a rebalance
      // republishes what its replay ended in, which may lack an input consumed but not yet
      // committed, until that input is delivered again.
      async (seen) => {
        const newest = (await decodeAll(seen)).sort((a, b) => b.version - a.version)[0];
        return (
          !!newest &&
          newest.members.some((m) => m.type === 'alert') &&
          newest.members.some((m) => m.type === 'verdict')
        );
      },
    );
    const incidents = await decodeAll(events);
    const latest = incidents.sort((a, b) => b.version - a.version)[0]!;
    assert.equal(new Set(incidents.map((i) => i.id)).size, 1, 'the verdict and the alert share one incident');
    // Its own environment holds no other change: the deploy must lead the "no change" alternative clearly.
    const [top, next] = latest.suspects;
    assert.equal(top!.changeId, change.id);
    assert.ok(
      top!.probability >= 4 * (next?.probability ?? 0),
      JSON.stringify(latest.suspects.map((s) => [s.changeId, s.probability])),
    );
    // The failed verification and the alert are members (anomalies on the same service may join as evidence).
    const types = new Set(latest.members.map((m) => m.type));
    assert.ok(types.has('alert') && types.has('verdict'), JSON.stringify(latest.members));
  });

  it('a comment on an incident resolved long ago is its next version; a command that cannot apply is dead-lettered with the reason', async () => {
    const service = `settled-${process.pid}-${Date.now().toString(36)}`;
    const day = 86_400_000;
    // Resolved three days ago: long forgotten by any correlator (the reopen window is an hour).
    const stored = anIncident({
      id: `inc-${service}`,
      service,
      services: [service],
      status: 'resolved',
      event: 'resolved',
      version: 6,
      severity: 'critical',
      openedAt: Date.now() - 3 * day,
      updatedAt: Date.now() - 3 * day + 40 * MINUTE,
      resolvedAt: Date.now() - 3 * day + 40 * MINUTE,
    });
    const command = (id: string, overrides: Partial<IncidentCommand>) =>
      anIncidentCommand({ id, incidentId: stored.id, service, at: Date.now(), actor: 'ana', ...overrides });
    const note = command(`${service}-note`, { action: 'comment', comment: 'postmortem: pool too small' });
    const lost = {
      ...command(`${service}-lost`, { action: 'comment', comment: 'no stored version with me' }),
      incidentId: `inc-${service}-never-seen`,
    };
    await produce(brokers, TOPICS.incidentCommands, [
      {
        key: service,
        value: await codec.encode('incident-command', {
          ...note,
          incident: await codec.encode('incident', stored),
        }),
      },
      { key: service, value: await codec.encode('incident-command', { ...lost, incident: null }) },
    ]);

    const [version] = await decodeAll(
      await consumeUntil(
        brokers,
        [TOPICS.incidents],
        (m) => m.key === service,
        (seen) => seen.length >= 1,
      ),
    );
    assert.deepEqual(
      [version!.id, version!.version, version!.event, version!.status, version!.comment, version!.severity],
      [stored.id, 7, 'commented', 'resolved', 'postmortem: pool too small', 'critical'],
    );
    const [dead] = await consumeUntil(
      brokers,
      [TOPICS.deadLetters],
      (m) => m.key === service,
      (seen) => seen.length >= 1,
    );
    assert.equal(dead!.headers[DLQ_HEADER.code], 'incident-command.not-applicable');
    assert.match(
      dead!.headers[DLQ_HEADER.reason]!,
      /not held here and the command carries no stored version/,
    );
  });

  it('a merge: one command to each incident’s owner; the duplicate resolves pointing at the target, which takes in its members', async () => {
    const tag = `${process.pid}-${Date.now().toString(36)}`;
    const [from, into] = [`merged-${tag}`, `target-${tag}`];
    const at = Date.now() - 10 * MINUTE;
    const open = (service: string, ref: string) =>
      anIncident({
        id: `inc-${service}`,
        service,
        services: [service],
        version: 3,
        severity: 'high',
        openedAt: at,
        updatedAt: at,
        members: [{ type: 'alert', ref, service, name: 'HighErrorRate', at }],
      });
    const [duplicate, target] = [open(from, `fp-${from}`), open(into, `fp-${into}`)];
    const merge = anIncidentCommand({
      id: `${tag}-merge`,
      incidentId: duplicate.id,
      service: from,
      action: 'merge',
      actor: 'ana',
      at: Date.now(),
      relatedIncidentId: target.id,
    });
    const absorb = {
      ...merge,
      id: `${tag}-absorb`,
      incidentId: target.id,
      service: into,
      action: 'absorb' as const,
      relatedIncidentId: duplicate.id,
    };
    await produce(brokers, TOPICS.incidentCommands, [
      {
        key: from,
        value: await codec.encode('incident-command', {
          ...merge,
          incident: await codec.encode('incident', duplicate),
        }),
      },
      {
        key: into,
        value: await codec.encode('incident-command', {
          ...absorb,
          incident: await codec.encode('incident', target),
          relatedIncident: await codec.encode('incident', duplicate),
        }),
      },
    ]);
    const versions = await decodeAll(
      await consumeUntil(
        brokers,
        [TOPICS.incidents],
        (m) => m.key === from || m.key === into,
        (seen) => new Set(seen.map((m) => m.key)).size >= 2,
      ),
    );
    const of = (id: string) => versions.filter((v) => v.id === id).sort((a, b) => a.version - b.version)[0]!;
    const merged = of(duplicate.id);
    assert.deepEqual(
      [merged.version, merged.event, merged.status, merged.duplicateOf, merged.actor],
      [4, 'merged', 'resolved', target.id, 'ana'],
    );
    const grown = of(target.id);
    assert.deepEqual(
      [grown.version, grown.event, grown.status, grown.mergedFrom, grown.services],
      [4, 'merged', 'open', [duplicate.id], [from, into].sort()],
    );
    assert.deepEqual(grown.members.map((m) => m.ref).sort(), [`fp-${from}`, `fp-${into}`].sort());
  });
});

describe('correlator killed and restarted on the real broker', () => {
  it('carries on from history: the same incident, a real final verdict, no version published twice', async () => {
    const brokers = await testKafkaBrokers();
    const { service, environment, t0, change, telemetry } = aBadDeploy('restart');
    const firstHalf = telemetry.filter((b) => b.points[0]!.timestamp < t0 + 6 * MINUTE);
    const alert = (n: number, at: number) =>
      anAlert({
        id: `${service}-alert-${n}`,
        fingerprint: `${service}-fp-${n}`,
        service,
        environment,
        startsAt: at,
      });
    const incidentsWith = async (fingerprint: string) => {
      const seen = await consumeUntil(
        brokers,
        [TOPICS.incidents],
        (m) => m.key === service,
        async (all) => (await decodeAll(all)).some((i) => i.members.some((m) => m.ref === fingerprint)),
        120_000,
      );
      return decodeAll(seen);
    };

    const first = startCorrelator(brokers);
    await first.waitForLog((l) => l.msg === 'started');
    await produceTelemetry(brokers, firstHalf);
    await produce(brokers, TOPICS.changes, [{ key: service, value: await codec.encode('change', change) }]);
    await produce(brokers, TOPICS.alerts, [
      { key: service, value: await codec.encode('alert', alert(1, t0 + 3 * MINUTE)) },
    ]);
    const before = await incidentsWith(`${service}-fp-1`);
    first.child.kill('SIGKILL');
    await first.exited();

    const second = startCorrelator(brokers);
    try {
      const rebuilt = await second.waitForLog(
        (l) => l.msg === 'correlator state restored' && l.activeIncidents !== undefined,
      );
      assert.ok(Number(rebuilt.activeIncidents) >= 1, JSON.stringify(rebuilt));
      await produceTelemetry(brokers, telemetry.slice(firstHalf.length));
      await produce(brokers, TOPICS.alerts, [
        { key: service, value: await codec.encode('alert', alert(2, t0 + 12 * MINUTE)) },
      ]);
      const events = await incidentsWith(`${service}-fp-2`);
      const known = new Set(before.map((i) => i.id));
      const opened = events.filter((i) => !known.has(i.id)).map((i) => `${i.id} ${i.title}`);
      assert.deepEqual(opened, [], 'no incident was opened after the restart');
      const holder = events.find((i) => i.members.some((m) => m.ref === `${service}-fp-2`))!;
      assert.equal(
        holder.status,
        'open',
        'the alert after the restart joined an open incident from before it',
      );
      const byVersion = new Map<string, Incident>();
      for (const event of events) {
        const key = `${event.id}/${event.version}`;
        const seen = byVersion.get(key);
        if (seen) assert.deepEqual(event, seen, `${key} was published twice, differently`);
        byVersion.set(key, event);
      }
      const final = await finalVerdict(brokers, service);
      assert.equal(
        final.outcome,
        'fail',
        `verified with the baseline from before the restart: ${final.summary}`,
      );
    } finally {
      second.child.kill('SIGTERM');
      assert.equal((await second.exited()).code, 0, second.stderr());
    }
  });
});

describe('known errors reach the responder on the real broker', () => {
  it('an incident told about, then filed into a known error: one follow-up on the same channel within seconds', async () => {
    const brokers = await testKafkaBrokers();
    // A local receiver for the routed webhook channel, recording what it got.
    const got: { service: string; incidentId: string; reason: string; knownError: unknown }[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        got.push(JSON.parse(text));
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'aftershock-known-error-'));
    const routes = join(dir, 'routes.yaml');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    writeFileSync(
      routes,
      `channels:\n  - { name: hook, type: webhook, url: '${url}' }\nroutes:\n  - { channels: [hook] }\n`,
    );
    const app = startProcess('dist/apps/correlator/src/main.js', [], {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
      NOTIFY_ROUTES_FILE: routes,
    });
    const service = `known-${process.pid}-${Date.now().toString(36)}`;
    const until = async (what: string, done: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!done()) {
        if (Date.now() > end) assert.fail(`${what} within ${ms} ms: got ${JSON.stringify(got)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await app.waitForLog((l) => l.msg === 'started');
      const alert = anAlert({
        id: `${service}-alert`,
        fingerprint: `${service}-fp`,
        service,
        environment: `env-${service}`,
        startsAt: Date.now() - MINUTE,
      });
      await produce(brokers, TOPICS.alerts, [{ key: service, value: await codec.encode('alert', alert) }]);
      const ours = () => got.filter((g) => g.service === service);
      await until('the incident opened is told', () => ours().some((g) => g.reason === 'opened'), 60_000);
      const incidentId = ours()[0]!.incidentId;
      const problem = aProblem({
        id: `prb-${service}`,
        signature: `sig-${service}`,
        status: 'known_error',
        title: `Pool exhausted on ${service}`,
        workaround: 'Restart the pods',
        fixChangeId: `${service}-fix`,
        members: [incidentId],
      });
      const sent = Date.now();
      await produce(brokers, TOPICS.problems, [
        { key: problem.signature, value: await codec.encode('problem', problem) },
        { key: problem.signature, value: await codec.encode('problem', { ...problem, version: 2 }) },
      ]);
      const followUps = () => ours().filter((g) => g.reason === 'known_error');
      await until('the known error follows', () => followUps().length > 0, 15_000);
      assert.ok(Date.now() - sent < 15_000);
      assert.deepEqual(followUps()[0]!.knownError, {
        problemId: problem.id,
        title: problem.title,
        workaround: 'Restart the pods',
        fixChangeId: `${service}-fix`,
      });
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(followUps().length, 1, 'one follow-up, not one per problem version');
    } finally {
      app.child.kill('SIGTERM');
      assert.equal((await app.exited()).code, 0, app.stderr());
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
