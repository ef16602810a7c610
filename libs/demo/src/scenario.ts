// The demo scenario: one day of a two-dozen-service shop as its observability stack would
// report it — telemetry every 10 seconds with daily seasonality and noise, dozens of deploys
// (most of them clean) announced as CDEvents, alerts from Alertmanager, and four stories the
// engine should tell apart:
//   1. a bad code deploy of checkout (errors and latency up) that is rolled back;
//   2. a config change on payments that breaks its callers up the chain (one incident);
//   3. a flapping latency alert on recommendation with no change anywhere near it;
//   4. a nightly batch failure on reporting at 02:00 that recurs night after night.
// Deterministic: the same start time and seed give the same inputs, byte for byte.
import { seededUniform } from '#core';
import { DEMO_SERVICES, type DemoService } from './topology.js';

export interface DemoInput {
  /** Event time the stack would send this at. */
  readonly at: number;
  /** Ingest format (a normaliser name) or `telemetry` for canonical telemetry batches. */
  readonly format: 'cdevents' | 'cloudevents' | 'alertmanager' | 'telemetry';
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface DemoStory {
  readonly name: string;
  readonly service: string;
  readonly changeId?: string;
  readonly at: number;
  readonly expect: string;
}

export interface DemoScenario {
  readonly start: number;
  readonly end: number;
  readonly inputs: readonly DemoInput[];
  readonly stories: readonly DemoStory[];
  readonly counts: { readonly telemetryPoints: number; readonly deploys: number; readonly alerts: number };
}

export const METRICS = {
  requests: 'http.server.requests',
  errors: 'http.server.errors',
  errorRatio: 'http.server.error.ratio',
  p95: 'http.server.request.duration.p95',
  p99: 'http.server.request.duration.p99',
  cpu: 'process.cpu.utilization',
} as const;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEP = 10 * SECOND;

/** Multiplies a service's normal behaviour while a fault is active. */
interface Effect {
  readonly service: string;
  readonly from: number;
  readonly to: number;
  readonly latency?: number;
  readonly errors?: number;
  /** Latency that oscillates around a threshold (the flapping story). */
  readonly oscillate?: { readonly periodMs: number; readonly amplitude: number };
}

export interface ScenarioOptions {
  /** Midnight UTC of the demo day. */
  readonly day: number;
  readonly seed?: number;
  /** Telemetry step; 10 s by default. */
  readonly stepMs?: number;
}

export function demoScenario(options: ScenarioOptions): DemoScenario {
  const day = options.day - (options.day % DAY);
  const random = seededUniform(options.seed ?? 20261102);
  const step = options.stepMs ?? STEP;
  const inputs: DemoInput[] = [];
  const stories: DemoStory[] = [];
  const effects: Effect[] = [];
  let alerts = 0;

  // Story 1: a bad code deploy of checkout, rolled back 30 minutes later.
  const badAt = day + 10 * HOUR + 30 * MINUTE;
  const badId = 'demo-deploy-checkout-v2.14.0';
  inputs.push(cdeventDeployed(badId, 'checkout', 'v2.14.0', 'v2.13.4', badAt, 'payments', 'all_at_once'));
  const rollbackAt = badAt + 30 * MINUTE;
  inputs.push(cdeventRolledBack('demo-rollback-checkout-v2.14.0', 'checkout', 'v2.13.4', badId, rollbackAt));
  effects.push({
    service: 'checkout',
    from: badAt + 2 * MINUTE,
    to: rollbackAt + 2 * MINUTE,
    errors: 22,
    latency: 1.9,
  });
  effects.push({
    service: 'frontend',
    from: badAt + 2 * MINUTE,
    to: rollbackAt + 2 * MINUTE,
    latency: 1.25,
    errors: 3,
  });
  alerts += alertEpisode(
    inputs,
    'HighErrorRate',
    'checkout',
    'critical',
    badAt + 6 * MINUTE,
    rollbackAt + 8 * MINUTE,
    'checkout 5xx ratio above 5% for 5 minutes',
  );
  stories.push({
    name: 'bad code deploy',
    service: 'checkout',
    changeId: badId,
    at: badAt,
    expect: 'fail verdict and a regression incident naming the deploy',
  });

  // Story 2: a config change on payments slows it down; its callers up the chain suffer.
  const configAt = day + 15 * HOUR + 10 * MINUTE;
  const configId = 'demo-config-payments-fraud-timeout';
  inputs.push(cloudeventConfigChange(configId, 'payments', ['fraud.timeout_ms'], configAt));
  const revertAt = configAt + 45 * MINUTE;
  inputs.push(
    cloudeventConfigChange(
      'demo-config-payments-fraud-timeout-revert',
      'payments',
      ['fraud.timeout_ms'],
      revertAt,
      configId,
    ),
  );
  for (const [service, latency, errors] of [
    ['payments', 6, 4],
    ['checkout', 3.5, 6],
    ['frontend', 1.6, 2],
    ['gateway', 1.4, 1.5],
  ] as const) {
    effects.push({ service, from: configAt + MINUTE, to: revertAt + MINUTE, latency, errors });
  }
  alerts += alertEpisode(
    inputs,
    'HighLatency',
    'payments',
    'high',
    configAt + 4 * MINUTE,
    revertAt + 6 * MINUTE,
    'payments p95 latency above 500ms',
  );
  alerts += alertEpisode(
    inputs,
    'HighLatency',
    'checkout',
    'high',
    configAt + 5 * MINUTE,
    revertAt + 6 * MINUTE,
    'checkout p95 latency above 1s',
  );
  alerts += alertEpisode(
    inputs,
    'HighErrorRate',
    'checkout',
    'critical',
    configAt + 6 * MINUTE,
    revertAt + 5 * MINUTE,
    'checkout 5xx ratio above 5% for 5 minutes',
  );
  alerts += alertEpisode(
    inputs,
    'HighLatency',
    'frontend',
    'warning',
    configAt + 7 * MINUTE,
    revertAt + 5 * MINUTE,
    'frontend p95 latency above 300ms',
  );
  alerts += alertEpisode(
    inputs,
    'HighLatency',
    'gateway',
    'warning',
    configAt + 8 * MINUTE,
    revertAt + 4 * MINUTE,
    'gateway p95 latency above 100ms',
  );
  stories.push({
    name: 'config change breaks callers',
    service: 'payments',
    changeId: configId,
    at: configAt,
    expect: 'one incident across payments, checkout, frontend and gateway with the config change first',
  });

  // Story 3: a latency alert on recommendation flapping around its threshold; no change nearby.
  const flapFrom = day + 13 * HOUR;
  effects.push({
    service: 'recommendation',
    from: flapFrom,
    to: flapFrom + HOUR,
    latency: 1.5,
    oscillate: { periodMs: 7 * MINUTE, amplitude: 0.5 },
  });
  for (let k = 0; k < 8; k++) {
    const firing = flapFrom + k * 7 * MINUTE + 2 * MINUTE;
    alerts += alertEpisode(
      inputs,
      'HighLatency',
      'recommendation',
      'warning',
      firing,
      firing + 3 * MINUTE,
      'recommendation p95 latency above 150ms',
    );
  }
  stories.push({
    name: 'flapping alert',
    service: 'recommendation',
    at: flapFrom,
    expect: 'one incident, not eight',
  });

  // Story 4: the nightly export fails at 02:00 — on the demo day and the two nights before.
  const hosts = ['batch-07', 'batch-03', 'batch-11'];
  for (let night = 2; night >= 0; night--) {
    const at = day - night * DAY + 2 * HOUR + Math.floor(random() * 90) * SECOND;
    const summary = `job nightly-export failed after ${3 + night} retries on host ${hosts[night]} (exit code 137, ${1900 + night * 64} MiB used)`;
    alerts += alertEpisode(inputs, 'BatchJobFailed', 'reporting', 'high', at, at + 25 * MINUTE, summary, {
      job: 'nightly-export',
      host: hosts[night]!,
    });
  }
  stories.push({
    name: 'nightly failure',
    service: 'reporting',
    at: day + 2 * HOUR,
    expect: 'a problem candidate with a daily period at 02:00',
  });

  // Dozens of clean deploys during working hours, kept away from the stories' services and times.
  const busy = (service: string, at: number) =>
    (['checkout', 'frontend', 'gateway', 'payments', 'fraud', 'billing'].includes(service) &&
      Math.abs(at - configAt) < 2 * HOUR) ||
    ([
      'checkout',
      'frontend',
      'gateway',
      'cart',
      'shipping',
      'email',
      'currency',
      'orders',
      'productcatalog',
      'payments',
    ].includes(service) &&
      Math.abs(at - badAt) < 2 * HOUR) ||
    (['recommendation', 'productcatalog', 'inventory', 'frontend', 'gateway'].includes(service) &&
      at > flapFrom - 2 * HOUR &&
      at < flapFrom + 90 * MINUTE) ||
    service === 'reporting';
  const versions = new Map<string, number>();
  let deploys = 2;
  for (let i = 0; deploys < 38 && i < 500; i++) {
    const service = DEMO_SERVICES[Math.floor(random() * DEMO_SERVICES.length)]!;
    const at = day + 8 * HOUR + Math.floor(random() * 10 * 60) * MINUTE;
    if (busy(service.name, at)) continue;
    const minor = (versions.get(service.name) ?? Math.floor(random() * 20)) + 1;
    versions.set(service.name, minor);
    const id = `demo-deploy-${service.name}-v1.${minor}.0`;
    inputs.push(
      cdeventDeployed(
        id,
        service.name,
        `v1.${minor}.0`,
        `v1.${minor - 1}.0`,
        at,
        service.team,
        random() < 0.6 ? 'canary' : 'progressive',
      ),
    );
    deploys++;
  }

  // Telemetry for every service, every step of the day.
  let telemetryPoints = 0;
  for (let t = day; t < day + DAY; t += MINUTE) {
    for (const service of DEMO_SERVICES) {
      const points = [];
      for (let s = t; s < t + MINUTE; s += step)
        points.push(
          ...sample(
            service,
            s,
            effects.filter((e) => e.service === service.name),
            random,
          ),
        );
      telemetryPoints += points.length;
      const batch = {
        id: `demo-tb-${service.name}-${t}`,
        service: service.name,
        environment: 'production',
        points,
        resource: { 'service.name': service.name },
      };
      inputs.push({
        at: t + MINUTE,
        format: 'telemetry',
        body: Buffer.from(JSON.stringify(batch)),
        headers: {},
      });
    }
  }

  inputs.sort((a, b) => a.at - b.at);
  return {
    start: day - 2 * DAY,
    end: day + DAY,
    inputs,
    stories,
    counts: { telemetryPoints, deploys, alerts },
  };
}

/** One service's six golden-signal points at time t. */
function sample(service: DemoService, t: number, effects: readonly Effect[], random: () => number) {
  const hour = (t % DAY) / HOUR;
  const load = 0.25 + 0.75 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24));
  let latency = 1;
  let errors = 1;
  for (const e of effects) {
    if (t < e.from || t >= e.to) continue;
    const wave = e.oscillate
      ? 1 + e.oscillate.amplitude * Math.sin((2 * Math.PI * (t - e.from)) / e.oscillate.periodMs)
      : 1;
    latency *= (e.latency ?? 1) * wave;
    errors *= e.errors ?? 1;
  }
  const noise = (sigma: number) => Math.exp(sigma * gaussian(random));
  const rps = service.peakRps * load * noise(0.05);
  const requests = Math.max(0, Math.round(rps * 10));
  const errorCount = poisson(requests * Math.min(0.5, service.errorRatio * errors), random);
  const p95 = service.p95 * (1 + 0.3 * load) * latency * noise(0.06);
  const labels = {};
  const point = (metric: string, value: number, unit: string | null) => ({
    metric,
    value: round(value),
    timestamp: t,
    unit,
    labels,
  });
  return [
    point(METRICS.requests, requests / 10, '1/s'),
    point(METRICS.errors, errorCount / 10, '1/s'),
    point(METRICS.errorRatio, requests > 0 ? errorCount / requests : 0, '1'),
    point(METRICS.p95, p95, 's'),
    point(METRICS.p99, p95 * 1.6 * noise(0.08), 's'),
    point(METRICS.cpu, Math.min(1, 0.1 + 0.55 * load * Math.sqrt(latency) * noise(0.04)), '1'),
  ];
}

