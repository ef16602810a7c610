// What the api e2e test puts into ClickHouse before the app starts, built around "now" with
// names unique to the run: a bad deploy of checkout with its fail verdict and the incident it
// caused (two versions), an earlier config change and a resolved incident on payments, an old
// still-open incident, a problem over both incidents (two versions), assessments (of the bad
// deploy, and of the old change whose outcome has settled), and a
// minute-resolution error-ratio series of checkout; plus a policy with a freeze window.
import type { Change, Incident, Problem } from '#contracts';
import { aChange, anAlert, anAssessment, anIncident, aProblem, aVerdict, requestsByStatus } from '#testing';
import type { SeedEvent } from './api-seed.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface ApiFixture {
  readonly now: number;
  readonly checkout: string;
  readonly payments: string;
  /** A service inside the policy's freeze window. */
  readonly frozen: string;
  readonly badChange: Change;
  readonly configChange: Change;
  readonly oldChange: Change;
  /** Newest version of the incident the bad change caused. */
  readonly incident: Incident;
  readonly resolvedIncident: Incident;
  readonly oldIncident: Incident;
  readonly problem: Problem;
  readonly knownError: Problem;
  readonly errorMetric: string;
  readonly events: SeedEvent[];
  readonly policyYaml: string;
  /** An OpenSLO file: checkout's availability, its budget spent by the bad deploy. */
  readonly sloYaml: string;
}

