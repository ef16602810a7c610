// The recorder on the real broker and engine: every canonical event type goes from its topic into
// its table and comes back through the query layer field for field; undecodable input is
// dead-lettered with the reason (and then recorded from the dead-letter topic); whatever is on
// the dead-letter topic is kept, readable or not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toDeadLetterMessage } from '#messaging';
import {
  aChange,
  aChangeContent,
  aDeadLetter,
  anAlert,
  anAssessment,
  anIncident,
  anIncidentCommand,
  aProblem,
  aProblemCommand,
  aTelemetryBatch,
  aVerdict,
  MINUTE,
  T0,
  eventually,
} from '#testing';
import {
  AlertsRepository,
  AssessmentsRepository,
  ChangesRepository,
  DeadLettersRepository,
  IncidentsRepository,
  ProblemsRepository,
  TelemetryRepository,
  VerdictsRepository,
} from '#storage';
import { UNREADABLE_DEAD_LETTER } from '#storage';
import { recorderHarness, type RecorderHarness } from './recorder-test-support.js';

describe('recorder: topics → ClickHouse, field for field', () => {
  let h: RecorderHarness;
  const now = Date.now();

  before(async () => {
    h = await recorderHarness();
    await h.start();
  });
  after(() => h.close());

  it('records every canonical event type as it was published (Avro and JSON)', async () => {
    const changes = [
      aChange({ id: 'c-1', content: aChangeContent({ fix: true, entropy: null }) }),
      aChange({
        id: 'c-2',
        service: 'billing',
        kind: 'config',
        version: null,
        previousVersion: null,
        finishedAt: null,
        scope: 'cluster',
        scopeName: 'eu-1',
        automated: false,
        initiator: null,
        pipeline: null,
        rollout: 'unknown',
        sizeLines: null,
        component: 'db',
        configKeys: ['pool.size', 'timeout'],
        rollbackOf: 'c-0',
        links: [{ name: 'PR', url: 'https://example.com/pr/1' }],
        labels: { team: 'money', 'app.kubernetes.io/name': 'billing' },
        commitAt: null,
        team: null,
      }),
      aChange({
        id: 'c-3',
        pipeline: {
          name: null,
          runId: null,
          url: null,
          testsPassed: null,
          testsRun: null,
          testsFailed: null,
        },
      }),
    ];
    const alerts = [
      anAlert({ id: 'a-1' }),
      anAlert({
        id: 'a-2',
        status: 'resolved',
        endsAt: T0 + 9 * MINUTE,
        annotations: { runbook: 'x' },
        link: 'https://x',
        team: 't',
        runbookUrl: 'https://rb',
      }),
    ];
    const telemetry = [
      aTelemetryBatch({
        id: 'tb-1',
        service: 'checkout',
        resource: { 'k8s.cluster.name': 'eu-1' },
        points: [
          {
            metric: 'latency.p95',
            value: 0.125,
            timestamp: now - 5 * MINUTE,
            unit: 's',
            labels: { route: '/pay' },
          },
          {
            metric: 'latency.p95',
            value: 0.25,
            timestamp: now - 4 * MINUTE,
            unit: 's',
            labels: { route: '/pay' },
          },
          { metric: 'requests', value: 1234.5, timestamp: now - 4 * MINUTE, unit: null, labels: {} },
        ],
      }),
    ];
    const verdicts = [
      aVerdict({ id: 'c-1/1', changeId: 'c-1', look: 1, final: false, outcome: 'inconclusive' }),
      aVerdict({
        id: 'c-1/2',
        changeId: 'c-1',
        look: 2,
        metrics: [
          ...aVerdict().metrics,
          {
            metric: 'latency',
            outcome: 'pass',
            test: 'mann-whitney',
            pValue: null,
            effect: null,
            baselineValue: null,
            observedValue: null,
            reason: 'no change',
          },
        ],
      }),
    ];
    const incident = anIncident({
      id: 'inc-1',
      services: ['checkout', 'payments'],
      suspects: [
        { ...anIncident().suspects[0]!, component: 'payment-gateway' },
        { changeId: null, service: null, kind: null, component: null, probability: 0.17, evidence: [] },
      ],
      members: [
        ...anIncident().members,
        { type: 'verdict', ref: 'c-1/2', service: 'checkout', name: 'verdict', at: T0 + 20 * MINUTE },
      ],
      actor: 'ann',
      comment: 'looking',
      team: 'payments',
      resolvedAt: T0 + HOUR,
      labels: { route: '/api/checkout', region: 'eu-west-1' },
    });
    const problem = aProblem({
      id: 'prb-1',
      mttrMs: null,
      periodMs: null,
      workaround: 'restart',
      fixChangeId: 'c-9',
      reopened: true,
      actor: 'bob',
    });
    const assessment = anAssessment({ changeId: 'c-1', team: 'payments' });
    const command = anIncidentCommand({
      incidentId: 'inc-1',
      action: 'severity',
      severity: 'high',
      comment: 'worse',
    });
    const problemCommand = aProblemCommand({
      action: 'known_error',
      workaround: 'restart the pool',
      fixChangeId: 'c-9',
    });

    await h.publish('change', changes.slice(0, 2));
    await h.publish('change', changes.slice(2), 'json');
    await h.publish('alert', alerts, 'json');
    await h.publish('telemetry', telemetry);
    await h.publish('verdict', verdicts);
    await h.publish('incident', [incident]);
    await h.publish('incident-command', [command]);
    await h.publish('problem', [problem], 'json');
    await h.publish('problem-command', [problemCommand]);
    await h.publish('assessment', [assessment]);

    const store = h.ch.store;
    await eventually(async () => {
      assert.deepEqual(sortById(await new ChangesRepository(store).byIds(['c-1', 'c-2', 'c-3'])), changes);
      assert.deepEqual(
        sortById(
          await new AlertsRepository(store).list({ from: T0 - HOUR, to: T0 + HOUR, service: 'checkout' }),
        ),
        alerts,
      );
      const points = await new TelemetryRepository(store).points({
        service: 'checkout',
        from: now - HOUR,
        to: now,
      });
      assert.deepEqual(
        points,
        telemetry[0]!.points
          .map((p) => ({
            ...p,
            service: 'checkout',
            environment: 'production',
            resource: { 'k8s.cluster.name': 'eu-1' },
          }))
          .sort((a, b) => a.metric.localeCompare(b.metric) || a.timestamp - b.timestamp),
      );
      assert.deepEqual(await new VerdictsRepository(store).byChange('c-1'), verdicts);
      const detail = await new IncidentsRepository(store).detail('inc-1');
      assert.deepEqual(detail?.incident, incident);
      assert.deepEqual(detail?.commands, [command]);
      const withMembers = await new ProblemsRepository(store).withMembers('prb-1');
      assert.deepEqual(withMembers?.problem, problem);
      assert.deepEqual(withMembers?.commands, [problemCommand]);
      assert.deepEqual(await new AssessmentsRepository(store).byChange('c-1'), [assessment]);
    });
  });

  it('dead-letters what cannot be decoded, with the reason, and records that dead letter too', async () => {
    await h.bus.send(h.topics.change, [
      { key: 'checkout', value: 'this is not a change' },
      { key: 'checkout', value: JSON.stringify({ ...aChange({ id: 'c-bad' }), startedAt: 'yesterday' }) },
    ]);
    const letters = await eventually(async () => {
      const found = await new DeadLettersRepository(h.ch.store).list({
        from: now - HOUR,
        to: Date.now() + MINUTE,
        source: h.topics.change,
      });
      assert.equal(found.length, 2);
      return found;
    });
    const byValue = new Map(letters.map((l) => [l.value?.toString(), l]));
    const garbage = byValue.get('this is not a change')!;
    assert.equal(garbage.code, 'decode.unknown-format');
    assert.match(garbage.reason, /neither Avro .* nor a JSON object/);
    assert.equal(garbage.key?.toString(), 'checkout');
    assert.match(garbage.id, new RegExp(`^${h.topics.change.replaceAll('.', '\\.')}/\\d/\\d+$`));
    const invalid = [...byValue.values()].find((l) => l !== garbage)!;
    assert.match(invalid.reason, /startedAt/);
    assert.equal(await new ChangesRepository(h.ch.store).get('c-bad'), undefined, 'no row for refused input');
  });

  it('keeps every kind of message of the dead-letter topic: records, DeadLetter events, and the unreadable raw', async () => {
    const record = toDeadLetterMessage(
      {
        message: {
          topic: 'raw.github',
          partition: 3,
          offset: '41',
          key: Buffer.from('k'),
          value: Buffer.from([0xff, 0x00, 0x7b]),
          headers: { 'x-github-event': 'deployment_status' },
          timestamp: now - 2 * MINUTE,
        },
        code: 'decode.json',
        reason: 'not valid JSON',
      },
      'aftershock-ingest',
    );
    const event = aDeadLetter({
      id: 'dl-event',
      source: 'raw.pagerduty',
      receivedAt: now - MINUTE,
      headers: { a: 'b' },
    });
    await h.bus.send(h.topics['dead-letter'], [
      record,
      {
        key: null,
        value: await (await import('./recorder-test-support.js')).codec.encode('dead-letter', event),
      },
      { key: 'x', value: Buffer.from('\u0000garbage'), headers: { h: 'v' } },
    ]);
    const repo = new DeadLettersRepository(h.ch.store);
    const window = { from: now - HOUR, to: Date.now() + MINUTE };
    await eventually(async () => {
      const [fromRecord] = await repo.list({ ...window, source: 'raw.github' });
      assert.deepEqual(
        { ...fromRecord, receivedAt: 0 },
        {
          id: 'raw.github/3/41',
          receivedAt: 0,
          source: 'raw.github',
          partition: 3,
          offset: '41',
          code: 'decode.json',
          reason: 'not valid JSON',
          key: Buffer.from('k'),
          value: Buffer.from([0xff, 0x00, 0x7b]),
          headers: { 'x-github-event': 'deployment_status' },
          app: 'aftershock-ingest',
          messageAt: now - 2 * MINUTE,
        },
      );
      assert.deepEqual(await repo.list({ ...window, source: 'raw.pagerduty' }), [
        { ...event, messageAt: null },
      ]);
      const [raw] = await repo.list({
        ...window,
        source: h.topics['dead-letter'],
        code: UNREADABLE_DEAD_LETTER,
      });
      assert.equal(raw?.value?.toString(), '\u0000garbage');
      assert.deepEqual(raw?.headers, { h: 'v' });
      assert.match(raw!.reason, /neither a dead-letter record nor a DeadLetter event/);
    });
  });
});

const HOUR = 60 * MINUTE;

function sortById<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}
