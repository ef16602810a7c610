// The api app as deployed: its own process against the real broker and chDB (migrated by
// `aftershock migrate`, seeded beforehand from a process of its own), checked against its
// OpenAPI document — every documented route exists and every answer validates against the
// documented schema — plus auth, the actions on the bus, the risk gate, the assessments of
// arriving changes, the live stream, CORS, the body limit and the write rate limit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventCodec, TOPICS, type Change, type Incident } from '#contracts';
import { aChange, anIncident, eventually } from '#testing';
import { testKafkaBrokers } from '#testing/infra';
import { apiFixture, type ApiFixture } from './support/api-fixtures.js';
import { client, openSse, type Answer } from './support/api-http.js';
import { API_CONTROLLERS } from '../apps/api/src/api.module.js';
import { openApiDocument } from '../apps/api/src/openapi/openapi.js';
import { operations, responseSchema, SchemaValidator, type Schema } from './support/api-schema.js';
import { seedStore } from './support/api-seed.js';
import { childEnv, freshDataDir, startProcess, type AppProcess } from './support/app-process.js';
import { consumeUntil, produce } from './support/kafka-topics.js';
import { fuzzRequests } from './support/query-fuzz.js';

const TOKENS = {
  read: 'read-token-0123456789abcdef',
  write: 'write-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
  expired: 'expired-token-0123456789abcdef',
  ingest: 'ingest-token-0123456789abcdef',
  rate: 'rate-token-0123456789abcdef',
  contract: 'contract-token-0123456789abcdef',
  ui: 'ui-token-0123456789abcdef',
  streams: 'streams-token-0123456789abcdef',
  fuzz: 'fuzz-token-0123456789abcdef',
};
const STREAMS_PER_TOKEN = 2;
const ALLOWED_ORIGIN = 'https://ops.example.test';
const MAX_BODY = 16_384;
const codec = new EventCodec({ now: () => Date.now() });

interface SloItem {
  readonly name: string;
  readonly objectives: {
    consumed: number;
    remaining: number;
    totalEvents: number;
    goodEvents: number;
    status: string;
  }[];
  readonly burnRates: { tier: string; burnLong?: number; firing: boolean }[];
}