export function apiFixture(run: string, nowMs: number): ApiFixture {
  const now = Math.floor(nowMs / MINUTE) * MINUTE;
  const checkout = `checkout-${run}`;
  const payments = `payments-${run}`;
  const frozen = `frozen-${run}`;
  const t0 = now - 40 * MINUTE;
  const badChange = aChange({
    id: `${run}-chg-bad`,
    service: checkout,
    startedAt: t0,
    finishedAt: t0 + 2 * MINUTE,
    commitAt: t0 - 3 * HOUR,
    version: 'v2',
    previousVersion: 'v1',
    team: 'shop',
  });
  const configChange = aChange({
    id: `${run}-chg-cfg`,
    kind: 'config',
    service: payments,
    startedAt: t0 - 30 * MINUTE,
    finishedAt: null,
    configKeys: ['pool.size'],
    commitAt: null,
    team: 'payments',
  });
  const oldChange = aChange({
    id: `${run}-chg-old`,
    service: checkout,
    startedAt: now - 2 * DAY,
    finishedAt: now - 2 * DAY + 3 * MINUTE,
    team: 'shop',
  });
  const verdict = aVerdict({
    id: `${badChange.id}/1`,
    changeId: badChange.id,
    service: checkout,
    decidedAt: t0 + 20 * MINUTE,
    baselineStart: t0 - 30 * MINUTE,
    baselineEnd: t0,
    observationStart: t0 + 2 * MINUTE,
    observationEnd: t0 + 17 * MINUTE,
    metrics: [
      {
        metric: 'http.server.error.ratio',
        outcome: 'fail',
        test: 'rate',
        pValue: 0.0001,
        effect: 24,
        baselineValue: 0.002,
        observedValue: 0.05,
        reason: 'error ratio rose from 0.20% to 5.0%',
      },
    ],
  });
  const opened = anIncident({
    id: `${run}-inc-bad`,
    version: 1,
    event: 'opened',
    status: 'open',
    kind: 'regression',
    title: `Error ratio regressed on ${checkout}`,
    severity: 'critical',
    service: checkout,
    services: [checkout],
    openedAt: t0 + 5 * MINUTE,
    updatedAt: t0 + 5 * MINUTE,
    members: [
      { type: 'verdict', ref: verdict.id, service: checkout, name: 'verification', at: t0 + 5 * MINUTE },
    ],
    suspects: [
      {
        changeId: badChange.id,
        service: checkout,
        kind: 'deployment',
        component: null,
        probability: 0.86,
        evidence: [{ factor: 'timing', detail: 'onset 3 min after the rollout finished', weight: 2.1 }],
      },
      { changeId: null, service: null, kind: null, component: null, probability: 0.14, evidence: [] },
    ],
  });
  const incident: Incident = {
    ...opened,
    version: 2,
    event: 'acknowledged',
    status: 'acknowledged',
    updatedAt: t0 + 10 * MINUTE,
    actor: 'ana@example.com',
  };
  const resolvedIncident = anIncident({
    id: `${run}-inc-pay`,
    event: 'resolved',
    status: 'resolved',
    severity: 'warning',
    title: `Connection pool exhausted on ${payments}`,
    service: payments,
    services: [payments],
    openedAt: t0 - 20 * MINUTE,
    updatedAt: t0 - 5 * MINUTE,
    resolvedAt: t0 - 5 * MINUTE,
    members: [
      { type: 'alert', ref: `${run}-fp`, service: payments, name: 'PoolExhausted', at: t0 - 20 * MINUTE },
    ],
    suspects: [
      {
        changeId: configChange.id,
        service: payments,
        kind: 'config',
        component: null,
        probability: 0.7,
        evidence: [{ factor: 'config-key', detail: 'pool.size changed 10 min before', weight: 1.2 }],
      },
    ],
  });
  const oldIncident = anIncident({
    id: `${run}-inc-old`,
    severity: 'high',
    title: `Latency high on ${checkout}`,
    service: checkout,
    services: [checkout],
    openedAt: now - 3 * DAY,
    updatedAt: now - 3 * DAY,
    members: [],
    suspects: [],
  });
  const candidate = aProblem({
    id: `${run}-prb`,
    signature: `${run}-sig`,
    status: 'candidate',
    title: `Pool exhaustion after deploys (${run})`,
    services: [checkout, payments],
    members: [resolvedIncident.id, incident.id],
    count: 2,
    firstSeen: resolvedIncident.openedAt,
    lastSeen: incident.openedAt,
    impact: 120,
    updatedAt: t0 + 6 * MINUTE,
  });
  const problem: Problem = {
    ...candidate,
    version: 2,
    status: 'problem',
    actor: 'pm@example.com',
    updatedAt: t0 + 30 * MINUTE,
  };
  // payments' pool exhaustion is a known error: its incident shows the workaround and the fix.
  const knownError = aProblem({
    id: `${run}-prb-known`,
    signature: `${run}-sig-known`,
    status: 'known_error',
    title: `Pool exhausted on ${payments} (${run})`,
    services: [payments],
    members: [resolvedIncident.id],
    count: 1,
    firstSeen: resolvedIncident.openedAt,
    lastSeen: resolvedIncident.openedAt,
    workaround: 'Raise pool.size back to 50 and restart the pods.',
    fixChangeId: configChange.id,
    updatedAt: t0,
  });
  const errorMetric = 'http.server.error.ratio';
  const points = [];
  for (let t = t0 - 2 * HOUR; t < now; t += MINUTE) {
    const wobble = ((t / MINUTE) % 5) / 5000;
    points.push({
      metric: errorMetric,
      value: (t >= t0 + 2 * MINUTE ? 0.05 : 0.002) + wobble,
      timestamp: t,
      unit: '1',
      labels: {},
    });
    points.push({ metric: 'process.uptime', value: t / 1000, timestamp: t, unit: '1', labels: {} });
    // 1,000 requests a minute: 1 a minute fails before the bad deploy, 50 (5%) after it.
    points.push(...requestsByStatus(t, 1000, t >= t0 + 2 * MINUTE ? 50 : 1));
  }
  const events: SeedEvent[] = [
    ...[badChange, configChange, oldChange].map((value) => ({ event: 'change' as const, value })),
    { event: 'verdict', value: verdict },
    ...[opened, incident, resolvedIncident, oldIncident].map((value) => ({
      event: 'incident' as const,
      value,
    })),
    ...[candidate, problem, knownError].map((value) => ({ event: 'problem' as const, value })),
    {
      event: 'assessment',
      value: anAssessment({
        id: `asm_${badChange.id}`,
        changeId: badChange.id,
        service: checkout,
        assessedAt: badChange.startedAt,
      }),
    },
    {
      event: 'assessment',
      value: anAssessment({
        id: `asm_${oldChange.id}`,
        changeId: oldChange.id,
        service: checkout,
        probability: 0.03,
        riskClass: 'standard',
        assessedAt: oldChange.startedAt,
      }),
    },
    // The pool-exhaustion incident's alert, as Alertmanager sent it, with its runbook.
    {
      event: 'alert',
      value: anAlert({
        id: `${run}-alert-pool`,
        fingerprint: `${run}-fp`,
        name: 'PoolExhausted',
        service: payments,
        severity: 'warning',
        summary: `Connection pool of ${payments} exhausted`,
        startsAt: t0 - 20 * MINUTE,
        source: 'alertmanager',
        link: 'https://prometheus.example/graph?g0.expr=pool_in_use',
        runbookUrl: 'https://runbooks.example/pool-exhausted',
      }),
    },
    {
      event: 'telemetry',
      value: { id: `${run}-tm`, service: checkout, environment: 'production', points, resource: {} },
    },
  ];
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + 'Z';
  const policyYaml = [
    'version: 1',
    'description: api e2e policy',
    'timeZone: UTC',
    'freezeWindows:',
    '  - id: e2e-freeze',
    '    description: Frozen for the e2e test.',
    '    timeZone: UTC',
    `    from: '${iso(now - DAY)}'`,
    `    to: '${iso(now + 2 * DAY)}'`,
    "    services: ['frozen-*']",
    'rules:',
    '  - id: block-in-freeze',
    '    description: Nothing ships inside a freeze window.',
    '    match: { freeze: inside }',
    '    decision: blocked',
    '  - id: routine-automated',
    '    description: Automated, tested canary deploys ship.',
    '    match: { kind: [deployment], automated: true, testsPassed: true, rollout: [canary, progressive], maxRiskClass: normal, freeze: outside }',
    '    decision: approved',
    '  - id: repairs-pass',
    '    description: Rollbacks and fixes repair a spent budget.',
    '    match: { repair: true }',
    '    decision: approved',
    '  - id: budget-spent-needs-review',
    '    description: Changes to a service whose error budget is spent need review.',
    '    match: { errorBudget: exhausted }',
    '    decision: review',
    'default: review',
    '',
  ].join('\n');
  // Checkout's availability over 28 days: 99.9% of requests without a server error. Spent by
  // hand: 2,022 failed of 160,000 (122 minutes × 1 before the deploy + 38 × 50 after it) against
  // a budget of 160; the open incident (from t0 + 5 min) 35 × 50 = 1,750 of them.
  const sloYaml = [
    'apiVersion: openslo/v1',
    'kind: SLO',
    `metadata: { name: ${checkout}-availability }`,
    'spec:',
    `  service: ${checkout}`,
    '  indicator:',
    `    metadata: { name: ${checkout}-errors }`,
    '    spec:',
    '      ratioMetric:',
    '        counter: false',
    '        bad: { metricSource: { type: Aftershock, spec: { metric: http_requests, labels: { code: 5xx } } } }',
    '        total: { metricSource: { type: Aftershock, spec: { metric: http_requests } } }',
    '  timeWindow: [{ duration: 28d, isRolling: true }]',
    '  budgetingMethod: Occurrences',
    '  objectives: [{ displayName: available, target: 0.999 }]',
    '',
  ].join('\n');
  return {
    now,
    checkout,
    payments,
    frozen,
    badChange,
    configChange,
    oldChange,
    incident,
    resolvedIncident,
    oldIncident,
    problem,
    knownError,
    errorMetric,
    events,
    policyYaml,
    sloYaml,
  };
}
