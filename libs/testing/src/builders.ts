// Builders for canonical events: a valid event with sensible values, overridden per test, so a
// test says only what matters to it.
import type {
  Alert,
  SloDefinitionRecord,
  Assessment,
  Change,
  ChangeContent,
  DeadLetter,
  Incident,
  IncidentCommand,
  Problem,
  ProblemCommand,
  TelemetryBatch,
  TelemetryPoint,
  Verdict,
} from '#contracts';
import { NO_RESPONDER_STATE } from '#core';

export const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The instant tests build around: a Monday at 12:00 UTC, one to eight days before the run. It
 * moves with the calendar (never a fixed date, which the engine's retention would one day drop),
 * but keeps the shape tests rely on: a weekday noon, in the past, a whole number of weeks from
 * any other run's T0.
 */
export const T0 = testInstant(Date.now());

/**
 * The fixed instant the fixture files in the repository were written around
 * (2026-11-02T12:00:00Z). Only for pure tests of those files with an injected clock: nothing
 * built on it may reach the engine or the wall clock.
 */
export const FIXTURE_T0 = Date.UTC(2026, 10, 2, 12, 0, 0);

export function testInstant(now: number): number {
  const noon = Math.floor((now - DAY) / DAY) * DAY + 12 * 60 * MINUTE;
  const latest = noon > now - DAY ? noon - DAY : noon;
  const weekday = new Date(latest).getUTCDay(); // 0 = Sunday, 1 = Monday
  return latest - ((weekday + 6) % 7) * DAY;
}

export function aChange(overrides: Partial<Change> = {}): Change {
  const startedAt = overrides.startedAt ?? T0; // times the test did not set follow its start
  return {
    id: 'chg-1',
    source: 'canonical',
    kind: 'deployment',
    service: 'checkout',
    environment: 'production',
    version: 'v1.4.2',
    previousVersion: 'v1.4.1',
    startedAt,
    finishedAt: startedAt + 2 * MINUTE,
    scope: 'service',
    scopeName: null,
    automated: true,
    initiator: 'ci-bot',
    pipeline: { name: 'deploy', runId: '4711', url: null, testsPassed: true, testsRun: 120, testsFailed: 0 },
    rollout: 'canary',
    sizeLines: 42,
    component: null,
    configKeys: [],
    rollbackOf: null,
    links: [],
    labels: {},
    commitAt: startedAt - 60 * MINUTE,
    team: 'payments',
    content: null,
    ...overrides,
  };
}

/** The content of a mid-sized change by an experienced author (schema v3). */
export function aChangeContent(overrides: Partial<ChangeContent> = {}): ChangeContent {
  return {
    linesAdded: 120,
    linesDeleted: 30,
    linesBefore: 2400,
    files: 4,
    directories: 2,
    subsystems: 1,
    entropy: 1.6,
    developers: 5,
    filesAgeDays: 42.5,
    priorChanges: 17,
    authorExperience: 310,
    authorRecentExperience: 24.5,
    authorSubsystemExperience: 120,
    fix: false,
    revert: false,
    commits: 3,
    ...overrides,
  };
}

export function anAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-1',
    fingerprint: 'fp-1',
    status: 'firing',
    name: 'HighErrorRate',
    service: 'checkout',
    environment: 'production',
    severity: 'critical',
    summary: 'Error ratio above 5% for 5 minutes',
    labels: { alertname: 'HighErrorRate', service: 'checkout' },
    annotations: {},
    startsAt: T0 + 5 * MINUTE,
    endsAt: null,
    source: 'alertmanager',
    link: null,
    team: null,
    runbookUrl: null,
    ...overrides,
  };
}

export function aPoint(overrides: Partial<TelemetryPoint> = {}): TelemetryPoint {
  return {
    metric: 'http_request_duration_p95',
    value: 0.12,
    timestamp: T0,
    unit: 's',
    labels: {},
    ...overrides,
  };
}

export function aTelemetryBatch(overrides: Partial<TelemetryBatch> = {}): TelemetryBatch {
  return {
    id: 'tb-1',
    service: 'checkout',
    environment: 'production',
    points: [aPoint()],
    resource: {},
    ...overrides,
  };
}

export function aVerdict(overrides: Partial<Verdict> = {}): Verdict {
  // The windows follow the decision time when only that is set.
  const start = overrides.decidedAt === undefined ? T0 : overrides.decidedAt - 20 * MINUTE;
  return {
    id: 'chg-1/1',
    changeId: 'chg-1',
    service: 'checkout',
    environment: 'production',
    outcome: 'fail',
    score: 8,
    look: 1,
    final: true,
    decidedAt: start + 20 * MINUTE,
    baselineStart: start - 30 * MINUTE,
    baselineEnd: start,
    observationStart: start,
    observationEnd: start + 15 * MINUTE,
    metrics: [
      {
        metric: 'error_ratio',
        outcome: 'fail',
        test: 'rate',
        pValue: 0.0001,
        effect: 4.2,
        baselineValue: 0.002,
        observedValue: 0.0104,
        reason: 'error ratio rose from 0.20% to 1.04%',
      },
    ],
    summary: 'error ratio regressed',
    team: null,
    ...overrides,
  };
}

