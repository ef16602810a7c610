// The query layer on the real engine (chDB here; the server at CLICKHOUSE_URL when set): rows
// written as the recorder writes them, read back through the repositories and their reviewed
// SQL. Mutable records are written in several versions and read before any merge, so every
// read must see only the newest version (FINAL).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseStore } from '#storage';
import { runMigrations } from '#storage';
import {
  aChange,
  aDeadLetter,
  anAlert,
  anAssessment,
  anIncident,
  anIncidentCommand,
  aProblem,
  aVerdict,
  MINUTE,
  T0,
  testClickHouse,
  type TestClickHouse,
} from '#testing';
import {
  deadLetterRowFromEvent,
  TABLES,
  toAlertRow,
  toAssessmentRow,
  toChangeRow,
  toIncidentCommandRow,
  toIncidentRow,
  toProblemRow,
  toTelemetryPointRows,
  toVerdictRow,
  type RecordSource,
} from '../records/index.js';
import {
  AlertsRepository,
  AssessmentsRepository,
  ChangesRepository,
  DeadLettersRepository,
  DoraRepository,
  IncidentsRepository,
  ProblemsRepository,
  TelemetryRepository,
  VerdictsRepository,
} from './index.js';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const source = (timestamp: number): RecordSource => ({ topic: 't', partition: 0, offset: '0', timestamp });