function alertEpisode(
  inputs: DemoInput[],
  name: string,
  service: string,
  severity: string,
  from: number,
  to: number,
  summary: string,
  extraLabels: Record<string, string> = {},
): number {
  const labels = { alertname: name, service, environment: 'production', severity, ...extraLabels };
  const fingerprint = fnv(`${name}|${service}|${JSON.stringify(extraLabels)}`);
  const alert = (status: 'firing' | 'resolved', endsAt: number | null) => ({
    status,
    labels,
    annotations: { summary },
    startsAt: iso(from),
    endsAt: endsAt === null ? '0001-01-01T00:00:00Z' : iso(endsAt),
    generatorURL: `https://prometheus.demo.example/graph?g0.expr=${encodeURIComponent(name)}`,
    fingerprint,
  });
  const group = (status: 'firing' | 'resolved', endsAt: number | null) => ({
    version: '4',
    groupKey: `{}:{alertname="${name}", service="${service}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'aftershock',
    groupLabels: { alertname: name, service },
    commonLabels: labels,
    commonAnnotations: { summary },
    externalURL: 'https://alertmanager.demo.example',
    alerts: [alert(status, endsAt)],
  });
  inputs.push({
    at: from,
    format: 'alertmanager',
    body: Buffer.from(JSON.stringify(group('firing', null))),
    headers: { 'content-type': 'application/json' },
  });
  inputs.push({
    at: to,
    format: 'alertmanager',
    body: Buffer.from(JSON.stringify(group('resolved', to))),
    headers: { 'content-type': 'application/json' },
  });
  return 1;
}

function cdeventDeployed(
  id: string,
  service: string,
  version: string,
  previous: string,
  at: number,
  team: string,
  rollout: string,
): DemoInput {
  const event = {
    context: {
      version: '0.4.1',
      id,
      source: '/argo-workflows/prod',
      type: 'dev.cdevents.service.deployed.0.2.0',
      timestamp: iso(at),
    },
    subject: {
      id: `service/${service}`,
      source: '/argo-workflows/prod',
      type: 'service',
      content: {
        environment: { id: 'production' },
        artifactId: `pkg:oci/${service}@${version}?tag=${version}`,
      },
    },
    customData: {
      team,
      previousVersion: previous,
      rollout,
      automated: true,
      finishedAt: iso(at + 3 * MINUTE),
    },
    customDataContentType: 'application/json',
  };
  return {
    at,
    format: 'cdevents',
    body: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/json' },
  };
}

function cdeventRolledBack(
  id: string,
  service: string,
  version: string,
  rollbackOf: string,
  at: number,
): DemoInput {
  const event = {
    context: {
      version: '0.4.1',
      id,
      source: '/argo-workflows/prod',
      type: 'dev.cdevents.service.rolledback.0.2.0',
      timestamp: iso(at),
    },
    subject: {
      id: `service/${service}`,
      source: '/argo-workflows/prod',
      type: 'service',
      content: {
        environment: { id: 'production' },
        artifactId: `pkg:oci/${service}@${version}?tag=${version}`,
      },
    },
    customData: { rollbackOf, initiator: 'oncall@shop.demo.example', automated: false },
    customDataContentType: 'application/json',
  };
  return {
    at,
    format: 'cdevents',
    body: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/json' },
  };
}

function cloudeventConfigChange(
  id: string,
  service: string,
  keys: string[],
  at: number,
  rollbackOf?: string,
): DemoInput {
  const data = {
    id,
    kind: rollbackOf ? 'rollback' : 'config',
    service,
    environment: 'production',
    configKeys: keys,
    startedAt: at,
    finishedAt: at + 30 * SECOND,
    automated: false,
    initiator: 'dev@shop.demo.example',
    rollout: 'all_at_once',
    rollbackOf: rollbackOf ?? null,
  };
  const headers = {
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': `https://config.demo.example/${service}`,
    'ce-type': 'dev.aftershock.change.v1',
    'ce-time': iso(at),
    'content-type': 'application/json',
  };
  return { at, format: 'cloudevents', body: Buffer.from(JSON.stringify(data)), headers };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function fnv(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const c of Buffer.from(text)) h = BigInt.asUintN(64, (h ^ BigInt(c)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function poisson(mean: number, random: () => number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}
