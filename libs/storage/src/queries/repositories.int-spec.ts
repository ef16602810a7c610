// The query layer on the real engine (chDB here; the server at CLICKHOUSE_URL when set): rows
// written as the recorder writes them, read back through the repositories and their reviewed
// SQL — every query file is run here or in telemetry-storage.int-spec. Mutable records are
// written in several versions and read before any merge, so every read must see only the newest
// version (FINAL); the history of versions is read also after a merge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Incident, Problem } from '#contracts';
import type { ClickHouseStore } from '#storage';
import {
  aChange,
  aDeadLetter,
  anAlert,
  anAssessment,
  anIncident,
  anIncidentCommand,
  aProblem,
  aProblemCommand,
  aVerdict,
  MINUTE,
  T0,
} from '#testing';
import { migratedTestClickHouse, type TestClickHouse } from '#testing/infra';
import {
  deadLetterRowFromEvent,
  TABLES,
  toAlertRow,
  toAssessmentRow,
  toChangeRow,
  toIncidentCommandRow,
  toIncidentRow,
  toProblemCommandRow,
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
  collectScan,
  DoraRepository,
  IncidentsRepository,
  type IncidentsFilter,
  ProblemHistoryRepository,
  ProblemsRepository,
  RecorderIntentsRepository,
  TelemetryRepository,
  VerdictsRepository,
  type ScanRange,
} from './index.js';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const source = (timestamp: number): RecordSource => ({ topic: 't', partition: 0, offset: '0', timestamp });