describe('repositories', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;
  const insert = (table: string, rows: object[]) => store.insert(table, rows);

  before(async () => {
    ch = await testClickHouse();
    store = ch.store;
    await runMigrations(store);
  });
  after(() => ch.cleanup());

  describe('changes', () => {
    before(async () => {
      await insert(TABLES.changes, [
        toChangeRow(aChange({ id: 'c1', startedAt: T0, finishedAt: null }), source(T0)),
        toChangeRow(aChange({ id: 'c2', startedAt: T0 + HOUR, pipeline: null }), source(T0 + HOUR)),
        toChangeRow(
          aChange({ id: 'c3', service: 'billing', kind: 'config', startedAt: T0 + 2 * HOUR }),
          source(T0),
        ),
      ]);
      // A later report of c1: finished now. Same id, a newer record.
      await insert(TABLES.changes, [
        toChangeRow(
          aChange({ id: 'c1', startedAt: T0, finishedAt: T0 + 5 * MINUTE }),
          source(T0 + 5 * MINUTE),
        ),
      ]);
    });

    it('lists a service’s changes in a time range, newest first, each in its newest version', async () => {
      const repo = new ChangesRepository(store);
      const changes = await repo.list({ from: T0, to: T0 + DAY, services: ['checkout'] });
      assert.deepEqual(
        changes.map((c) => c.id),
        ['c2', 'c1'],
      );
      assert.deepEqual(changes[1], aChange({ id: 'c1', startedAt: T0, finishedAt: T0 + 5 * MINUTE }));
      assert.deepEqual(changes[0], aChange({ id: 'c2', startedAt: T0 + HOUR, pipeline: null }));
      assert.deepEqual(
        (await repo.list({ from: T0, to: T0 + DAY, kinds: ['config'] })).map((c) => c.id),
        ['c3'],
      );
      assert.deepEqual(
        (await repo.list({ from: T0 + HOUR, to: T0 + 2 * HOUR })).map((c) => c.id),
        ['c2'],
      );
      assert.equal((await repo.get('c3'))?.service, 'billing');
    });
  });

  describe('incidents and problems', () => {
    before(async () => {
      const opened = anIncident({ id: 'inc-1', version: 1 });
      await insert(TABLES.incidents, [toIncidentRow(opened)]);
      await insert(TABLES.incidents, [
        toIncidentRow({ ...opened, version: 2, event: 'acknowledged', status: 'acknowledged', actor: 'ann' }),
      ]);
      await insert(TABLES.incidents, [
        toIncidentRow({
          ...opened,
          version: 3,
          event: 'resolved',
          status: 'resolved',
          resolvedAt: T0 + 40 * MINUTE,
          updatedAt: T0 + 40 * MINUTE,
        }),
        toIncidentRow(
          anIncident({
            id: 'inc-2',
            service: 'payments',
            services: ['payments', 'checkout'],
            severity: 'warning',
            openedAt: T0 + HOUR,
            updatedAt: T0 + HOUR,
            suspects: [],
          }),
        ),
        toIncidentRow(
          anIncident({ id: 'inc-3', service: 'search', services: ['search'], openedAt: T0 + 2 * HOUR }),
        ),
      ]);
      await insert(TABLES.problems, [
        toProblemRow(aProblem({ id: 'prb-1', version: 1, members: ['inc-1'] })),
      ]);
      await insert(TABLES.problems, [
        toProblemRow(
          aProblem({ id: 'prb-1', version: 2, status: 'problem', members: ['inc-1', 'inc-2'], count: 2 }),
        ),
        toProblemRow(aProblem({ id: 'prb-2', impact: 999, members: ['inc-3'], services: ['search'] })),
      ]);
    });

    it('filters on the newest version only: a resolved incident is no longer open', async () => {
      const repo = new IncidentsRepository(store);
      const window = { from: T0 - DAY, to: T0 + DAY };
      const open = await repo.list({ ...window, statuses: ['open'] });
      assert.deepEqual(
        open.items.map((i) => i.id),
        ['inc-3', 'inc-2'],
      );
      const resolved = await repo.list({ ...window, statuses: ['resolved'] });
      assert.deepEqual(
        resolved.items.map((i) => [i.id, i.version]),
        [['inc-1', 3]],
      );
    });

    it('filters by affected service, severity and time, and pages with a total', async () => {
      const repo = new IncidentsRepository(store);
      const window = { from: T0 - DAY, to: T0 + DAY };
      assert.deepEqual(
        (await repo.list({ ...window, service: 'checkout' })).items.map((i) => i.id),
        ['inc-2', 'inc-1'],
      );
      assert.deepEqual(
        (await repo.list({ ...window, severities: ['warning'] })).items.map((i) => i.id),
        ['inc-2'],
      );
      // inc-1 was resolved at T0+40m: not open during [T0+50m, T0+3h).
      assert.deepEqual(
        (await repo.list({ from: T0 + 50 * MINUTE, to: T0 + 3 * HOUR })).items.map((i) => i.id),
        ['inc-3', 'inc-2'],
      );
      const page = await repo.list({ ...window, limit: 1, offset: 1 });
      assert.deepEqual([page.items.map((i) => i.id), page.total], [['inc-2'], 3]);
      const top = (await repo.list({ ...window, service: 'search' })).items[0]!.topSuspect;
      assert.deepEqual(top, {
        changeId: 'chg-1',
        service: 'checkout',
        kind: 'deployment',
        probability: 0.83,
      });
    });

    it('gives the detail: newest version, suspects with evidence and their changes, timeline, problems', async () => {
      await insert(TABLES.changes, [toChangeRow(aChange({ id: 'chg-1' }), source(T0))]);
      await insert(TABLES.incidentCommands, [toIncidentCommandRow(anIncidentCommand({ comment: 'on it' }))]);
      const detail = await new IncidentsRepository(store).detail('inc-1');
      assert.ok(detail);
      assert.equal(detail.incident.version, 3);
      assert.deepEqual(detail.incident.suspects, anIncident().suspects);
      assert.deepEqual(detail.incident.members, anIncident().members);
      assert.deepEqual(Object.keys(detail.suspectChanges), ['chg-1']);
      assert.deepEqual(
        detail.timeline.map((t) => [t.version, t.event, t.status, t.actor, t.topSuspect]),
        [
          [1, 'opened', 'open', null, 'chg-1'],
          [2, 'acknowledged', 'acknowledged', 'ann', 'chg-1'],
          [3, 'resolved', 'resolved', null, 'chg-1'],
        ],
      );
      assert.deepEqual(detail.commands, [anIncidentCommand({ comment: 'on it' })]);
      assert.deepEqual(detail.problemIds, ['prb-1']);
      assert.equal(await new IncidentsRepository(store).detail('nope'), undefined);
    });

    it('lists problems by impact and gives one with its member incidents', async () => {
      const repo = new ProblemsRepository(store);
      assert.deepEqual(
        (await repo.list()).map((p) => [p.id, p.version]),
        [
          ['prb-2', 1],
          ['prb-1', 2],
        ],
      );
      assert.deepEqual(
        (await repo.list({ statuses: ['problem'] })).map((p) => p.id),
        ['prb-1'],
      );
      assert.deepEqual(
        (await repo.list({ service: 'search' })).map((p) => p.id),
        ['prb-2'],
      );
      const one = await repo.withMembers('prb-1');
      assert.deepEqual(
        one?.problem,
        aProblem({ id: 'prb-1', version: 2, status: 'problem', members: ['inc-1', 'inc-2'], count: 2 }),
      );
      assert.deepEqual(
        one?.members.map((m) => [m.id, m.status]),
        [
          ['inc-2', 'open'],
          ['inc-1', 'resolved'],
        ],
      );
      assert.deepEqual(await repo.ofIncident('inc-3'), ['prb-2']);
    });
  });

  describe('verdicts, assessments, alerts, dead letters', () => {
    it('reads every look at a change and the final one', async () => {
      await insert(TABLES.verdicts, [
        toVerdictRow(
          aVerdict({ id: 'v-c9/1', changeId: 'c9', look: 1, final: false, outcome: 'inconclusive' }),
        ),
        toVerdictRow(aVerdict({ id: 'v-c9/2', changeId: 'c9', look: 2, final: true })),
      ]);
      const repo = new VerdictsRepository(store);
      assert.deepEqual(
        (await repo.byChange('c9')).map((v) => v.look),
        [1, 2],
      );
      assert.deepEqual(
        await repo.latest('c9'),
        aVerdict({ id: 'v-c9/2', changeId: 'c9', look: 2, final: true }),
      );
      const recent = await repo.list({ from: T0, to: T0 + DAY, finalOnly: true, service: 'checkout' });
      assert.deepEqual(
        recent.map((v) => v.id),
        ['v-c9/2'],
      );
    });

    it('reads assessments, alerts and dead letters back as they were', async () => {
      const now = Date.now();
      await insert(TABLES.assessments, [toAssessmentRow(anAssessment({ changeId: 'c9' }))]);
      await insert(TABLES.alerts, [toAlertRow(anAlert({ id: 'a1', fingerprint: 'fp-9' }), source(T0))]);
      const dead = aDeadLetter({ receivedAt: now - MINUTE });
      await insert(TABLES.deadLetters, [deadLetterRowFromEvent(dead)]);
      assert.deepEqual(await new AssessmentsRepository(store).byChange('c9'), [
        anAssessment({ changeId: 'c9' }),
      ]);
      const alerts = await new AlertsRepository(store).list({ from: T0, to: T0 + DAY, fingerprint: 'fp-9' });
      assert.deepEqual(alerts, [anAlert({ id: 'a1', fingerprint: 'fp-9' })]);
      const letters = await new DeadLettersRepository(store).list({
        from: now - HOUR,
        to: now,
        source: dead.source,
      });
      assert.deepEqual(letters, [{ ...dead, messageAt: null }]);
    });
  });

  describe('DORA aggregates', () => {
    it('counts changes and failures per service, time to restore and lead time', async () => {
      const start = T0 + 10 * DAY;
      const deploy = (id: string, service: string, offsetMin: number, extra = {}) =>
        toChangeRow(
          aChange({
            id,
            service,
            startedAt: start + offsetMin * MINUTE,
            finishedAt: start + (offsetMin + 10) * MINUTE,
            commitAt: start + (offsetMin - 60) * MINUTE,
            ...extra,
          }),
          source(start),
        );
      await insert(TABLES.changes, [
        deploy('d1', 'orders', 0), // fails its verdict
        deploy('d2', 'orders', 60), // causes an incident
        deploy('d3', 'orders', 120), // rolled back by r1
        deploy('d4', 'orders', 180), // fine
        deploy('r1', 'orders', 200, { kind: 'rollback', rollbackOf: 'd3' }),
        deploy('d5', 'shipping', 0, { commitAt: null }),
      ]);
      await insert(TABLES.verdicts, [
        toVerdictRow(aVerdict({ id: 'd1/1', changeId: 'd1', outcome: 'fail', final: true })),
      ]);
      const incident = (id: string, changeId: string, probability: number, minutes: number | null) =>
        toIncidentRow(
          anIncident({
            id,
            service: 'orders',
            openedAt: start + 70 * MINUTE,
            resolvedAt: minutes === null ? null : start + (70 + minutes) * MINUTE,
            suspects: [
              {
                changeId: null,
                service: null,
                kind: null,
                component: null,
                probability: 1 - probability,
                evidence: [],
              },
              { changeId, service: 'orders', kind: 'deployment', component: null, probability, evidence: [] },
            ],
          }),
        );
      await insert(TABLES.incidents, [
        incident('i-d2', 'd2', 0.7, 30),
        incident('i-d4', 'd4', 0.2, 10),
        incident('i-open', 'd4', 0.1, null),
      ]);

      const dora = new DoraRepository(store);
      const window = { from: start - HOUR, to: start + DAY };
      const figures = await dora.figures(window);
      const orders = figures.find((f) => f.service === 'orders')!;
      assert.deepEqual(
        { ...orders.changeFailures },
        {
          service: 'orders',
          changes: 4,
          deployments: 4,
          failures: 3,
          failureRate: 0.75,
          failedVerdicts: 1,
          causedIncidents: 1,
          rolledBack: 1,
        },
      );
      assert.equal(orders.deploymentsPerDay, 4 / (25 / 24));
      assert.deepEqual(
        { ...orders.restore },
        {
          service: 'orders',
          incidents: 3,
          restored: 2,
          meanMs: 20 * MINUTE,
          medianMs: 20 * MINUTE,
          p90Ms: 28 * MINUTE,
        },
      );
      assert.deepEqual(
        { ...orders.leadTime },
        { service: 'orders', deployments: 4, meanMs: 70 * MINUTE, medianMs: 70 * MINUTE, p90Ms: 70 * MINUTE },
      );
      const shipping = figures.find((f) => f.service === 'shipping')!;
      assert.equal(shipping.changeFailures.failures, 0);
      assert.equal(shipping.leadTime, null);
    });
  });

  describe('metric series', () => {
    // Relative to now: the raw table keeps 30 days.
    const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const start = end - DAY;
    before(async () => {
      const points = [];
      for (let t = start; t < end; t += 10_000) {
        points.push({
          metric: 'latency',
          value: (t / 10_000) % 7,
          timestamp: t,
          unit: 's',
          labels: { route: '/a' },
        });
        points.push({
          metric: 'latency',
          value: 100 + ((t / 10_000) % 3),
          timestamp: t,
          unit: 's',
          labels: { route: '/b' },
        });
      }
      await insert(
        TABLES.telemetryPoints,
        toTelemetryPointRows({ id: 'b', service: 'api', environment: 'production', points, resource: {} }),
      );
    });

    it('picks raw points for hours, minutes for a day, hours for a week', async () => {
      const repo = new TelemetryRepository(store);
      const raw = await repo.series({ service: 'api', metric: 'latency', from: end - HOUR, to: end });
      assert.equal(raw.resolution, 'raw');
      assert.deepEqual(
        raw.series.map((s) => [s.labels.route, s.points.length, s.unit]),
        [
          ['/a', 360],
          ['/b', 360],
        ]
          .sort(bySeries(raw))
          .map(([r, n]) => [r, n, 's']),
      );
      const minutes = await repo.series({ service: 'api', metric: 'latency', from: start, to: end });
      assert.equal(minutes.resolution, '1m');
      for (const s of minutes.series) {
        assert.equal(s.points.length, 24 * 60);
        assert.ok(s.points.every((p) => p.count === 6));
      }
      const hours = await repo.series({ service: 'api', metric: 'latency', from: end - 8 * DAY, to: end });
      assert.equal(hours.resolution, '1h');
      const b = hours.series.find((s) => s.labels.route === '/b')!;
      assert.equal(b.points.length, 24);
      assert.deepEqual([b.points[0]!.min, b.points[0]!.max, b.points[0]!.count], [100, 102, 360]);
      const one = await repo.series({
        service: 'api',
        metric: 'latency',
        from: start,
        to: end,
        environment: 'staging',
      });
      assert.deepEqual(one.series, []);
    });
  });
});

/** Series come back ordered by their hash: compare in that order. */
function bySeries(result: { series: { labels: Record<string, string> }[] }) {
  const order = result.series.map((s) => s.labels.route);
  return (a: (string | number)[], b: (string | number)[]) =>
    order.indexOf(String(a[0])) - order.indexOf(String(b[0]));
}