export function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    version: 1,
    event: 'opened',
    status: 'open',
    kind: 'alert',
    title: 'HighErrorRate on checkout',
    summary: '',
    severity: 'critical',
    service: 'checkout',
    services: ['checkout'],
    environment: 'production',
    openedAt: T0 + 5 * MINUTE,
    updatedAt: T0 + 5 * MINUTE,
    resolvedAt: null,
    members: [
      { type: 'alert', ref: 'fp-1', service: 'checkout', name: 'HighErrorRate', at: T0 + 5 * MINUTE },
    ],
    suspects: [
      {
        changeId: 'chg-1',
        service: 'checkout',
        kind: 'deployment',
        component: null,
        probability: 0.83,
        evidence: [{ factor: 'timing', detail: 'onset 5 min after the rollout finished', weight: 1.9 }],
      },
    ],
    blastRadius: 1,
    actor: null,
    comment: null,
    team: null,
    labels: {},
    ...NO_RESPONDER_STATE,
    ...overrides,
  };
}

export function aProblem(overrides: Partial<Problem> = {}): Problem {
  return {
    id: 'prb-1',
    version: 1,
    signature: 'sig-1',
    status: 'candidate',
    title: 'Nightly batch exhausts DB connections',
    template: 'connection pool exhausted on <*>',
    services: ['billing'],
    members: ['inc-1', 'inc-2', 'inc-3'],
    count: 3,
    firstSeen: T0 - 2 * 86_400_000,
    lastSeen: T0,
    mttrMs: 25 * MINUTE,
    impact: 150,
    sharedFactors: [{ factor: 'hour-of-day', value: '02', share: 1 }],
    periodMs: 86_400_000,
    workaround: null,
    fixChangeId: null,
    reopened: false,
    actor: null,
    comment: null,
    updatedAt: T0,
    team: null,
    ...overrides,
  };
}

export function anAssessment(overrides: Partial<Assessment> = {}): Assessment {
  return {
    id: 'asm-chg-1',
    changeId: 'chg-1',
    service: 'checkout',
    environment: 'production',
    probability: 0.04,
    riskClass: 'standard',
    decision: 'approved',
    policyRule: 'standard-automated-canary',
    reasons: [{ factor: 'change-failure-rate', detail: '2 of 60 changes failed in 30 days', weight: -0.4 }],
    assessedAt: T0,
    team: null,
    ...overrides,
  };
}

export function aDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: 'raw.alertmanager/0/17',
    receivedAt: T0,
    source: 'raw.alertmanager',
    partition: 0,
    offset: '17',
    code: 'decode.json',
    reason: 'not valid JSON: Unexpected token',
    key: null,
    value: Buffer.from('{"version":'),
    headers: {},
    app: 'ingest',
    ...overrides,
  };
}

export function anIncidentCommand(overrides: Partial<IncidentCommand> = {}): IncidentCommand {
  return {
    id: 'cmd-1',
    incidentId: 'inc-1',
    service: 'checkout',
    action: 'acknowledge',
    actor: 'ana@example.com',
    at: T0 + 10 * MINUTE,
    comment: null,
    severity: null,
    incident: null,
    assignee: null,
    until: null,
    relatedIncidentId: null,
    relatedIncident: null,
    refs: [],
    splitService: null,
    ...overrides,
  };
}

export function aProblemCommand(overrides: Partial<ProblemCommand> = {}): ProblemCommand {
  return {
    id: 'pcmd-1',
    problemId: 'prb-1',
    action: 'confirm',
    actor: 'pm@example.com',
    at: T0 + 60 * MINUTE,
    workaround: null,
    fixChangeId: null,
    comment: null,
    incidentId: null,
    ...overrides,
  };
}

/** An SLO written through the api: one self-contained OpenSLO document. */
export function anSloDefinition(overrides: Partial<SloDefinitionRecord> = {}): SloDefinitionRecord {
  return {
    name: 'checkout-availability',
    openslo: [
      'apiVersion: openslo/v1',
      'kind: SLO',
      'metadata: { name: checkout-availability }',
      'spec:',
      '  service: checkout',
      '  budgetingMethod: Occurrences',
      '  timeWindow: [{ duration: 28d, isRolling: true }]',
      '  indicator:',
      '    metadata: { name: checkout-errors }',
      '    spec:',
      '      ratioMetric:',
      '        counter: false',
      '        bad: { metricSource: { type: Aftershock, spec: { metric: http.server.errors } } }',
      '        total: { metricSource: { type: Aftershock, spec: { metric: http.server.requests } } }',
      '  objectives: [{ target: 0.995 }]',
      '',
    ].join('\n'),
    actor: 'sre@example.com',
    at: T0 + 60 * MINUTE,
    ...overrides,
  };
}

/**
 * One instant of a request count split by status code (the Prometheus and OpenTelemetry way of
 * reporting errors): `total` requests, `errors` of them with `errorCode`, the rest with `okCode`.
 */
export function requestsByStatus(
  timestamp: number,
  total: number,
  errors: number,
  { metric = 'http_requests', okCode = '2xx', errorCode = '5xx', labels = {} as Record<string, string> } = {},
): TelemetryPoint[] {
  const point = (code: string, value: number): TelemetryPoint => ({
    metric,
    value,
    timestamp,
    unit: null,
    labels: { ...labels, code },
  });
  return [point(okCode, total - errors), point(errorCode, errors)];
}