describe('api app on the real broker and chDB', () => {
  const run = `${process.pid}${Date.now().toString(36)}`;
  let brokers: string[];
  let dataDir: string;
  let app: AppProcess;
  let url: string;
  let call: ReturnType<typeof client>;
  let fx: ApiFixture;
  let openapi: Schema;
  let validator: SchemaValidator;
  let policyFile: string;
  /** Commands and assessments the test expects on the bus, checked together at the end. */
  const expectOnBus = { incidentCommand: '', problemCommand: '', assessment: '', merge: '', absorb: '' };

  /** A stream URL with a fresh single-use ticket of `token` (the way a browser opens the stream). */
  async function streamUrl(token: string, query = ''): Promise<string> {
    const answer = await call('POST', '/api/v1/stream/tickets', { token });
    assert.equal(answer.status, 201, answer.text);
    conforms(answer, 'post', '/api/v1/stream/tickets');
    return `${url}${(answer.json as { url: string }).url}${query}`;
  }

  /** Asserts the answer validates against the schema its operation documents for its status. */
  function conforms(answer: Answer, method: string, path: string): void {
    const op = operations(openapi).find((o) => o.method === method && o.path === path);
    assert.ok(op, `${method} ${path} is documented`);
    const schema = responseSchema(validator, op.operation, answer.status);
    assert.ok(schema, `${method} ${path} documents status ${answer.status} (${answer.text.slice(0, 200)})`);
    const violations = validator.validate(answer.json, schema);
    assert.deepEqual(violations, [], `${method} ${path} → ${answer.status} breaks its schema`);
  }

  before(async () => {
    brokers = await testKafkaBrokers();
    dataDir = freshDataDir();
    const database = `api_e2e_${run}`;
    fx = apiFixture(run, Date.now());
    const migrate = spawnSync(process.execPath, ['bin/aftershock.js', 'migrate', '--data-dir', dataDir], {
      env: childEnv({ CLICKHOUSE_DATABASE: database }),
      encoding: 'utf8',
    });
    assert.equal(migrate.status, 0, migrate.stderr);
    seedStore(fx.events, { dataDir, database });
    policyFile = join(dataDir, 'policy.yaml');
    writeFileSync(policyFile, fx.policyYaml);
    const sloDir = join(dataDir, 'slos');
    mkdirSync(sloDir);
    writeFileSync(join(sloDir, 'checkout.yaml'), fx.sloYaml);
    app = startProcess('dist/apps/api/src/main.js', [], {
      AFTERSHOCK_BUS: 'kafka',
      KAFKA_BROKERS: brokers.join(','),
      AFTERSHOCK_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: database,
      HTTP_PORT: '0',
      HTTP_MAX_BODY_BYTES: String(MAX_BODY),
      API_WRITE_RATE: '5',
      API_WRITE_BURST: '40',
      API_INSTANCE_ID: `e2e-${run}`,
      API_ASSESSOR_GROUP: `e2e-assessor-${run}`,
      STREAM_HEARTBEAT: '500ms',
      STREAM_MAX_PER_TOKEN: String(STREAMS_PER_TOKEN),
      AFTERSHOCK_CORS_ORIGINS: ALLOWED_ORIGIN,
      POLICY_FILE: policyFile,
      AFTERSHOCK_SLO_PATH: sloDir,
      AFTERSHOCK_TOKENS: [
        `grafana=read:${TOKENS.read}`,
        `ci-bot=read+write:${TOKENS.write}`,
        `ops-admin=admin:${TOKENS.admin}`,
        `old-reader=read:${TOKENS.expired}@2020-01-01T00:00:00Z`,
        `producer=ingest:${TOKENS.ingest}`,
        `rate=write:${TOKENS.rate}`,
        `contract=admin:${TOKENS.contract}`,
        `shared-ui=read+write+delegate:${TOKENS.ui}`,
        `streams=read:${TOKENS.streams}`,
        `fuzz=read:${TOKENS.fuzz}`,
      ].join(','),
    });
    url = String((await app.waitForLog((l) => l.msg === 'started')).url);
    await app.waitForLog((l) => l.msg === 'risk history loaded');
    call = client(url);
    const doc = await call('GET', '/api/v1/openapi.json');
    assert.equal(doc.status, 200);
    openapi = doc.json as Schema;
    // The served document is the one generated from the schemas the checks below use.
    assert.deepEqual(openapi, JSON.parse(JSON.stringify(openApiDocument(API_CONTROLLERS))));
    validator = new SchemaValidator(openapi);
  });

  after(async () => {
    const errors = app?.lines.filter((l) => l.level === 'error') ?? [];
    if (errors.length > 0)
      process.stderr.write(`api errors logged:\n${errors.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await app?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves an OpenAPI 3.1 document, and every route it documents exists', async () => {
    assert.equal(openapi.openapi, '3.1.0');
    const ops = operations(openapi);
    assert.ok(ops.length >= 19, `${ops.length} operations documented`);
    for (const { method, path } of ops) {
      if (path === '/api/v1/stream/incidents') {
        const stream = await openSse(await streamUrl(TOKENS.contract));
        stream.close();
        assert.equal(stream.status, 200, `${method} ${path} is served`);
        continue;
      }
      const concrete = path.replace('{id}', `no-such-${run}`);
      const answer = await call(method.toUpperCase(), concrete, {
        token: TOKENS.contract,
        ...(method === 'post' ? { body: {} } : {}),
      });
      const code = (answer.json as { error?: { code?: string } } | undefined)?.error?.code;
      assert.notEqual(code, 'route.not-found', `${method} ${path} is served`);
      assert.ok(
        answer.status !== 404 || code === 'not-found',
        `${method} ${path}: ${answer.status} ${answer.text}`,
      );
      assert.ok(answer.status < 500, `${method} ${path}: ${answer.status} ${answer.text}`);
      conforms(answer, method, path);
    }
  });

  it('lists incidents ranked for triage, paged with limit and cursor, filtered, each page as documented', async () => {
    const from = new Date(fx.now - 7 * 86_400_000).toISOString();
    const first = await call('GET', `/api/v1/incidents?service=${fx.checkout}&limit=1&from=${from}`, {
      token: TOKENS.read,
    });
    assert.equal(first.status, 200, first.text);
    conforms(first, 'get', '/api/v1/incidents');
    const page1 = first.json as { items: Incident[]; next: string | null };
    assert.equal(page1.items.length, 1);
    assert.ok(page1.next);
    const second = await call(
      'GET',
      `/api/v1/incidents?service=${fx.checkout}&limit=1&from=${from}&cursor=${page1.next}`,
      {
        token: TOKENS.read,
      },
    );
    conforms(second, 'get', '/api/v1/incidents');
    const page2 = second.json as { items: Incident[]; next: string | null };
    // Open before acknowledged (then most severe, then newest first).
    assert.deepEqual(
      [...page1.items, ...page2.items].map((i) => i.id),
      [fx.oldIncident.id, fx.incident.id],
    );
    assert.equal(page2.items[0]!.version, fx.incident.version, 'the newest version');
    assert.equal(page2.next, null);

    const resolved = await call('GET', `/api/v1/incidents?status=resolved&service=${fx.payments}`, {
      token: TOKENS.read,
    });
    assert.deepEqual(
      (resolved.json as { items: Incident[] }).items.map((i) => i.id),
      [fx.resolvedIncident.id],
    );

    // Search: by a suspect change, and by the incident's own id as text.
    const bySuspect = await call('GET', `/api/v1/incidents?change=${encodeURIComponent(fx.badChange.id)}`, {
      token: TOKENS.read,
    });
    conforms(bySuspect, 'get', '/api/v1/incidents');
    assert.ok(
      (bySuspect.json as { items: Incident[] }).items.some((i) => i.id === fx.incident.id),
      bySuspect.text,
    );
    const byText = await call(
      'GET',
      `/api/v1/incidents?q=${encodeURIComponent(fx.resolvedIncident.id)}&status=resolved`,
      {
        token: TOKENS.read,
      },
    );
    assert.deepEqual(
      (byText.json as { items: Incident[] }).items.map((i) => i.id),
      [fx.resolvedIncident.id],
    );

    const bad = await call('GET', '/api/v1/incidents?status=closed', { token: TOKENS.read });
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: { field: string } }).error.field, 'status');
    conforms(bad, 'get', '/api/v1/incidents');
    const badTime = await call('GET', '/api/v1/incidents?from=yesterday', { token: TOKENS.read });
    assert.deepEqual((badTime.json as { error: { field: string } }).error.field, 'from');
    const badCursor = await call('GET', '/api/v1/incidents?cursor=%7Bnope', { token: TOKENS.read });
    assert.deepEqual((badCursor.json as { error: { field: string } }).error.field, 'cursor');
  });

  it('shows an incident with its timeline, the changes and verdicts around it and its metrics with windows', async () => {
    const answer = await call('GET', `/api/v1/incidents/${fx.incident.id}`, { token: TOKENS.read });
    assert.equal(answer.status, 200, answer.text);
    conforms(answer, 'get', '/api/v1/incidents/{id}');
    const detail = answer.json as {
      incident: Incident;
      history: Incident[];
      changes: Change[];
      verdicts: { changeId: string; outcome: string }[];
      metrics: {
        service: string;
        metric: string;
        points: [number, number][];
        windows?: { baselineEnd: number };
      }[];
      problemIds: string[];
    };
    assert.equal(detail.incident.status, 'acknowledged');
    assert.deepEqual(
      detail.history.map((v) => [v.version, v.status]),
      [
        [1, 'open'],
        [2, 'acknowledged'],
      ],
    );
    const changeIds = detail.changes.map((c) => c.id);
    assert.ok(changeIds.includes(fx.badChange.id), 'the suspect change is shown');
    assert.ok(!changeIds.includes(fx.oldChange.id), 'a change from two days before is not');
    assert.deepEqual(
      detail.verdicts.map((v) => [v.changeId, v.outcome]),
      [[fx.badChange.id, 'fail']],
    );
    const errors = detail.metrics.find((m) => m.service === fx.checkout && m.metric === fx.errorMetric);
    assert.ok(errors, `the error ratio is charted (got ${detail.metrics.map((m) => m.metric).join(', ')})`);
    assert.ok(errors.points.length > 60, `${errors.points.length} points`);
    assert.equal(errors.windows?.baselineEnd, fx.badChange.startedAt, 'the suspect verdict’s windows');
    assert.ok(!detail.metrics.some((m) => m.metric === 'process.uptime'), 'only golden signals');
    assert.deepEqual(detail.problemIds, [fx.problem.id]);

    const missing = await call('GET', `/api/v1/incidents/nope-${run}`, { token: TOKENS.read });
    assert.equal(missing.status, 404);
    conforms(missing, 'get', '/api/v1/incidents/{id}');

    // Its similar incidents: the other member of its problem, with the reason and how it ended.
    const similar = await call('GET', `/api/v1/incidents/${fx.incident.id}/similar`, { token: TOKENS.read });
    assert.equal(similar.status, 200, similar.text);
    conforms(similar, 'get', '/api/v1/incidents/{id}/similar');
    const items = (
      similar.json as { items: { id: string; reasons: { kind: string }[]; resolvedAt: number | null }[] }
    ).items;
    const sibling = items.find((i) => i.id === fx.resolvedIncident.id);
    assert.ok(
      sibling,
      `the other member of its problem is listed (got ${items.map((i) => i.id).join(', ')})`,
    );
    assert.ok(sibling.reasons.some((r) => r.kind === 'problem'));
    assert.notEqual(sibling.resolvedAt, null);
    assert.ok(!items.some((i) => i.id === fx.incident.id), 'not itself');
    const noSimilar = await call('GET', `/api/v1/incidents/nope-${run}/similar`, { token: TOKENS.read });
    assert.equal(noSimilar.status, 404);
    conforms(noSimilar, 'get', '/api/v1/incidents/{id}/similar');
  });

  it('lists changes newest first with verdicts and assessments, and shows one', async () => {
    const list = await call('GET', `/api/v1/changes?service=${fx.checkout},${fx.payments}&limit=2`, {
      token: TOKENS.read,
    });
    assert.equal(list.status, 200, list.text);
    conforms(list, 'get', '/api/v1/changes');
    const page = list.json as {
      items: (Change & { verdict: { outcome: string } | null; assessment: { id: string } | null })[];
      next: string;
    };
    assert.deepEqual(
      page.items.map((c) => c.id),
      [fx.badChange.id, fx.configChange.id],
    );
    assert.equal(page.items[0]!.verdict?.outcome, 'fail');
    assert.equal(page.items[0]!.assessment?.id, `asm_${fx.badChange.id}`);
    const rest = await call(
      'GET',
      `/api/v1/changes?service=${fx.checkout},${fx.payments}&limit=2&cursor=${page.next}`,
      {
        token: TOKENS.read,
      },
    );
    assert.deepEqual(
      (rest.json as { items: Change[] }).items.map((c) => c.id),
      [fx.oldChange.id],
    );
    const one = await call('GET', `/api/v1/changes/${fx.badChange.id}`, { token: TOKENS.read });
    conforms(one, 'get', '/api/v1/changes/{id}');
    const detail = one.json as { change: Change; verdicts: unknown[]; assessment: { changeId: string } };
    assert.equal(detail.change.id, fx.badChange.id);
    assert.equal(detail.verdicts.length, 1);
    assert.equal(detail.assessment.changeId, fx.badChange.id);
  });

  it('ranks problems, shows one with its members, versions and weekly recurrence', async () => {
    for (const sort of ['impact', 'count', 'growth']) {
      const list = await call('GET', `/api/v1/problems?sort=${sort}&service=${fx.checkout}`, {
        token: TOKENS.read,
      });
      assert.equal(list.status, 200, list.text);
      conforms(list, 'get', '/api/v1/problems');
      const items = (list.json as { items: { id: string; window: { count: number } }[] }).items;
      assert.deepEqual(
        items.map((p) => [p.id, p.window.count]),
        [[fx.problem.id, 2]],
      );
    }
    const badSort = await call('GET', '/api/v1/problems?sort=loudest', { token: TOKENS.read });
    assert.equal((badSort.json as { error: { field: string } }).error.field, 'sort');
    const one = await call('GET', `/api/v1/problems/${fx.problem.id}`, { token: TOKENS.read });
    conforms(one, 'get', '/api/v1/problems/{id}');
    const detail = one.json as {
      problem: { status: string };
      members: Incident[];
      timeline: { version: number }[];
      trend: { count: number }[];
    };
    assert.equal(detail.problem.status, 'problem');
    assert.deepEqual(detail.members.map((m) => m.id).sort(), [fx.incident.id, fx.resolvedIncident.id].sort());
    // Versions still on record, first to last, always ending with the newest (ClickHouse may
    // have merged the first away already: problems keep no separate version log).
    const versions = detail.timeline.map((v) => v.version);
    assert.ok(['1,2', '2'].includes(versions.join(',')), `timeline versions ${versions.join(',')}`);
    assert.equal(
      detail.trend.reduce((n, w) => n + w.count, 0),
      2,
    );
    const trend = await call('GET', `/api/v1/problems/trend?service=${fx.payments}`, { token: TOKENS.read });
    conforms(trend, 'get', '/api/v1/problems/trend');
    const weeks = (trend.json as { trend: { count: number }[] }).trend;
    assert.ok(weeks.length >= 12);
    assert.equal(
      weeks.reduce((n, w) => n + w.count, 0),
      2,
    );
  });

  it('shows the gate’s trade-off from the recorded assessments of settled changes', async () => {
    const answer = await call('GET', `/api/v1/risk/gate?service=${fx.checkout}`, { token: TOKENS.read });
    assert.equal(answer.status, 200, answer.text);
    conforms(answer, 'get', '/api/v1/risk/gate');
    const gate = answer.json as {
      changes: number;
      failures: number;
      curve: { threshold: number; skipShare: number; skipped: number }[];
    };
    // The old change settled (assessed 3%, no failure); the bad deploy is too young to count.
    assert.deepEqual({ changes: gate.changes, failures: gate.failures }, { changes: 1, failures: 0 });
    const atFivePercent = gate.curve.find((p) => p.threshold === 0.05)!;
    assert.deepEqual(
      { skipShare: atFivePercent.skipShare, skipped: atFivePercent.skipped },
      { skipShare: 1, skipped: 1 },
    );
  });

  it('computes DORA figures per service and per team', async () => {
    const answer = await call('GET', `/api/v1/dora?service=${fx.checkout}`, { token: TOKENS.read });
    assert.equal(answer.status, 200, answer.text);
    conforms(answer, 'get', '/api/v1/dora');
    const dora = answer.json as {
      services: { key: string; team: string; deployments: number; changeFailureRate: { failures: number } }[];
      teams: { key: string }[];
    };
    const checkout = dora.services.find((s) => s.key === fx.checkout);
    assert.ok(checkout);
    assert.equal(checkout.deployments, 2);
    assert.equal(checkout.changeFailureRate.failures, 1, 'the bad deploy failed its verification');
    assert.equal(checkout.team, 'shop');
    assert.deepEqual(
      dora.teams.map((t) => t.key),
      ['shop'],
    );
  });

  it('SLOs: the budget and burn rates from the stored telemetry, the burn-down, and what an incident spent', async () => {
    const name = `${fx.checkout}-availability`;
    const list = await call('GET', `/api/v1/slos?service=${fx.checkout}`, { token: TOKENS.read });
    assert.equal(list.status, 200, list.text);
    conforms(list, 'get', '/api/v1/slos');
    const [slo] = (list.json as { items: SloItem[] }).items;
    assert.equal(slo?.name, name);
    // 2,022 failed of 160,000 against a budget of 160 (see the fixture): 12.64 budgets spent.
    const objective = slo.objectives[0]!;
    assert.equal(objective.totalEvents, 160_000);
    assert.equal(objective.goodEvents, 160_000 - 2022);
    assert.ok(Math.abs(objective.consumed - 2022 / 160) < 1e-9, String(objective.consumed));
    assert.equal(objective.status, 'exhausted');
    // The last hour holds the 5% after the deploy (a burn of 50) and, as the test runs later,
    // some of the 0.1% before it: above the 14.4 of the 1-hour page either way.
    const page = slo.burnRates.find((t) => t.tier === 'page-1h')!;
    assert.ok(page.burnLong! > 14.4 && page.burnLong! <= 50 + 1e-9, `1-hour burn ${page.burnLong}`);
    assert.equal(page.firing, true);

    const detail = await call('GET', `/api/v1/slos/${name}`, { token: TOKENS.read });
    assert.equal(detail.status, 200, detail.text);
    conforms(detail, 'get', '/api/v1/slos/{name}');
    const burnDown = (detail.json as { burnDown: { at: number; remaining: number }[] }).burnDown;
    assert.ok(burnDown.length > 0);
    assert.ok(Math.abs(burnDown.at(-1)!.remaining - objective.remaining) < 1e-9);
    const missing = await call('GET', `/api/v1/slos/no-such-${run}`, { token: TOKENS.read });
    assert.equal(missing.status, 404);

    const incident = await call('GET', `/api/v1/incidents/${fx.incident.id}`, { token: TOKENS.read });
    const budgets = (incident.json as { budgets: { slo: string; spent: number }[] }).budgets;
    assert.equal(budgets.length, 1);
    assert.equal(budgets[0]!.slo, name);
    assert.ok(Math.abs(budgets[0]!.spent - 1750 / 160) < 1e-9, `spent ${budgets[0]!.spent}`);
    const payments = await call('GET', `/api/v1/incidents/${fx.resolvedIncident.id}`, { token: TOKENS.read });
    assert.deepEqual((payments.json as { budgets: unknown[] }).budgets, [], 'no SLO applies to payments');
    // Its problem is a known error: the workaround and the fix reach the responder on the page.
    assert.deepEqual((payments.json as { knownErrors: unknown[] }).knownErrors, [
      {
        problemId: fx.knownError.id,
        title: fx.knownError.title,
        workaround: 'Raise pool.size back to 50 and restart the pods.',
        fixChangeId: fx.configChange.id,
      },
    ]);
    assert.deepEqual(
      (incident.json as { knownErrors: unknown[] }).knownErrors,
      [],
      'its problem is not a known error',
    );
    // Its alert as last reported, with the runbook and the source link.
    const alerts = (
      payments.json as { alerts: { name: string; runbookUrl: string | null; link: string | null }[] }
    ).alerts;
    assert.deepEqual(
      alerts.map((a) => [a.name, a.runbookUrl, a.link]),
      [
        [
          'PoolExhausted',
          'https://runbooks.example/pool-exhausted',
          'https://prometheus.example/graph?g0.expr=pool_in_use',
        ],
      ],
    );

    // The bad deploy's regression: from its observation (t0 + 2 min) to now, 38 × 50 = 1,900 failed.
    const change = await call('GET', `/api/v1/changes/${fx.badChange.id}`, { token: TOKENS.read });
    conforms(change, 'get', '/api/v1/changes/{id}');
    const burned = (change.json as { budgets: { slo: string; spent: number }[] }).budgets;
    assert.deepEqual(
      burned.map((b) => b.slo),
      [name],
    );
    assert.ok(Math.abs(burned[0]!.spent - 1900 / 160) < 1e-9, `burned ${burned[0]!.spent}`);
    const clean = await call('GET', `/api/v1/changes/${fx.oldChange.id}`, { token: TOKENS.read });
    assert.deepEqual((clean.json as { budgets: unknown[] }).budgets, [], 'no failed verdict, no regression');

    const from = new Date(fx.now - 7 * 86_400_000).toISOString();
    const byBudget = await call('GET', `/api/v1/incidents?sort=budget&from=${from}&limit=3`, {
      token: TOKENS.read,
    });
    assert.equal(byBudget.status, 200, byBudget.text);
    conforms(byBudget, 'get', '/api/v1/incidents');
    // Most budget first: checkout's two open incidents (the one open for three days spans the
    // deploy's burn too), then one with none.
    const ranked = (byBudget.json as { items: { id: string; budgets: { spent: number }[] }[] }).items;
    const spentOf = (i: (typeof ranked)[number]) => i.budgets.reduce((a, b) => a + b.spent, 0);
    assert.deepEqual(
      ranked
        .slice(0, 2)
        .map((i) => i.id)
        .sort(),
      [fx.incident.id, fx.oldIncident.id].sort(),
    );
    for (let k = 1; k < ranked.length; k++) assert.ok(spentOf(ranked[k - 1]!) >= spentOf(ranked[k]!));
    const problems = await call('GET', `/api/v1/problems?sort=budget&from=${from}`, { token: TOKENS.read });
    assert.equal(problems.status, 200, problems.text);
    conforms(problems, 'get', '/api/v1/problems');
    const mine = (problems.json as { items: { id: string; budget: { spent: number } }[] }).items.find(
      (p) => p.id === fx.problem.id,
    );
    assert.ok(Math.abs(mine!.budget.spent - 1750 / 160) < 1e-9, JSON.stringify(mine?.budget));
  });

  it('the scorecard: per service and team, the actions first; as JSON, and as the report `aftershock report` writes', async () => {
    const from = new Date(fx.now - 7 * 86_400_000).toISOString();
    const answer = await call('GET', `/api/v1/scorecard?from=${from}&service=${fx.checkout}`, {
      token: TOKENS.read,
    });
    assert.equal(answer.status, 200, answer.text);
    conforms(answer, 'get', '/api/v1/scorecard');
    const card = answer.json as {
      services: {
        service: string;
        slos: { attainment: string; consumed: number }[];
        incidents: { count: number };
      }[];
      actions: { text: string; link: string }[];
    };
    const checkout = card.services.find((s) => s.service === fx.checkout)!;
    assert.equal(checkout.slos[0]!.attainment, 'missed');
    assert.ok(Math.abs(checkout.slos[0]!.consumed - 2022 / 160) < 1e-9);
    assert.ok(checkout.incidents.count >= 1);
    assert.equal(card.actions[0]!.link, `#/slos/${fx.checkout}-availability`, JSON.stringify(card.actions));
    assert.match(card.actions[0]!.text, /has spent 1264% of its 28d rolling budget/);

    const markdown = await call(
      'GET',
      `/api/v1/scorecard?from=${from}&service=${fx.checkout}&format=markdown`,
      {
        token: TOKENS.read,
      },
    );
    assert.equal(markdown.status, 200);
    assert.match(markdown.headers.get('content-type') ?? '', /text\/markdown/);
    assert.match(markdown.text, /^# Service-management scorecard/);
    const cli = spawnSync(
      process.execPath,
      [
        'bin/aftershock.js',
        'report',
        '--url',
        url,
        '--token',
        TOKENS.read,
        '--from',
        from,
        '--service',
        fx.checkout,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(cli.stdout, markdown.text);
    const refused = spawnSync(
      process.execPath,
      ['bin/aftershock.js', 'report', '--url', url, '--token', 'wrong'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /answered 401/);
  });

  it('the gate holds a change to a service whose error budget is spent, and lets a rollback through', async () => {
    const gate = async (change: Change) => {
      const answer = await call('POST', '/api/v1/changes/assess', { token: TOKENS.write, body: change });
      assert.equal(answer.status, 200, answer.text);
      return (answer.json as { decision: { outcome: string; rule: string; reasons: string[] } }).decision;
    };
    const manual = aChange({
      id: `${run}-manual`,
      service: fx.checkout,
      automated: false,
      startedAt: Date.now(),
    });
    // The budgets the gate reads are refreshed in the background: wait for the first refresh.
    const held = await eventually(async () => {
      const d = await gate(manual);
      assert.equal(d.rule, 'budget-spent-needs-review', JSON.stringify(d));
      return d;
    });
    assert.equal(held.outcome, 'review');
    assert.ok(
      held.reasons.some((r) => r.startsWith(`error budget exhausted: ${fx.checkout}-availability`)),
      JSON.stringify(held.reasons),
    );
    const rollback = await gate({
      ...manual,
      id: `${run}-rollback`,
      kind: 'rollback',
      rollbackOf: fx.badChange.id,
    });
    assert.deepEqual([rollback.outcome, rollback.rule], ['approved', 'repairs-pass']);
  });

  it('auth: no token 401, wrong scope 403, expired token 401, no anonymous write, admin implies write', async () => {
    const cases: [string, string, string | undefined, number][] = [
      ['GET', '/api/v1/incidents', undefined, 401],
      ['GET', '/api/v1/incidents', 'not-a-token-0123456789', 401],
      ['GET', '/api/v1/incidents', TOKENS.expired, 401],
      ['GET', '/api/v1/incidents', TOKENS.ingest, 403],
      ['GET', '/api/v1/incidents', TOKENS.rate, 403],
      ['POST', '/api/v1/changes/assess', undefined, 401],
      ['POST', `/api/v1/incidents/${fx.incident.id}/acknowledge`, undefined, 401],
      ['POST', `/api/v1/incidents/${fx.incident.id}/acknowledge`, TOKENS.read, 403],
      ['GET', '/api/v1/stream/incidents', undefined, 401],
    ];
    for (const [method, path, token, status] of cases) {
      const answer = await call(method, path, { token, ...(method === 'POST' ? { body: {} } : {}) });
      assert.equal(answer.status, status, `${method} ${path} with ${token ?? 'no token'}: ${answer.text}`);
      const op = path.startsWith('/api/v1/incidents/') ? '/api/v1/incidents/{id}/acknowledge' : path;
      conforms(answer, method.toLowerCase(), op);
    }
    const admin = await call('POST', '/api/v1/changes/assess', { token: TOKENS.admin, body: {} });
    assert.equal(admin.status, 400, 'admin passes the write scope (and the empty body is refused)');
    const openDoc = await call('GET', '/api/v1/openapi.json');
    assert.equal(openDoc.status, 200, 'the document is public');
  });

  it('an incident action publishes an IncidentCommand keyed by the incident’s service', async () => {
    const missing = await call('POST', `/api/v1/incidents/${fx.incident.id}/severity`, {
      token: TOKENS.write,
      body: { severity: 'catastrophic' },
    });
    assert.equal(missing.status, 400);
    assert.equal((missing.json as { error: { field: string } }).error.field, 'severity');
    // Only a token allowed to act for others (delegate) may name the person; others are refused.
    const impersonating = await call('POST', `/api/v1/incidents/${fx.incident.id}/resolve`, {
      token: TOKENS.write,
      body: { comment: 'rolled back v2' },
      headers: { 'x-aftershock-actor': 'ana@example.com' },
    });
    assert.equal(impersonating.status, 403, impersonating.text);
    assert.match(
      (impersonating.json as { error: { reason: string } }).error.reason,
      /"ci-bot" may not act for others/,
    );
    conforms(impersonating, 'post', '/api/v1/incidents/{id}/resolve');
    const answer = await call('POST', `/api/v1/incidents/${fx.incident.id}/resolve`, {
      token: TOKENS.ui,
      body: { comment: 'rolled back v2' },
      headers: { 'x-aftershock-actor': 'ana@example.com' },
    });
    assert.equal(answer.status, 202, answer.text);
    conforms(answer, 'post', '/api/v1/incidents/{id}/resolve');
    const { command } = answer.json as {
      command: { id: string; action: string; actor: string; service: string };
    };
    assert.deepEqual(
      [command.action, command.actor, command.service],
      ['resolve', 'ana@example.com', fx.checkout],
    );
    expectOnBus.incidentCommand = command.id;
    // What cannot apply to the incident as recorded is refused with the reason, not accepted and lost.
    const refused = await call('POST', `/api/v1/incidents/${fx.resolvedIncident.id}/acknowledge`, {
      token: TOKENS.write,
      body: {},
    });
    assert.equal(refused.status, 409, refused.text);
    conforms(refused, 'post', '/api/v1/incidents/{id}/acknowledge');
    assert.deepEqual(refused.json, {
      error: {
        code: 'incident.command-not-applicable',
        reason: 'the incident is resolved: only an open incident can be acknowledged',
      },
    });
  });

  it('responder actions: 400 naming the field, 409 for a merge target that cannot take it, a merge as two commands', async () => {
    const post = (id: string, action: string, body: unknown) =>
      call('POST', `/api/v1/incidents/${id}/${action}`, { token: TOKENS.write, body });
    const field = (answer: Answer) => (answer.json as { error: { field?: string } }).error.field;
    const noAssignee = await post(fx.incident.id, 'assign', {});
    assert.equal(noAssignee.status, 400, noAssignee.text);
    assert.equal(field(noAssignee), 'assignee');
    conforms(noAssignee, 'post', '/api/v1/incidents/{id}/assign');
    const past = await post(fx.incident.id, 'snooze', { until: new Date(Date.now() - 60_000).toISOString() });
    assert.equal(past.status, 400, past.text);
    assert.equal(field(past), 'until');
    const garbled = await post(fx.incident.id, 'snooze', { until: 'tomorrow-ish' });
    assert.equal(field(garbled), 'until');
    const stranger = await post(fx.incident.id, 'split', { refs: ['no-such-member'] });
    assert.equal(stranger.status, 400, stranger.text);
    assert.equal(field(stranger), 'refs');
    conforms(stranger, 'post', '/api/v1/incidents/{id}/split');
    const nowhere = await post(fx.oldIncident.id, 'merge', { into: `${run}-no-such-incident` });
    assert.equal(field(nowhere), 'into');
    const intoResolved = await post(fx.oldIncident.id, 'merge', { into: fx.resolvedIncident.id });
    assert.equal(intoResolved.status, 409, intoResolved.text);
    conforms(intoResolved, 'post', '/api/v1/incidents/{id}/merge');
    assert.match(
      (intoResolved.json as { error: { reason: string } }).error.reason,
      /is resolved: merge into an incident that is not/,
    );
    const listed = await call('GET', '/api/v1/incidents?snoozed=maybe', { token: TOKENS.read });
    assert.equal(listed.status, 400);
    assert.equal(field(listed), 'snoozed');

    const assigned = await post(fx.incident.id, 'assign', { assignee: 'bob@example.com' });
    assert.equal(assigned.status, 202, assigned.text);
    conforms(assigned, 'post', '/api/v1/incidents/{id}/assign');
    const merged = await post(fx.oldIncident.id, 'merge', {
      into: fx.incident.id,
      comment: 'same regression',
    });
    assert.equal(merged.status, 202, merged.text);
    conforms(merged, 'post', '/api/v1/incidents/{id}/merge');
    const { command } = merged.json as { command: { id: string; action: string; relatedIncidentId: string } };
    assert.deepEqual([command.action, command.relatedIncidentId], ['merge', fx.incident.id]);
    expectOnBus.merge = command.id;
    expectOnBus.absorb = `${command.id}-absorb`;
  });

  it('a problem action: known-error needs a workaround (400 naming it); with one, a ProblemCommand', async () => {
    const without = await call('POST', `/api/v1/problems/${fx.problem.id}/known-error`, {
      token: TOKENS.write,
      body: {},
    });
    assert.equal(without.status, 400);
    assert.equal((without.json as { error: { field: string } }).error.field, 'workaround');
    const noFix = await call('POST', `/api/v1/problems/${fx.problem.id}/resolve`, {
      token: TOKENS.write,
      body: {},
    });
    assert.equal((noFix.json as { error: { field: string } }).error.field, 'fixChangeId');
    const unknownFix = await call('POST', `/api/v1/problems/${fx.problem.id}/resolve`, {
      token: TOKENS.write,
      body: { fixChangeId: 'no-such-change' },
    });
    assert.equal(unknownFix.status, 400, unknownFix.text);
    assert.deepEqual((unknownFix.json as { error: unknown }).error, {
      code: 'request.unknown-change',
      field: 'fixChangeId',
      reason: 'no change with id "no-such-change" is on record',
    });
    conforms(unknownFix, 'post', '/api/v1/problems/{id}/resolve');
    const answer = await call('POST', `/api/v1/problems/${fx.problem.id}/known-error`, {
      token: TOKENS.write,
      body: { workaround: 'restart the pool' },
    });
    assert.equal(answer.status, 202, answer.text);
    conforms(answer, 'post', '/api/v1/problems/{id}/known-error');
    const { command } = answer.json as { command: { id: string; action: string; actor: string } };
    assert.equal(command.action, 'known_error');
    assert.equal(command.actor, 'ci-bot', 'the name configured with the token, never a piece of its secret');
    expectOnBus.problemCommand = command.id;
    // A problem (already confirmed) cannot be confirmed again: refused with the reason, not lost.
    const again = await call('POST', `/api/v1/problems/${fx.problem.id}/confirm`, {
      token: TOKENS.write,
      body: {},
    });
    assert.equal(again.status, 409, again.text);
    conforms(again, 'post', '/api/v1/problems/{id}/confirm');
    assert.match(
      (again.json as { error: { reason: string } }).error.reason,
      /the problem is problem: confirm applies only to a problem that is candidate/,
    );
  });

  it('the gate blocks a risky change in a freeze window and approves a routine one, with reasons', async () => {
    const risky = aChange({
      id: `${run}-risky`,
      service: fx.frozen,
      kind: 'database_migration',
      automated: false,
      rollout: 'all_at_once',
      startedAt: fx.now,
      finishedAt: null,
      team: null,
    });
    const blocked = await call('POST', '/api/v1/changes/assess', { token: TOKENS.write, body: risky });
    assert.equal(blocked.status, 200, blocked.text);
    conforms(blocked, 'post', '/api/v1/changes/assess');
    const b = blocked.json as {
      assessment: { id: string; reasons: { factor: string }[] };
      decision: { outcome: string; rule: string; reasons: string[] };
    };
    assert.equal(b.decision.outcome, 'blocked');
    assert.equal(b.decision.rule, 'block-in-freeze');
    assert.match(b.decision.reasons.join('; '), /inside freeze window e2e-freeze/);
    assert.equal(b.assessment.id, `asm_${risky.id}`);
    assert.equal((b.decision as { policy?: string }).policy, 'policy.yaml', 'the file, not its directories');
    assert.ok(!blocked.text.includes(dataDir), 'the server’s paths are not shown to readers');
    assert.ok(b.assessment.reasons.length > 1, 'the risk reasons are given');

    // A routine automated canary deploy of a service with a clean record.
    const routine = aChange({
      id: `${run}-routine`,
      service: `steady-${run}`,
      startedAt: fx.now,
      finishedAt: null,
      team: null,
    });
    const approved = await call('POST', '/api/v1/changes/assess', { token: TOKENS.write, body: routine });
    assert.equal(approved.status, 200, approved.text);
    const a = approved.json as {
      assessment: { riskClass: string };
      decision: { outcome: string; rule: string; reasons: string[] };
    };
    assert.equal(a.decision.outcome, 'approved', JSON.stringify(a));
    assert.equal(a.decision.rule, 'routine-automated');
    assert.ok(a.decision.reasons.includes('outside every freeze window'));

    const invalid = await call('POST', '/api/v1/changes/assess', {
      token: TOKENS.write,
      body: { ...routine, rollout: 'sideways' },
    });
    assert.equal(invalid.status, 400);
    assert.equal((invalid.json as { error: { field: string } }).error.field, 'rollout');
    conforms(invalid, 'post', '/api/v1/changes/assess');
    const notJson = await call('POST', '/api/v1/changes/assess', { token: TOKENS.write, rawBody: '{"id":' });
    assert.equal(notJson.status, 400);
    assert.equal((notJson.json as { error: { code: string } }).error.code, 'decode.json');
  });

  it('follows edits of the policy file without a restart', async () => {
    const routine = aChange({
      id: `${run}-routine-2`,
      service: `steady-${run}`,
      startedAt: fx.now,
      finishedAt: null,
      team: null,
    });
    writeFileSync(policyFile, fx.policyYaml.replace('    decision: approved', '    decision: review'));
    let decision: { outcome: string; rule: string } | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      const answer = await call('POST', '/api/v1/changes/assess', { token: TOKENS.admin, body: routine });
      decision = (answer.json as { decision: { outcome: string; rule: string } }).decision;
      if (decision.outcome === 'review') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(decision, { ...decision, outcome: 'review', rule: 'routine-automated' });
    assert.ok(app.lines.some((l) => l.msg === 'policy reloaded'));
  });

  it('puts the commands on their topics and an assessment of every arriving change on the assessments topic', async () => {
    const arriving = aChange({ id: `${run}-arriving`, service: fx.checkout, startedAt: Date.now() - 60_000 });
    await produce(brokers, TOPICS.changes, [
      { key: arriving.service, value: await codec.encode('change', arriving) },
    ]);
    expectOnBus.assessment = `asm_${arriving.id}`;
    const wanted = new Set(Object.values(expectOnBus));
    const seen = await consumeUntil(
      brokers,
      [TOPICS.incidentCommands, TOPICS.problemCommands, TOPICS.assessments],
      (m) => wanted.has(m.headers['x-aftershock-id'] ?? ''),
      (s) => s.length >= wanted.size,
    );
    const byId = new Map(seen.map((m) => [m.headers['x-aftershock-id'], m]));
    const command = byId.get(expectOnBus.incidentCommand);
    assert.equal(command?.topic, TOPICS.incidentCommands);
    assert.equal(command.key, fx.checkout, 'keyed by the incident’s service');
    const decoded = await codec.decode('incident-command', command.value);
    assert.deepEqual(
      [decoded.incidentId, decoded.action, decoded.comment],
      [fx.incident.id, 'resolve', 'rolled back v2'],
    );
    // It carries the incident as recorded, for a correlator that no longer holds it.
    const carried = await codec.decode('incident', decoded.incident!);
    assert.deepEqual([carried.id, carried.version], [fx.incident.id, fx.incident.version]);
    // A merge: one command to each incident's correlator, the target's carrying the merged incident.
    const merge = await codec.decode('incident-command', byId.get(expectOnBus.merge)!.value);
    const absorbed = byId.get(expectOnBus.absorb)!;
    const absorb = await codec.decode('incident-command', absorbed.value);
    assert.deepEqual(
      [merge.incidentId, merge.action, merge.relatedIncidentId, merge.comment],
      [fx.oldIncident.id, 'merge', fx.incident.id, 'same regression'],
    );
    assert.deepEqual(
      [absorbed.key, absorb.incidentId, absorb.action, absorb.relatedIncidentId],
      [fx.incident.service, fx.incident.id, 'absorb', fx.oldIncident.id],
    );
    assert.equal((await codec.decode('incident', absorb.relatedIncident!)).id, fx.oldIncident.id);
    const problemCommand = byId.get(expectOnBus.problemCommand);
    assert.equal(problemCommand?.key, fx.problem.id, 'keyed by the problem id');
    const assessment = byId.get(expectOnBus.assessment);
    assert.equal(assessment?.key, fx.checkout);
    const a = await codec.decode('assessment', assessment.value);
    assert.equal(a.changeId, arriving.id);
  });

  it('streams incident events produced to the incidents topic as Server-Sent Events', async () => {
    const stream = await openSse(await streamUrl(TOKENS.read, `&service=${fx.checkout}`));
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.contentType ?? '', /^text\/event-stream/);
      await stream.until((_events, comments) => comments.includes('connected'));
      const live = anIncident({
        id: `${run}-inc-live`,
        service: fx.checkout,
        services: [fx.checkout],
        version: 3,
      });
      const other = anIncident({ id: `${run}-inc-other`, service: fx.payments, services: [fx.payments] });
      await produce(brokers, TOPICS.incidents, [
        { key: other.service, value: await codec.encode('incident', other) },
        { key: live.service, value: await codec.encode('incident', live) },
      ]);
      const events = await stream.until((e) => e.some((x) => x.id === `${live.id}/3`));
      const event = events.find((x) => x.id === `${live.id}/3`)!;
      assert.deepEqual(JSON.parse(event.data), live);
      assert.ok(!events.some((x) => x.id?.startsWith(other.id)), 'filtered by service');
      await stream.until((_events, comments) => comments.some((c) => c.startsWith('heartbeat')));
    } finally {
      stream.close();
    }
  });

  it('CORS is closed except for the configured origins', async () => {
    const foreign = await call('GET', '/api/v1/incidents', {
      token: TOKENS.read,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const preflight = await call('OPTIONS', '/api/v1/changes/assess', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const allowed = await call('OPTIONS', '/api/v1/changes/assess', {
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const get = await call('GET', '/api/v1/incidents', {
      token: TOKENS.read,
      headers: { origin: ALLOWED_ORIGIN },
    });
    assert.equal(get.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
  });

  it('refuses a body over HTTP_MAX_BODY_BYTES with 413 in the error shape', async () => {
    const big = aChange({ id: `${run}-big`, labels: { padding: 'x'.repeat(MAX_BODY) } });
    const answer = await call('POST', '/api/v1/changes/assess', { token: TOKENS.write, body: big });
    assert.equal(answer.status, 413);
    assert.equal((answer.json as { error: { code: string } }).error.code, 'body.too-large');
    conforms(answer, 'post', '/api/v1/changes/assess');
  });

  it('rate-limits writes per token: 429 with Retry-After once the burst is spent', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        call('POST', '/api/v1/changes/assess', { token: TOKENS.rate, body: {} }),
      ),
    );
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length > 0, `statuses: ${answers.map((a) => a.status).join(',')}`);
    assert.ok(answers.filter((a) => a.status === 400).length >= 40, 'the burst passes');
    assert.ok(Number(limited[0]!.headers.get('retry-after')) >= 1);
    assert.equal((limited[0]!.json as { error: { code: string } }).error.code, 'rate-limited');
    conforms(limited[0]!, 'post', '/api/v1/changes/assess');
    const other = await call('POST', '/api/v1/changes/assess', { token: TOKENS.admin, body: {} });
    assert.equal(other.status, 400, 'another token has its own bucket');
  });

  it('serves the web UI at / without a token', async () => {
    const page = await call('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const missing = await call('GET', '/no-such-file.js');
    assert.equal(missing.status, 404);
  });

  it('says who a token is: its configured name, scopes and whether it may act for others', async () => {
    const reader = await call('GET', '/api/v1/session', { token: TOKENS.read });
    assert.equal(reader.status, 200, reader.text);
    conforms(reader, 'get', '/api/v1/session');
    assert.deepEqual(reader.json, {
      token: 'grafana',
      scopes: ['read'],
      expiresAt: null,
      actsForOthers: false,
      kind: 'token',
    });
    const ui = await call('GET', '/api/v1/session', { token: TOKENS.ui });
    assert.equal((ui.json as { actsForOthers: boolean }).actsForOthers, true);
    assert.ok(!reader.text.includes(TOKENS.read.slice(0, 8)), 'no piece of the secret');
  });

  it('takes the bearer scheme in any case (RFC 7235)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const answer = await call('GET', '/api/v1/incidents?limit=1', {
        headers: { authorization: `${scheme} ${TOKENS.read}` },
      });
      assert.equal(answer.status, 200, `${scheme}: ${answer.text}`);
    }
  });

  it('refuses a request without a valid token before reading its body: 401, not 413', async () => {
    const big = 'x'.repeat(MAX_BODY * 4);
    for (const token of [undefined, 'not-a-token-0123456789', TOKENS.read]) {
      const answer = await call('POST', `/api/v1/incidents/${fx.incident.id}/comment`, {
        token,
        rawBody: JSON.stringify({ comment: big }),
      });
      assert.equal(answer.status, token === TOKENS.read ? 403 : 401, answer.text);
    }
    const allowed = await call('POST', `/api/v1/incidents/${fx.incident.id}/comment`, {
      token: TOKENS.admin,
      rawBody: JSON.stringify({ comment: big }),
    });
    assert.equal(allowed.status, 413, 'with a valid token, the body limit applies');
  });

  it('sends the security headers: a CSP without inline script on the UI, nosniff, no framing, no referrer, no X-Powered-By', async () => {
    const page = await call('GET', '/');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    for (const answer of [page, await call('GET', '/api/v1/incidents', { token: TOKENS.read })]) {
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(answer.headers.get('x-powered-by'), null);
      assert.match(answer.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    }
    const health = await call('GET', '/health/live');
    assert.equal(health.headers.get('x-powered-by'), null);
  });

  it('opens the live stream with a single-use ticket, never a token in the URL, and caps streams per token', async () => {
    const inUrl = await call('GET', `/api/v1/stream/incidents?access_token=${TOKENS.streams}`);
    assert.equal(inUrl.status, 401);
    assert.equal((inUrl.json as { error: { code: string } }).error.code, 'auth.token-in-url');
    conforms(inUrl, 'get', '/api/v1/stream/incidents');
    const ticketUrl = await streamUrl(TOKENS.streams);
    assert.ok(!ticketUrl.includes(TOKENS.streams), 'the ticket is not the token');
    const first = await openSse(ticketUrl);
    const reused = await call('GET', ticketUrl.slice(url.length));
    assert.equal(reused.status, 401, 'a ticket opens the stream once');
    assert.match((reused.json as { error: { reason: string } }).error.reason, /used already/);
    const forged = await call(
      'GET',
      `/api/v1/stream/incidents?ticket=${ticketUrl.split('ticket=')[1]!.replace(/.$/, 'A')}`,
    );
    assert.equal(forged.status, 401);
    const second = await openSse(await streamUrl(TOKENS.streams));
    try {
      assert.deepEqual([first.status, second.status], [200, 200]);
      const third = await call('GET', (await streamUrl(TOKENS.streams)).slice(url.length));
      assert.equal(third.status, 429, third.text);
      assert.equal((third.json as { error: { code: string } }).error.code, 'stream.too-many');
      conforms(third, 'get', '/api/v1/stream/incidents');
      const other = await openSse(await streamUrl(TOKENS.read));
      assert.equal(other.status, 200, 'another token has its own streams');
      other.close();
    } finally {
      first.close();
      second.close();
    }
    const readByHeader = await fetch(`${url}/api/v1/stream/incidents`, {
      headers: { authorization: `Bearer ${TOKENS.admin}` },
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(readByHeader.status, 200, 'a bearer header opens it too');
    await readByHeader.body?.cancel();
  });

  it('answers 400, never 500, for time ranges and cursors outside what is recorded', async () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cases: [string, string][] = [
      ['/api/v1/incidents?from=1970-01-01&to=1970-01-02', 'from'],
      ['/api/v1/incidents?from=9999999', 'from'],
      ['/api/v1/incidents?to=9999999', 'to'],
      ['/api/v1/incidents?from=-1', 'from'],
      ['/api/v1/changes?from=-8640000000000000', 'from'],
      ['/api/v1/changes?to=99999999999999999', 'to'],
      ['/api/v1/dora?from=-1', 'from'],
      ['/api/v1/dora?to=8640000000000000', 'to'],
      ['/api/v1/problems/trend?from=1', 'from'],
      [`/api/v1/changes?cursor=${cursor({ l: 'changes', t: -8.64e15, i: 'x' })}`, 'cursor'],
      [`/api/v1/changes?cursor=${cursor({ l: 'changes', t: 1e300, i: 'x' })}`, 'cursor'],
      [`/api/v1/incidents?cursor=${cursor({ l: 'incidents', o: 1e18 })}`, 'cursor'],
    ];
    for (const [path, field] of cases) {
      const answer = await call('GET', path, { token: TOKENS.read });
      assert.equal(answer.status, 400, `${path}: ${answer.text}`);
      assert.equal((answer.json as { error: { field: string } }).error.field, field, path);
      conforms(answer, 'get', path.split('?')[0]!);
    }
  });

  it('fuzz: every query and path parameter of every GET route in the OpenAPI document, never a 5xx', async () => {
    const requests = fuzzRequests(openapi, validator);
    assert.ok(requests.length > 500, `${requests.length} requests`);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const queue = [...requests];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const response = await fetch(`${url}${r.target}`, {
          headers: { authorization: `Bearer ${TOKENS.fuzz}` },
          signal: AbortSignal.timeout(30_000),
        });
        const text = response.headers.get('content-type')?.startsWith('text/event-stream')
          ? (await response.body?.cancel(), '')
          : await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500)
          failures.push(
            `${r.operation} ${r.target.slice(0, 200)} → ${response.status} ${text.slice(0, 200)}`,
          );
        else if (response.status === 400 && r.in === 'query') {
          const field = (JSON.parse(text) as { error: { field?: string } }).error.field;
          if (field !== r.parameter)
            failures.push(
              `${r.operation} ${r.target.slice(0, 200)} → 400 names "${field}", not "${r.parameter}"`,
            );
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    assert.deepEqual(failures, [], `statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(400) ?? 0) > 100, 'most hostile values are refused with 400');
  });

  it("SLOs written through the api: checked as the server loads them, served at once, deleted; a file's SLO stays the file's", async () => {
    const name = `written-${run}`;
    const service = `api-slo-${run}`;
    const openslo = fx.sloYaml
      .replaceAll(`${fx.checkout}-availability`, name)
      .replace(`service: ${fx.checkout}`, `service: ${service}`);
    const readOnly = await call('PUT', `/api/v1/slos/${name}`, { token: TOKENS.read, body: { openslo } });
    assert.equal(readOnly.status, 403, readOnly.text);

    const written = await call('PUT', `/api/v1/slos/${name}`, { token: TOKENS.write, body: { openslo } });
    assert.equal(written.status, 200, written.text);
    conforms(written, 'put', '/api/v1/slos/{name}');
    const view = written.json as { name: string; service: string; source: string; file: string };
    assert.deepEqual([view.name, view.service, view.source, view.file], [name, service, 'api', 'api']);
    const listed = await call('GET', '/api/v1/slos', { token: TOKENS.read });
    const sources = Object.fromEntries(
      (listed.json as { items: { name: string; source: string }[] }).items.map((i) => [i.name, i.source]),
    );
    assert.equal(sources[name], 'api', 'served at once, by the api that wrote it');
    assert.equal(sources[`${fx.checkout}-availability`], 'file');

    const invalid = await call('PUT', `/api/v1/slos/${name}`, {
      token: TOKENS.write,
      body: { openslo: openslo.replace('target: 0.999', 'target: 2') },
    });
    assert.equal(invalid.status, 400, invalid.text);
    conforms(invalid, 'put', '/api/v1/slos/{name}');
    const refusal = (invalid.json as { error: { code: string; field: string; reason: string } }).error;
    assert.equal(refusal.field, 'openslo');
    assert.equal(refusal.code, 'slo.invalid-openslo');
    assert.match(refusal.reason, /not valid OpenSLO v1: .*spec\.objectives\[0\]\.target/);
    const misnamed = await call('PUT', `/api/v1/slos/other-${run}`, {
      token: TOKENS.write,
      body: { openslo },
    });
    assert.equal(misnamed.status, 400, misnamed.text);
    assert.match(misnamed.text, /written as \\"other-/);
    const missing = await call('PUT', `/api/v1/slos/${name}`, { token: TOKENS.write, body: {} });
    assert.equal(missing.status, 400);
    assert.equal((missing.json as { error: { field: string } }).error.field, 'openslo');

    const fileOwned = await call('PUT', `/api/v1/slos/${fx.checkout}-availability`, {
      token: TOKENS.write,
      body: { openslo: fx.sloYaml },
    });
    assert.equal(fileOwned.status, 409, fileOwned.text);
    assert.match(fileOwned.text, /defined in the file checkout\.yaml/);
    const fileDelete = await call('DELETE', `/api/v1/slos/${fx.checkout}-availability`, {
      token: TOKENS.write,
    });
    assert.equal(fileDelete.status, 409);

    const deleted = await call('DELETE', `/api/v1/slos/${name}`, { token: TOKENS.write });
    assert.equal(deleted.status, 200, deleted.text);
    conforms(deleted, 'delete', '/api/v1/slos/{name}');
    assert.equal((deleted.json as { actor: string }).actor, 'ci-bot');
    assert.equal((await call('GET', `/api/v1/slos/${name}`, { token: TOKENS.read })).status, 404);
    assert.equal((await call('DELETE', `/api/v1/slos/${name}`, { token: TOKENS.write })).status, 404);
    // On the topic, for every reader: the definition, then its deletion, keyed by the name.
    const records = await consumeUntil(
      brokers,
      [TOPICS.sloDefinitions],
      (m) => m.key === name,
      (seen) => seen.length >= 2,
      60_000,
    );
    const decoded = await Promise.all(records.map((m) => codec.decode('slo-definition', m.value)));
    assert.deepEqual(
      decoded.map((r) => [r.name, r.openslo === null, r.actor]),
      [
        [name, false, 'ci-bot'],
        [name, true, 'ci-bot'],
      ],
    );
  });

  it('ends live streams and exits cleanly on SIGTERM', async () => {
    const stream = await openSse(await streamUrl(TOKENS.read));
    await stream.until((_events, comments) => comments.includes('connected'));
    app.child.kill('SIGTERM');
    await stream.ended;
    const exit = await app.exited();
    assert.equal(
      exit.code,
      0,
      `${JSON.stringify(exit)} ${app.stderr()} ${JSON.stringify(app.lines.slice(-8))}`,
    );
  });
});
