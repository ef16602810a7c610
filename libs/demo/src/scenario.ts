// The demo scenario: one day of a two-dozen-service shop as its observability stack would
// report it — telemetry every 10 seconds with daily seasonality and noise, dozens of deploys
// (most of them clean) announced as CDEvents, alerts from Alertmanager, and four stories the
// engine should tell apart:
//   1. a bad code deploy of checkout (errors and latency up) that is rolled back;
//   2. a config change on payments that breaks its callers up the chain (one incident);
//   3. a flapping latency alert on recommendation with no change anywhere near it;
//   4. a nightly batch failure on reporting at 02:00 that recurs night after night.
// The services, the stories and the clean deploys are data (scenarios/shop-day.json, read by
// scenario-file.ts); this turns them into the events. Deterministic: the same start time and
// seed give the same inputs, byte for byte.
import { seededUniform } from '#core';
import {
  minuteOfDay,
  SCENARIO_FILE,
  type DemoService,
  type ScenarioFile,
  type StoryChange,
} from './scenario-file.js';

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
  /** The file's seed by default. */
  readonly seed?: number;
  /** Telemetry step; the file's (10 s) by default. */
  readonly stepMs?: number;
}

/** The demo day of `file` (scenarios/shop-day.json by default) as the stack would send it. */
export function demoScenario(options: ScenarioOptions, file: ScenarioFile = SCENARIO_FILE): DemoScenario {
  const day = options.day - (options.day % DAY);
  const random = seededUniform(options.seed ?? file.seed);
  const step = options.stepMs ?? file.stepSeconds * SECOND;
  const inputs: DemoInput[] = [];
  const effects: Effect[] = [];
  let alerts = 0;
  let deploys = 0;

  // The stories: their changes, the faults they cause and the alerts those raise.
  const stories = file.stories.map((story): DemoStory => {
    const at = day + minuteOfDay(story.at) * MINUTE;
    for (const change of story.changes) {
      inputs.push(changeInput(change, at + change.at * MINUTE));
      if (change.rollbackOf === undefined) deploys++;
    }
    for (const e of story.effects)
      effects.push({
        service: e.service,
        from: at + e.from * MINUTE,
        to: at + e.to * MINUTE,
        latency: e.latency,
        errors: e.errors,
        oscillate: e.oscillate && {
          periodMs: e.oscillate.periodMinutes * MINUTE,
          amplitude: e.oscillate.amplitude,
        },
      });
    for (const a of story.alerts) {
      for (let k = 0; k < (a.repeat?.times ?? 1); k++) {
        const start =
          at -
          (a.daysBefore ?? 0) * DAY +
          k * (a.repeat?.everyMinutes ?? 0) * MINUTE +
          (a.jitterSeconds ? Math.floor(random() * a.jitterSeconds) * SECOND : 0);
        alerts += alertEpisode(
          inputs,
          a.name,
          a.service,
          a.severity,
          start + a.from * MINUTE,
          start + a.to * MINUTE,
          a.summary,
          a.labels,
        );
      }
    }
    const { name, service, changeId, expect } = story;
    return { name, service, ...(changeId !== undefined && { changeId }), at, expect };
  });

  // Clean deploys of random services during working hours, kept away from the stories' services and times.
  const quiet = file.stories.map((story) => {
    const at = day + minuteOfDay(story.at) * MINUTE;
    const { services, after, before } = story.quiet;
    return {
      services,
      after: at + (after ?? -Infinity) * MINUTE,
      before: at + (before ?? Infinity) * MINUTE,
    };
  });
  const busy = (service: string, at: number) =>
    quiet.some((q) => q.services.includes(service) && at > q.after && at < q.before);
  const { cleanDeploys } = file;
  const from = day + minuteOfDay(cleanDeploys.from) * MINUTE;
  const span = minuteOfDay(cleanDeploys.to) - minuteOfDay(cleanDeploys.from);
  const versions = new Map<string, number>();
  for (let i = 0, clean = 0; clean < cleanDeploys.count && i < cleanDeploys.attempts; i++) {
    const service = file.services[Math.floor(random() * file.services.length)]!;
    const at = from + Math.floor(random() * span) * MINUTE;
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
        random() < cleanDeploys.canaryShare ? 'canary' : 'progressive',
      ),
    );
    clean++;
    deploys++;
  }

  // Telemetry for every service, every step of the day.
  let telemetryPoints = 0;
  for (let t = day; t < day + DAY; t += MINUTE) {
    for (const service of file.services) {
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

function changeInput(change: StoryChange, at: number): DemoInput {
  const { id, service } = change;
  switch (change.kind) {
    case 'deployed':
      return cdeventDeployed(
        id,
        service,
        change.version!,
        change.previousVersion!,
        at,
        change.team!,
        change.rollout!,
      );
    case 'rolledback':
      return cdevent('rolledback', id, service, change.version!, at, {
        rollbackOf: change.rollbackOf!,
        initiator: 'oncall@shop.demo.example',
        automated: false,
      });
    default:
      return cloudeventConfigChange(id, service, change.configKeys!, at, change.rollbackOf);
  }
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
  extraLabels: Readonly<Record<string, string>> = {},
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
  return cdevent('deployed', id, service, version, at, {
    team,
    previousVersion: previous,
    rollout,
    automated: true,
    finishedAt: iso(at + 3 * MINUTE),
  });
}

/** A CDEvents `service.<kind>` event from the deploy tool for `service` at `version`. */
function cdevent(
  kind: 'deployed' | 'rolledback',
  id: string,
  service: string,
  version: string,
  at: number,
  customData: Readonly<Record<string, unknown>>,
): DemoInput {
  const event = {
    context: {
      version: '0.4.1',
      id,
      source: '/argo-workflows/prod',
      type: `dev.cdevents.service.${kind}.0.2.0`,
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
    customData,
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
  keys: readonly string[],
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