describe('repositories', () => {
  let ch: TestClickHouse;
  let store: ClickHouseStore;
  const insert = (table: string, rows: object[]) => store.insert(table, rows);

  before(async () => {
    ch = await migratedTestClickHouse();
    store = ch.store;
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

    it('pages newest first from where the previous page ended, equal starts by id', async () => {
      const start = T0 - 4 * DAY;
      const at = { p1: start, p2: start + HOUR, p3: start + HOUR, p4: start + HOUR, p5: start + 2 * HOUR };
      await insert(
        TABLES.changes,
        Object.entries(at).map(([id, t]) =>
          toChangeRow(aChange({ id, service: 'ledger', startedAt: t }), source(t)),
        ),
      );
      const repo = new ChangesRepository(store);
      const query = { from: start, to: start + DAY, services: ['ledger'], limit: 2 };
      const pages: string[][] = [];
      let after: { startedAt: number; id: string } | undefined;
      for (;;) {
        const page = await repo.list({ ...query, after });
        if (page.length === 0) break;
        pages.push(page.map((c) => c.id));
        after = { startedAt: page.at(-1)!.startedAt, id: page.at(-1)!.id };
      }
      assert.deepEqual(pages, [['p5', 'p2'], ['p3', 'p4'], ['p1']]);
      assert.deepEqual(await repo.list({ ...query, limit: 1 }), [
        aChange({ id: 'p5', service: 'ledger', startedAt: start + 2 * HOUR }),
      ]);
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

    it('finds incidents by text in the title or summary, by id, and by a suspect change', async () => {
      const repo = new IncidentsRepository(store);
      const window = { from: T0 - DAY, to: T0 + DAY };
      const ids = async (filter: { text?: string; change?: string }) =>
        (await repo.list({ ...window, ...filter })).items.map((i) => i.id);
      assert.deepEqual(await ids({ text: 'errorRATE on check' }), ['inc-3', 'inc-2', 'inc-1']);
      assert.deepEqual(await ids({ text: 'inc-2' }), ['inc-2']);
      assert.deepEqual(await ids({ text: 'no such words' }), []);
      assert.deepEqual(await ids({ change: 'chg-1' }), ['inc-3', 'inc-1'], 'inc-2 has no suspects');
      assert.deepEqual(await ids({ change: 'chg-1', text: 'inc-3' }), ['inc-3']);
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

    it('gives when people first responded: the first acknowledgement, none for an incident still open', async () => {
      const first = await new IncidentsRepository(store).firstResponses(['inc-1', 'inc-2', 'nope']);
      assert.deepEqual(
        [...first],
        [['inc-1', anIncident().updatedAt]],
        'version 2 acknowledged it, before the resolution',
      );
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
      await insert(TABLES.verdicts, [
        toVerdictRow(aVerdict({ id: 'v-c8/1', changeId: 'c8', look: 1, final: false })),
      ]);
      const repo = new VerdictsRepository(store);
      assert.deepEqual(
        (await repo.byChange('c9')).map((v) => v.look),
        [1, 2],
      );
      assert.deepEqual(
        (await repo.byChanges(['c9', 'c8', 'none'])).map((v) => v.id),
        ['v-c8/1', 'v-c9/1', 'v-c9/2'],
      );
      assert.deepEqual(await repo.byChanges([]), []);
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

    it('reads the newest assessment of each change, and what the gate said of the changes assessed in a range', async () => {
      const at = T0 - 5 * DAY;
      const older = anAssessment({ id: 'asm-x1-a', changeId: 'x1', probability: 0.5, assessedAt: at - HOUR });
      const newer = anAssessment({ id: 'asm-x1-b', changeId: 'x1', probability: 0.2, assessedAt: at });
      const other = anAssessment({ id: 'asm-x2', changeId: 'x2', service: 'search', assessedAt: at + HOUR });
      await insert(TABLES.assessments, [newer, older, other].map(toAssessmentRow));
      const repo = new AssessmentsRepository(store);
      assert.deepEqual(await repo.latestByChanges(['x2', 'x1', 'none']), [newer, other]);
      assert.deepEqual(await repo.latestByChanges([]), []);
      assert.deepEqual(await repo.assessedBetween({ from: at - 2 * HOUR, to: at + HOUR }), [
        { changeId: 'x1', service: 'checkout', probability: 0.5, assessedAt: at - HOUR },
        { changeId: 'x1', service: 'checkout', probability: 0.2, assessedAt: at },
      ]);
      assert.deepEqual(await repo.assessedBetween({ from: at - 2 * HOUR, to: at + 2 * HOUR }, 'search'), [
        { changeId: 'x2', service: 'search', probability: 0.04, assessedAt: at + HOUR },
      ]);
    });

    it('gives the latest transition of each alert asked for, in one query', async () => {
      const at = T0 + 3 * DAY;
      const transition = (id: string, service: string, fingerprint: string, startsAt: number) =>
        toAlertRow(anAlert({ id, service, fingerprint, startsAt }), source(at));
      await insert(TABLES.alerts, [
        transition('x1', 'checkout', 'fp-x', at),
        transition('x2', 'checkout', 'fp-x', at + HOUR),
        transition('y1', 'cart', 'fp-y', at + 2 * HOUR),
        // The same fingerprint on another service is another alert.
        transition('x3', 'cart', 'fp-x', at + 3 * HOUR),
        transition('z1', 'cart', 'fp-z', at + 4 * HOUR),
      ]);
      const repo = new AlertsRepository(store);
      const latest = await repo.latest({
        from: at - HOUR,
        to: at + DAY,
        alerts: [
          { service: 'checkout', fingerprint: 'fp-x' },
          { service: 'cart', fingerprint: 'fp-y' },
          { service: 'cart', fingerprint: 'fp-none' },
        ],
      });
      assert.deepEqual(
        latest.map((a) => a.id),
        ['y1', 'x2'],
      );
      assert.deepEqual(await repo.latest({ from: at - HOUR, to: at + DAY, alerts: [] }), []);
    });
  });

  describe('triage and problem rankings', () => {
    // Monday 00:00 UTC: the range [W, W + 1 day) and the day before it lie in different weeks.
    const W = T0 - 12 * HOUR;
    const triage = (id: string, hours: number, extra: Partial<Incident> = {}) =>
      anIncident({
        id,
        service: 'triage',
        services: ['triage'],
        openedAt: W + hours * HOUR,
        updatedAt: W + hours * HOUR,
        ...extra,
      });
    const incidents = {
      ta: triage('t-a', 3, { severity: 'warning' }),
      tb: triage('t-b', 1),
      tc: triage('t-c', 4, { version: 2, status: 'acknowledged' }),
      td: triage('t-d', 2, { status: 'resolved', resolvedAt: W + 5 * HOUR, updatedAt: W + 5 * HOUR }),
      te: triage('t-e', 2),
      // Before the range, resolved before it starts.
      old1: triage('old-1', -12, { status: 'resolved', resolvedAt: W - HOUR }),
      old2: triage('old-2', -6, { status: 'resolved', resolvedAt: W - HOUR }),
    };
    const problem = (id: string, impact: number, members: string[], extra: Partial<Problem> = {}) =>
      aProblem({ id, impact, members, services: ['triage'], updatedAt: W + HOUR, ...extra });
    const problems = {
      a: problem('pr-a', 10, ['t-a', 't-b', 't-e'], { version: 2, status: 'problem' }),
      b: problem('pr-b', 50, ['t-c', 'old-1', 'old-2']),
      c: problem('pr-c', 30, ['old-1'], { status: 'known_error' }),
      d: problem('pr-d', 5, ['never-recorded'], { status: 'resolved', updatedAt: W - 10 * DAY }),
    };

    before(async () => {
      // Earlier versions first, each its own insert (as the recorder writes them).
      await insert(TABLES.incidents, [toIncidentRow({ ...incidents.tc, version: 1, status: 'open' })]);
      await insert(TABLES.incidents, Object.values(incidents).map(toIncidentRow));
      await insert(TABLES.problems, [toProblemRow({ ...problems.a, version: 1, status: 'candidate' })]);
      await insert(TABLES.problems, Object.values(problems).map(toProblemRow));
    });

    it('ranks incidents as people triage them: open, acknowledged, resolved; most severe; newest', async () => {
      const repo = new IncidentsRepository(store);
      const range = { from: W, to: W + DAY, service: 'triage' };
      const { ta, tb, tc, td, te } = incidents;
      assert.deepEqual(await repo.ranked(range), [te, tb, ta, tc, td]);
      assert.deepEqual(
        (await repo.ranked({ ...range, limit: 2, offset: 2 })).map((i) => i.id),
        ['t-a', 't-c'],
      );
      assert.deepEqual(
        (await repo.ranked({ ...range, statuses: ['open'], severities: ['critical'] })).map((i) => i.id),
        ['t-e', 't-b'],
      );
      // t-d was resolved at W+5h: not open in [W+6h, …).
      assert.deepEqual(
        (await repo.ranked({ ...range, from: W + 6 * HOUR })).map((i) => i.id),
        ['t-e', 't-b', 't-a', 't-c'],
      );
    });

    it('ranks problems by impact, by members in the range, or by growth against the range before', async () => {
      const repo = new ProblemsRepository(store);
      const query = { from: W, to: W + DAY, service: 'triage', activeOnly: false, sort: 'impact' as const };
      const figures = (rows: { id: string; inRange: number; previous: number; growth: number }[]) =>
        rows.map((r) => [r.id, r.inRange, r.previous, r.growth]);
      assert.deepEqual(figures(await repo.ranked(query)), [
        ['pr-b', 1, 2, -1],
        ['pr-c', 0, 1, -1],
        ['pr-a', 3, 0, 3],
        ['pr-d', 0, 0, 0],
      ]);
      const ids = async (extra: object) => (await repo.ranked({ ...query, ...extra })).map((r) => r.id);
      assert.deepEqual(await ids({ sort: 'count' }), ['pr-a', 'pr-b', 'pr-c', 'pr-d']);
      assert.deepEqual(await ids({ sort: 'growth' }), ['pr-a', 'pr-d', 'pr-b', 'pr-c']);
      assert.deepEqual(await ids({ activeOnly: true }), ['pr-b', 'pr-a']);
      assert.deepEqual(await ids({ statuses: ['candidate', 'known_error'] }), ['pr-b', 'pr-c']);
      assert.deepEqual(await ids({ limit: 1, offset: 1 }), ['pr-c']);
    });

    it('reads problems by id, those the risk model needs, and recurrence per week', async () => {
      const repo = new ProblemsRepository(store);
      assert.deepEqual(await repo.byIds(['pr-b', 'pr-a', 'none']), [problems.a, problems.b]);
      assert.deepEqual(await repo.byIds([]), []);
      const ours = (list: Problem[]) => list.map((p) => p.id).filter((id) => id.startsWith('pr-'));
      // Open (candidate, problem, known error) or changed since: the resolved pr-d only from long ago.
      assert.deepEqual(ours(await repo.current(W)), ['pr-a', 'pr-b', 'pr-c']);
      assert.deepEqual(ours(await repo.current(W - 11 * DAY)), ['pr-a', 'pr-b', 'pr-c', 'pr-d']);
      assert.equal((await repo.current(W - 11 * DAY, 2)).length, 2);
      const monday = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      assert.deepEqual(await repo.weeklyRecurrence(W - DAY, W + DAY, 'triage'), [
        { week: monday(W - 7 * DAY), incidents: 2, problems: 2 },
        { week: monday(W), incidents: 4, problems: 2 },
      ]);
      assert.deepEqual(await repo.weeklyRecurrence(W, W + DAY, 'nowhere'), []);
    });

    it('gives a restored problem book what changed since a time, with the problem managers’ commands', async () => {
      const command = aProblemCommand({ id: 'pcmd-t', problemId: 'pr-a', at: W + 2 * HOUR });
      await insert(TABLES.problemCommands, [toProblemCommandRow(command)]);
      const history = await new ProblemHistoryRepository(store).since(W + HOUR);
      assert.deepEqual(
        history.incidents.map((i) => i.id).filter((id) => /^t-/.test(id)),
        ['t-b', 't-e', 't-a', 't-c', 't-d'],
      );
      assert.deepEqual(
        history.problems
          .map((p) => [p.id, p.version])
          .filter(([id]) => String(id).startsWith('pr-'))
          .sort(),
        [
          ['pr-a', 2],
          ['pr-b', 1],
          ['pr-c', 1],
        ],
      );
      assert.deepEqual(
        history.commands.filter((c) => c.problemId === 'pr-a'),
        [command],
      );
    });

    it('follows an incident linked by hand: the command keeps the incident, the incident names its new problem', async () => {
      const at = W + 3 * HOUR;
      const own = { service: 'links', services: ['links'], openedAt: at, updatedAt: at };
      await insert(TABLES.incidents, [toIncidentRow(anIncident({ id: 'lk-inc', ...own }))]);
      const problem = (id: string, version: number, members: string[]) =>
        toProblemRow(aProblem({ id, signature: id, version, members, services: ['links'], updatedAt: at }));
      await insert(TABLES.problems, [
        problem('lk-from', 1, ['lk-inc', 'lk-x']),
        problem('lk-to', 1, ['lk-y']),
      ]);
      const incidents = new IncidentsRepository(store);
      assert.deepEqual((await incidents.detail('lk-inc'))?.problemIds, ['lk-from']);
      const link = aProblemCommand({
        id: 'pcmd-link',
        problemId: 'lk-to',
        action: 'link',
        incidentId: 'lk-inc',
        comment: 'same root cause',
        at: at + HOUR,
      });
      await insert(TABLES.problemCommands, [toProblemCommandRow(link)]);
      // The problems app's versions: the incident moved out of one problem and into the other.
      await insert(TABLES.problems, [
        problem('lk-from', 2, ['lk-x']),
        problem('lk-to', 2, ['lk-inc', 'lk-y']),
      ]);
      assert.deepEqual((await incidents.detail('lk-inc'))?.problemIds, ['lk-to']);
      const history = await new ProblemHistoryRepository(store).since(W + HOUR);
      assert.deepEqual(
        history.commands.filter((c) => c.id === 'pcmd-link'),
        [link],
      );
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

    it('names the metrics services reported in a range, with their unit; and gives raw points', async () => {
      await insert(
        TABLES.telemetryPoints,
        toTelemetryPointRows({
          id: 'w',
          service: 'web',
          environment: 'staging',
          resource: {},
          points: ['rps', 'errors'].map((metric) => ({
            metric,
            value: 1,
            timestamp: end - 2 * HOUR,
            unit: metric === 'rps' ? '1/s' : null,
            labels: {},
          })),
        }),
      );
      const repo = new TelemetryRepository(store);
      const range = { services: ['web', 'api', 'none'], from: end - 3 * HOUR, to: end };
      assert.deepEqual(await repo.metrics(range), [
        { service: 'api', metric: 'latency', unit: 's' },
        { service: 'web', metric: 'errors', unit: null },
        { service: 'web', metric: 'rps', unit: '1/s' },
      ]);
      assert.deepEqual(
        (await repo.metrics({ ...range, environment: 'staging' })).map((m) => m.metric),
        ['errors', 'rps'],
      );
      assert.deepEqual(await repo.metrics({ ...range, from: end - HOUR }), [
        { service: 'api', metric: 'latency', unit: 's' },
      ]);
      assert.deepEqual(await repo.metrics({ ...range, services: [] }), []);
      const points = await repo.points({ service: 'web', from: end - 3 * HOUR, to: end });
      assert.deepEqual(
        points.map((p) => [p.metric, p.value, p.timestamp, p.unit, p.environment]),
        [
          ['errors', 1, end - 2 * HOUR, null, 'staging'],
          ['rps', 1, end - 2 * HOUR, '1/s', 'staging'],
        ],
      );
    });

    it("reads several services' metrics in one query: each pair as its own query would, the pairs asked for only", async () => {
      const repo = new TelemetryRepository(store);
      const range = { from: end - 3 * HOUR, to: end };
      const asked = [
        { service: 'web', metric: 'rps' },
        { service: 'api', metric: 'latency' },
        { service: 'api', metric: 'none' },
      ];
      for (const window of [range, { from: start, to: end }, { ...range, maxPoints: 20 }]) {
        const batch = await repo.seriesOf({ ...window, metrics: asked });
        // In the order asked, without the pair that has no data, and never web/latency or api/rps.
        assert.deepEqual(
          batch.metrics.map((m) => `${m.service}/${m.metric}`),
          ['web/rps', 'api/latency'],
        );
        for (const m of batch.metrics) {
          const alone = await repo.series({ ...window, service: m.service, metric: m.metric });
          assert.equal(batch.resolution, alone.resolution);
          assert.deepEqual(m.series, alone.series);
        }
      }
      // At most maxSeries series per pair, not in all.
      const limited = await repo.seriesOf({ ...range, metrics: asked, maxSeries: 1 });
      assert.deepEqual(
        limited.metrics.map((m) => m.series.length),
        [1, 1],
      );
      assert.deepEqual(await repo.seriesOf({ ...range, metrics: [] }), { resolution: 'raw', metrics: [] });
    });
  });

  describe('recorder intents', () => {
    it('gives the intents of a partition that end at or after an offset, in order, each once', async () => {
      const repo = new RecorderIntentsRepository(store);
      const now = Date.now(); // the table keeps intents 7 days
      const range = (first: bigint, last: bigint) => ({ first, last });
      await repo.record('changes', 0, range(10n, 19n), now);
      await repo.record('changes', 0, range(0n, 9n), now);
      await repo.record('changes', 0, range(10n, 19n), now + MINUTE); // a retry
      await repo.record('changes', 1, range(0n, 99n), now);
      assert.deepEqual(await repo.from('changes', 0, 5n), [range(0n, 9n), range(10n, 19n)]);
      assert.deepEqual(await repo.from('changes', 0, 10n), [range(10n, 19n)]);
      assert.deepEqual(await repo.from('changes', 0, 20n), []);
      assert.deepEqual(await repo.from('alerts', 0, 0n), []);
    });
  });

  describe('keyset scans', () => {
    // Five records of each kind: s1, three at the same instant (s2…s4), s5; then a second version of s1.
    const start = T0 - 3 * DAY;
    const at: Record<string, number> = {
      s1: start,
      s2: start + HOUR,
      s3: start + HOUR,
      s4: start + HOUR,
      s5: start + 2 * HOUR,
    };
    before(async () => {
      for (const [version, ids] of [
        [1, Object.keys(at)],
        [2, ['s1']],
      ] as const) {
        const of = (id: string) => ({ id, service: 'ledger', services: ['ledger'] });
        await insert(
          TABLES.changes,
          ids.map((id) =>
            toChangeRow(aChange({ ...of(id), startedAt: at[id], version: `${version}` }), source(version)),
          ),
        );
        await insert(
          TABLES.verdicts,
          ids.map((id) =>
            toVerdictRow(aVerdict({ ...of(id), changeId: id, decidedAt: at[id], score: version })),
          ),
        );
        await insert(
          TABLES.incidents,
          ids.map((id) =>
            toIncidentRow(anIncident({ ...of(id), version, openedAt: at[id], updatedAt: at[id] })),
          ),
        );
      }
    });

    /** A scan's records as [id, version]. */
    type Scan = (range: ScanRange, pageRows?: number) => AsyncGenerator<[string, number][]>;
    async function* versions<T>(pages: AsyncGenerator<T[]>, of: (record: T) => [string, number]) {
      for await (const page of pages) yield page.map(of);
    }
    const scans: Record<string, Scan> = {
      changes: (range, rows) =>
        versions(new ChangesRepository(store).scan(range, rows), (c) => [c.id, Number(c.version)]),
      verdicts: (range, rows) =>
        versions(new VerdictsRepository(store).scan(range, rows), (v) => [v.id, v.score]),
      incidents: (range, rows) =>
        versions(new IncidentsRepository(store).scan(range, rows), (i) => [i.id, i.version]),
    };
    for (const [kind, scan] of Object.entries(scans)) {
      it(`scans the ${kind} of a range in (time, id) order, a page at a time, each in its newest version`, async () => {
        const range = { from: start, to: start + DAY, services: ['ledger'] };
        const pages: string[][] = [];
        for await (const page of scan(range, 2)) pages.push(page.map(([id]) => id));
        assert.deepEqual(pages, [['s1', 's2'], ['s3', 's4'], ['s5']]);
        assert.deepEqual(await collectScan(scan(range)), [
          ['s1', 2],
          ['s2', 1],
          ['s3', 1],
          ['s4', 1],
          ['s5', 1],
        ]);
        // [from, to): the start is in, the end is out; other services are not.
        const inner = await collectScan(scan({ ...range, from: start + HOUR, to: start + 2 * HOUR }));
        assert.deepEqual(
          inner.map(([id]) => id),
          ['s2', 's3', 's4'],
        );
        assert.deepEqual(await collectScan(scan({ ...range, services: ['elsewhere'] })), []);
      });
    }
  });

  // Last: it merges the tables (OPTIMIZE … FINAL), which every describe above reads unmerged.
  describe('version history, also after the current tables merged', () => {
    it('a problem keeps every version after Confirm → Known error → Resolve, merged or not, with what people wrote', async () => {
      const steps: Partial<Problem>[] = [
        { status: 'candidate', count: 3 },
        { status: 'candidate', count: 4 },
        { status: 'problem', actor: 'pm@example.com', comment: 'the export host runs out of disk' },
        { status: 'known_error', actor: 'pm@example.com', workaround: 'restart the pool', comment: null },
        { status: 'resolved', actor: 'pm@example.com', fixChangeId: 'fix-1' },
      ];
      let last = aProblem({ id: 'prb-history' });
      for (const [i, step] of steps.entries()) {
        last = { ...last, ...step, version: i + 1, updatedAt: T0 + i * MINUTE };
        // One insert per version, as the recorder writes them as they arrive.
        await store.insert(TABLES.problems, [toProblemRow(last)]);
      }
      await store.command(`OPTIMIZE TABLE ${TABLES.problems} FINAL`);
      await store.command(`OPTIMIZE TABLE ${TABLES.problemVersions} FINAL`);
      const versions = await new ProblemsRepository(store).versions('prb-history');
      assert.deepEqual(
        versions.map((v) => [v.version, v.status, v.count, v.actor, v.workaround, v.comment]),
        [
          [1, 'candidate', 3, null, null, null],
          [2, 'candidate', 4, null, null, null],
          [3, 'problem', 4, 'pm@example.com', null, 'the export host runs out of disk'],
          [4, 'known_error', 4, 'pm@example.com', 'restart the pool', null],
          [5, 'resolved', 4, 'pm@example.com', 'restart the pool', null],
        ],
      );
    });

    it('an incident keeps every full version, each once though written twice', async () => {
      const versions: Incident[] = [
        anIncident({ id: 'inc-history', version: 1, event: 'opened' }),
        anIncident({
          id: 'inc-history',
          version: 2,
          event: 'acknowledged',
          status: 'acknowledged',
          actor: 'ana',
        }),
        anIncident({
          id: 'inc-history',
          version: 3,
          event: 'commented',
          status: 'acknowledged',
          comment: 'pool',
        }),
      ];
      for (const v of versions) await store.insert(TABLES.incidents, [toIncidentRow(v)]);
      await store.insert(TABLES.incidents, [toIncidentRow(versions[1]!)]); // redelivered
      await store.command(`OPTIMIZE TABLE ${TABLES.incidents} FINAL`);
      await store.command(`OPTIMIZE TABLE ${TABLES.incidentVersions} FINAL`);
      const history = await new IncidentsRepository(store).versions('inc-history');
      assert.deepEqual(
        history.map((v) => [v.version, v.event, v.actor, v.comment]),
        [
          [1, 'opened', null, null],
          [2, 'acknowledged', 'ana', null],
          [3, 'commented', null, 'pool'],
        ],
      );
    });

    it('keeps what responders set (assignee, snooze, merge, split) in every version, and filters by assignee and snooze', async () => {
      const at = T0 + 5 * DAY;
      const fields = {
        assignee: 'bob',
        snoozedUntil: at + HOUR,
        duplicateOf: 'inc-target',
        mergedFrom: ['inc-a', 'inc-b'],
        splitFrom: 'inc-parent',
        splitInto: ['inc-child'],
      };
      const only = { service: 'pager', services: ['pager'] };
      const first = anIncident({ id: 'inc-responders', openedAt: at, updatedAt: at, ...only });
      const second = { ...first, version: 2, event: 'snoozed' as const, ...fields };
      await store.insert(TABLES.incidents, [toIncidentRow(first)]);
      await store.insert(TABLES.incidents, [
        toIncidentRow(second),
        toIncidentRow(
          anIncident({ id: 'inc-other', openedAt: at, updatedAt: at, assignee: 'carla', ...only }),
        ),
      ]);
      await store.command(`OPTIMIZE TABLE ${TABLES.incidentVersions} FINAL`);
      const repo = new IncidentsRepository(store);
      assert.deepEqual(await repo.get('inc-responders'), second);
      const history = await repo.versions('inc-responders');
      assert.deepEqual(history, [first, second], 'the history keeps the new fields too');
      const window = { from: at - HOUR, to: at + DAY };
      const ids = async (filter: Partial<IncidentsFilter>) =>
        (await repo.ranked({ ...window, service: 'pager', ...filter })).map((i) => i.id);
      assert.deepEqual(await ids({ assignee: 'bob' }), ['inc-responders']);
      assert.deepEqual(await ids({ snoozed: { is: false, at: at + MINUTE } }), ['inc-other']);
      assert.deepEqual(await ids({ snoozed: { is: true, at: at + MINUTE } }), ['inc-responders']);
      assert.deepEqual(
        (await ids({ snoozed: { is: false, at: at + 2 * HOUR } })).sort(),
        ['inc-other', 'inc-responders'],
        'a snooze whose time has passed hides nothing, whether or not its end was recorded yet',
      );
      const command = anIncidentCommand({
        id: 'cmd-split',
        incidentId: 'inc-responders',
        action: 'split',
        refs: ['fp-1'],
        splitService: null,
        assignee: 'bob',
        until: at + HOUR,
        relatedIncidentId: 'inc-target',
      });
      await store.insert(TABLES.incidentCommands, [toIncidentCommandRow(command)]);
      assert.deepEqual((await repo.detail('inc-responders'))?.commands, [command]);
    });
  });
});

/** Series come back ordered by their hash: compare in that order. */
function bySeries(result: { series: { labels: Record<string, string> }[] }) {
  const order = result.series.map((s) => s.labels.route);
  return (a: (string | number)[], b: (string | number)[]) =>
    order.indexOf(String(a[0])) - order.indexOf(String(b[0]));
}
