// `npm run bench:correlator`, i.e. node dist/bench/correlator/correlator.bench.js
//   [--core-only] [--broker-only] [--services 1000,10000] [--minutes N] [--history N] [--alerts N]
//   [--rounds N]
//
// 1. Core throughput, one core, telemetry-heavy: every service sends six golden-signal series
//    (latency p50/p95/p99, error ratio, request rate, CPU) at 10-s resolution, one batch per
//    service per scrape, plus a few deploys (1% of services, a third of them bad: errors and
//    latency rise) and alerts (1% of services). Event time runs for `minutes` (default 48: the
//    verifier's 45-minute history fills, so memory is measured in the steady state). Each minute
//    of events is generated and Avro-encoded untimed, then timed twice over the same bytes, in
//    main-thread CPU time (process.threadCpuUsage, so other load on a shared machine does not
//    count; wall-clock rates are printed too):
//      baseline — the bare decode-and-dispatch loop: EventCodec.decode of every event, handed
//                 to a no-op;
//      core     — Correlator.process of the decoded events, in two compositions: the verifier
//                 alone (as `aftershock replay` runs it) and verifier + AnomalyDetector (as the
//                 correlator app runs it); attribution and incidents in both;
//      pipeline — decode + core (what one correlator instance spends per event in-process).
//    Memory per tracked series: heap (JS heap + ArrayBuffers) after a full GC at the end minus
//    the same before the correlators existed (the app's composition: the heap it frees when let
//    go), over the tracked series; the components' own estimates (approxBytes) beside it.
//    Per-event cost as history accumulates (--history N resolved incidents, default 10,000; 0
//    skips it): the app's composition over a stream where a deploy and an alert on its service
//    arrive every 10 s and each incident resolves after its quiet period, telemetry throughout;
//    CPU per event over 10 minutes at the start and after 1k, 2.5k, 5k, 10k … resolved
//    incidents, beside the decode loop's. With bounded, indexed state it stays flat.
// 2. Alert-to-incident latency through the real broker: the correlator app
//    (dist/apps/correlator/src/main.js) runs as a child process; alerts for fresh services are
//    produced to aftershock.alerts.v1 at a steady rate and each is timed until its incident event
//    is consumed from aftershock.incidents.v1. Baseline in the same run: a bare kafkajs relay in
//    its own process (eachBatch, decode the same alert bytes, dispatch to a no-op, republish the
//    bytes, commit) over two private topics — the same two broker hops without the correlator.
//    Peak RSS of each child (VmHWM) is reported beside its latencies.
// Goals (issue 5): ≥ 500,000 telemetry points/s per core in the core; p99 alert-to-incident
// under 1 s on the local broker. Kafka: KAFKA_BROKERS, else .kafka/run/brokers, else
// `bash deploy/kafka/kafka-local.sh start`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import kafkajs, { type Consumer, type Producer } from 'kafkajs';
import { projectPath } from '#config';
import { EventCodec, TOPICS, type Alert, type Change, type Incident, type TelemetryBatch } from '#contracts';
import {
  AnomalyDetector,
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  type CorrelatorInput,
  type Edge,
} from '#core';
import { aChange, anAlert, T0 } from '#testing';
import { startProcess } from '../../test/support/app-process.js';
import { mb, PeakRss, percentile, rate, table } from '../support/measure.js';

v8.setFlagsFromString('--expose-gc');
// kafkajs 2.2 schedules a negative timeout under Node 24 (harmless, TimeoutNegativeWarning): keep the output readable.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.warn(w);
});
const gc = vm.runInNewContext('gc') as () => void;

const log = (line: string) => console.log(line);
const MINUTE = 60_000;
const STEP_MS = 10_000;

interface Args {
  readonly core: boolean;
  readonly broker: boolean;
  readonly services: number[];
  readonly minutes: number;
  readonly alerts: number;
  readonly rounds: number;
  /** Resolved incidents to accumulate in the history run (0: skip it). */
  readonly history: number;
}

function args(argv: readonly string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    core: !argv.includes('--broker-only'),
    broker: !argv.includes('--core-only'),
    services: (value('services') ?? '1000,10000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0), // --services 0: only the history run
    minutes: Number(value('minutes') ?? 48),
    alerts: Number(value('alerts') ?? 250),
    rounds: Number(value('rounds') ?? 2),
    history: Number(value('history') ?? 10_000),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. The core.

/** The six series every service sends (names the default golden-signal specs recognise). */
const SERIES: readonly { metric: string; unit: string; level: number; jitter: number }[] = [
  { metric: 'http.server.request.duration.p50', unit: 's', level: 0.04, jitter: 0.2 },
  { metric: 'http.server.request.duration.p95', unit: 's', level: 0.12, jitter: 0.25 },
  { metric: 'http.server.request.duration.p99', unit: 's', level: 0.3, jitter: 0.3 },
  { metric: 'http.server.error.ratio', unit: '1', level: 0.002, jitter: 1 },
  { metric: 'http.server.requests', unit: '1/s', level: 50, jitter: 0.1 },
  { metric: 'process.cpu.utilization', unit: '1', level: 0.35, jitter: 0.15 },
];

/** xorshift32: cheap and seeded, so both timed passes and every run see the same stream. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Scenario {
  readonly services: string[];
  readonly edges: Edge[];
  /** Per service: its deploy time and whether it is bad (undefined: no deploy). */
  readonly deploys: Map<number, { at: number; bad: boolean; change: Change }>;
  readonly alerts: { at: number; alert: Alert }[];
}

function scenario(n: number, minutes: number): Scenario {
  const rng = xorshift(n);
  const services = Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(5, '0')}`);
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) edges.push({ from: services[i]!, to: services[Math.floor(rng() * n)]! });
  }
  const deploys = new Map<number, { at: number; bad: boolean; change: Change }>();
  const late = Math.max(2, minutes - 15);
  for (let k = 0; k < Math.max(3, Math.round(n / 100)); k++) {
    const i = Math.floor(rng() * n);
    const at = T0 + Math.floor((late + rng() * (minutes - 1 - late)) * MINUTE);
    const change = aChange({
      id: `bench-${services[i]}-${k}`,
      service: services[i]!,
      startedAt: at,
      finishedAt: at + MINUTE,
      version: `v${k}`,
      previousVersion: null,
    });
    deploys.set(i, { at, bad: k % 3 === 0, change });
  }
  const alerts: { at: number; alert: Alert }[] = [];
  const bad = [...deploys].filter(([, d]) => d.bad);
  for (let k = 0; k < Math.max(3, Math.round(n / 100)); k++) {
    const onBad = k % 2 === 0 && bad.length > 0;
    const [i, d] = onBad ? bad[k % bad.length]! : [Math.floor(rng() * n), undefined];
    const at = d ? d.at + 3 * MINUTE : T0 + Math.floor((2 + rng() * (minutes - 3)) * MINUTE);
    const service = services[i]!;
    alerts.push({
      at,
      alert: anAlert({
        id: `bench-alert-${k}`,
        fingerprint: `bench-fp-${k}`,
        service,
        startsAt: at,
        labels: { alertname: 'HighErrorRate', service },
      }),
    });
  }
  return { services, edges, deploys, alerts };
}

interface Encoded {
  readonly type: 'telemetry' | 'change' | 'alert';
  readonly bytes: Buffer;
  readonly points: number;
}

/** One minute of the stream, in event-time order, Avro-encoded. */
async function minuteOfEvents(
  s: Scenario,
  minute: number,
  rng: () => number,
  codec: EventCodec,
): Promise<Encoded[]> {
  const start = T0 + minute * MINUTE;
  const out: Encoded[] = [];
  for (let step = 0; step < MINUTE / STEP_MS; step++) {
    const t = start + step * STEP_MS;
    for (const d of s.deploys.values()) {
      if (d.at >= t && d.at < t + STEP_MS)
        out.push({ type: 'change', bytes: await codec.encode('change', d.change), points: 0 });
    }
    for (const a of s.alerts) {
      if (a.at >= t && a.at < t + STEP_MS)
        out.push({ type: 'alert', bytes: await codec.encode('alert', a.alert), points: 0 });
    }
    for (let i = 0; i < s.services.length; i++) {
      const d = s.deploys.get(i);
      const broken = d?.bad === true && t >= d.at + MINUTE;
      const batch: TelemetryBatch = {
        id: `${s.services[i]}@${t}`,
        service: s.services[i]!,
        environment: 'production',
        resource: { 'service.name': s.services[i]! },
        points: SERIES.map((x, k) => {
          let value = x.level * (1 + x.jitter * (rng() - 0.5) * 2);
          if (broken && k < 3) value *= 3;
          if (broken && k === 3) value = 0.05 + 0.01 * rng();
          return { metric: x.metric, value: Math.max(0, value), timestamp: t, unit: x.unit, labels: {} };
        }),
      };
      out.push({
        type: 'telemetry',
        bytes: await codec.encode('telemetry', batch),
        points: batch.points.length,
      });
    }
  }
  return out;
}

function toInput(type: Encoded['type'], value: unknown): CorrelatorInput {
  switch (type) {
    case 'telemetry':
      return { type, batch: value as TelemetryBatch };
    case 'change':
      return { type, change: value as Change };
    case 'alert':
      return { type, alert: value as Alert };
  }
}

/** What one composition of the core did with the stream. */
interface CompositionResult {
  readonly name: string;
  /** Main-thread CPU time (process.threadCpuUsage): one core's work, whatever else runs on the machine. */
  readonly coreMs: number;
  /** Wall-clock time of the same, for comparison (inflated when the machine is busy). */
  readonly wallCoreMs: number;
  /** CPU time over the last LATE_MINUTES: history full, deploys being verified, incidents open. */
  readonly lateCoreMs: number;
  readonly heapPerSeries: number;
  /** The components' own estimates (VerifierStats / DetectorStats approxBytes) per series. */
  readonly estimatePerSeries: number;
  readonly series: number;
  readonly verdicts: number;
  readonly fails: number;
  readonly anomalies: number;
  readonly incidents: number;
}

interface CoreResult {
  readonly services: number;
  readonly points: number;
  readonly latePoints: number;
  readonly events: number;
  readonly decodeMs: number;
  readonly wallDecodeMs: number;
  readonly compositions: CompositionResult[];
}

/** CPU time of this thread (not of GC or compiler helper threads), in ms. */
function cpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * A full GC, twice, with pauses: V8 frees ArrayBuffer backing stores on a background thread
 * after a GC, and `arrayBuffers` only drops once that sweep is done.
 */
async function settledGc(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** JS heap plus ArrayBuffer backing stores (the verifier's series buffers are typed arrays, kept off-heap). */
function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const LATE_MINUTES = 8;

let sink = 0;
/** The baseline's dispatch target: touches the event so the decode is not optimised away. */
function noop(input: CorrelatorInput): void {
  sink += input.type.length;
}

interface Composition {
  readonly name: string;
  /** Dropped (with the verifier and detector it holds) to measure the heap it frees. */
  correlator: Correlator | undefined;
  verifier: DeploymentVerifier | undefined;
  detector: AnomalyDetector | undefined;
  coreMs: number;
  wallCoreMs: number;
  lateCoreMs: number;
  verdicts: number;
  fails: number;
  anomalies: number;
  readonly incidents: Set<string>;
}

function composition(name: string, s: Scenario, withDetector: boolean): Composition {
  const verifier = new DeploymentVerifier();
  const detector = withDetector ? new AnomalyDetector() : undefined;
  return {
    name,
    correlator: new Correlator(verifier, detector, DEFAULT_CORRELATOR_SETTINGS, s.edges),
    verifier,
    detector,
    coreMs: 0,
    wallCoreMs: 0,
    lateCoreMs: 0,
    verdicts: 0,
    fails: 0,
    anomalies: 0,
    incidents: new Set(),
  };
}

/**
 * One pass over the stream per scale: each minute is decoded once (the baseline) and the decoded
 * events are processed by two compositions of the core — the verifier alone (as `aftershock
 * replay` runs it) and verifier + anomaly detector (as the correlator app runs it).
 */
async function benchCore(n: number, minutes: number): Promise<CoreResult> {
  const s = scenario(n, minutes);
  let now = T0;
  const codec = new EventCodec({ now: () => now });
  await settledGc();
  const heap0 = heapBytes();
  const plain = composition('verifier', s, false);
  const deployed = composition('verifier + anomaly detector (the app)', s, true);
  const all = [plain, deployed];
  const rng = xorshift(7 * n + 1);
  let points = 0;
  let latePoints = 0;
  let events = 0;
  let decodeMs = 0;
  let wallDecodeMs = 0;
  // The first two minutes warm the JIT up and are not counted.
  const warm = 2;
  for (let minute = 0; minute < minutes; minute++) {
    now = T0 + (minute + 1) * MINUTE;
    const encoded = await minuteOfEvents(s, minute, rng, codec);
    const minutePoints = encoded.reduce((sum, e) => sum + e.points, 0);
    const counted = minute >= warm;
    const late = minute >= minutes - LATE_MINUTES;
    const decoded: CorrelatorInput[] = new Array(encoded.length);
    let wall = performance.now();
    let cpu = cpuMs();
    for (let i = 0; i < encoded.length; i++) {
      const e = encoded[i]!;
      const input = toInput(e.type, await codec.decode(e.type, e.bytes));
      noop(input);
      decoded[i] = input;
    }
    if (counted) {
      decodeMs += cpuMs() - cpu;
      wallDecodeMs += performance.now() - wall;
      points += minutePoints;
      events += encoded.length;
    }
    if (late) latePoints += minutePoints;
    for (const c of all) {
      wall = performance.now();
      cpu = cpuMs();
      for (const input of decoded) {
        for (const o of c.correlator!.process(input)) {
          if (o.type === 'verdict') {
            c.verdicts++;
            if (o.verdict.outcome === 'fail') c.fails++;
          } else if (o.type === 'incident') c.incidents.add(o.incident.id);
          else c.anomalies++;
        }
      }
      const dCpu = cpuMs() - cpu;
      if (counted) {
        c.coreMs += dCpu;
        c.wallCoreMs += performance.now() - wall;
      }
      if (late) c.lateCoreMs += dCpu;
    }
    if ((minute + 1) % 8 === 0 || minute === minutes - 1) {
      log(
        `  ${n.toLocaleString('en-US')} services: minute ${minute + 1}/${minutes} of event time — decode ${rate(points / (decodeMs / 1000 || 1))} pts, ` +
          all.map((c) => `${c.name} ${rate(points / (c.coreMs / 1000 || 1))} pts`).join(', ') +
          `; heap ${mb(heapBytes())}`,
      );
    }
  }
  // Heap per series: everything but the correlators is garbage now; then each is let go in turn.
  await settledGc();
  const heapBoth = heapBytes();
  const stats = {
    plain: plain.verifier!.stats(),
    deployed: deployed.verifier!.stats(),
    detector: deployed.detector!.stats(),
  };
  const drop = (c: Composition) => {
    c.correlator = undefined;
    c.verifier = undefined;
    c.detector = undefined;
  };
  drop(deployed);
  await settledGc();
  const heapPlain = heapBytes();
  const results: CompositionResult[] = [
    {
      ...counts(plain),
      heapPerSeries: (heapPlain - heap0) / stats.plain.series,
      estimatePerSeries: stats.plain.approxBytes / stats.plain.series,
      series: stats.plain.series,
    },
    {
      ...counts(deployed),
      heapPerSeries: (heapBoth - heapPlain) / stats.deployed.series,
      estimatePerSeries: (stats.deployed.approxBytes + stats.detector.approxBytes) / stats.deployed.series,
      series: stats.deployed.series,
    },
  ];
  drop(plain);
  await settledGc();
  return { services: n, points, latePoints, events, decodeMs, wallDecodeMs, compositions: results };
}

function counts(c: Composition) {
  return {
    name: c.name,
    coreMs: c.coreMs,
    wallCoreMs: c.wallCoreMs,
    lateCoreMs: c.lateCoreMs,
    verdicts: c.verdicts,
    fails: c.fails,
    anomalies: c.anomalies,
    incidents: c.incidents.size,
  };
}

// ---------------------------------------------------------------------------------------------
// 1b. Per-event cost as history accumulates.

/**
 * Services of the history run: HISTORY_SENDERS of them, evenly spread, send telemetry; all get
 * deploys and alerts. Deploys go round the services in order, so every window sees the same
 * share of deploys whose verification judges real telemetry. (With the first 100 sending, those
 * came together once per 2,000 incidents, and a checkpoint at a multiple of 2,000 — 10,000 —
 * measured that burst of judged looks rather than the effect of history.)
 */
const HISTORY_SERVICES = 2_000;
const HISTORY_SENDERS = 100;
/** A deploy every this often; a minute later an alert on its service, resolved a minute after. */
const INCIDENT_EVERY_MS = 10_000;
/** Minutes of events per measurement. */
const HISTORY_WINDOW = 10;
const HISTORY_WARM_MINUTES = 5;

interface HistoryPoint {
  /** Incidents resolved before the measurement began. */
  readonly resolved: number;
  readonly events: number;
  readonly decodeUs: number;
  readonly coreUs: number;
  readonly heap: number;
}

type Scheduled = { at: number; type: Encoded['type']; value: Change | Alert | TelemetryBatch };

/** Incident k of the history run: its deploy, its alert, the alert's resolution. */
function historyIncident(k: number, services: readonly string[]): Scheduled[] {
  const at = T0 + HISTORY_WARM_MINUTES * MINUTE + k * INCIDENT_EVERY_MS;
  const service = services[k % services.length]!;
  const change = aChange({
    id: `hist-chg-${k}`,
    service,
    startedAt: at,
    finishedAt: at + MINUTE,
    version: `v${k}`,
  });
  const alert = anAlert({
    id: `hist-alert-${k}`,
    fingerprint: `hist-fp-${k}`,
    service,
    startsAt: at + MINUTE,
    labels: { alertname: 'HighErrorRate', service },
  });
  const resolved: Alert = { ...alert, status: 'resolved', endsAt: at + 2 * MINUTE };
  return [
    { at, type: 'change', value: change },
    { at: at + MINUTE, type: 'alert', value: alert },
    { at: at + 2 * MINUTE, type: 'alert', value: resolved },
  ];
}

/**
 * The app's composition (verifier + anomaly detector) over a stream in which incidents keep
 * opening and resolving (see historyIncident; each resolves after the quiet period) while
 * telemetry flows. Per-event cost — main-thread CPU per event, decode (the baseline) and core
 * apart — over HISTORY_WINDOW minutes at the start and after each checkpoint of resolved
 * incidents: with state bounded by time and indexed, it stays flat.
 */
async function benchHistory(target: number): Promise<HistoryPoint[]> {
  const rng = xorshift(97);
  const services = Array.from({ length: HISTORY_SERVICES }, (_, i) => `hist-${String(i).padStart(4, '0')}`);
  const edges: Edge[] = services.flatMap((from) =>
    [0, 1, 2].map(() => ({ from, to: services[Math.floor(rng() * HISTORY_SERVICES)]! })),
  );
  const senders = services.filter((_, i) => i % (HISTORY_SERVICES / HISTORY_SENDERS) === 0);
  let now = T0;
  const codec = new EventCodec({ now: () => now });
  const correlator = new Correlator(
    new DeploymentVerifier(),
    new AnomalyDetector(),
    DEFAULT_CORRELATOR_SETTINGS,
    edges,
  );
  const checkpoints = [0, 1_000, 2_500, 5_000, 10_000, 20_000, 50_000].filter((c) => c < target);
  checkpoints.push(target);
  const points: HistoryPoint[] = [];
  let resolved = 0;
  let scheduled: Scheduled[] = []; // incident events not yet due, in time order
  let begun = 0;
  let window: { resolved: number; minutes: number; events: number; decodeMs: number; coreMs: number } | null =
    null;
  for (let minute = 0; checkpoints.length > 0; minute++) {
    const end = T0 + (minute + 1) * MINUTE;
    now = end;
    const due: Scheduled[] = [];
    for (let t = end - MINUTE; t < end; t += STEP_MS) {
      for (const service of senders) {
        const batch: TelemetryBatch = {
          id: `${service}@${t}`,
          service,
          environment: 'production',
          resource: { 'service.name': service },
          points: SERIES.map((x) => ({
            metric: x.metric,
            value: x.level * (1 + x.jitter * (rng() - 0.5) * 2),
            timestamp: t,
            unit: x.unit,
            labels: {},
          })),
        };
        due.push({ at: t, type: 'telemetry', value: batch });
      }
    }
    if (minute >= HISTORY_WARM_MINUTES) {
      while (T0 + HISTORY_WARM_MINUTES * MINUTE + begun * INCIDENT_EVERY_MS < end)
        scheduled.push(...historyIncident(begun++, services));
      scheduled.sort((a, b) => a.at - b.at);
      due.push(...scheduled.filter((e) => e.at < end));
      scheduled = scheduled.filter((e) => e.at >= end);
    }
    due.sort((a, b) => a.at - b.at); // stable: telemetry of a step before that step's incident events
    const encoded: Buffer[] = [];
    for (const e of due) encoded.push(await codec.encode(e.type, e.value));
    if (!window && minute >= HISTORY_WARM_MINUTES && resolved >= checkpoints[0]!)
      window = { resolved, minutes: 0, events: 0, decodeMs: 0, coreMs: 0 };
    let cpu = cpuMs();
    const decoded: CorrelatorInput[] = [];
    for (let i = 0; i < encoded.length; i++) {
      const input = toInput(due[i]!.type, await codec.decode(due[i]!.type, encoded[i]!));
      noop(input);
      decoded.push(input);
    }
    const decodeMs = cpuMs() - cpu;
    cpu = cpuMs();
    for (const input of decoded) {
      for (const o of correlator.process(input))
        if (o.type === 'incident' && o.incident.event === 'resolved') resolved++;
    }
    const coreMs = cpuMs() - cpu;
    if (!window) continue;
    window.minutes++;
    window.events += decoded.length;
    window.decodeMs += decodeMs;
    window.coreMs += coreMs;
    if (window.minutes < HISTORY_WINDOW) continue;
    await settledGc();
    const p: HistoryPoint = {
      resolved: window.resolved,
      events: window.events,
      decodeUs: (1000 * window.decodeMs) / window.events,
      coreUs: (1000 * window.coreMs) / window.events,
      heap: heapBytes(),
    };
    points.push(p);
    log(
      `  after ${p.resolved.toLocaleString('en-US')} resolved incidents: core ${p.coreUs.toFixed(1)} µs/event, ` +
        `baseline decode+no-op ${p.decodeUs.toFixed(1)} µs/event; heap ${mb(p.heap)}`,
    );
    checkpoints.shift();
    window = null;
  }
  return points;
}

// ---------------------------------------------------------------------------------------------
// 2. Alert-to-incident latency on the real broker.

function brokers(): string[] {
  const fromEnv = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  if (fromEnv?.length) return fromEnv;
  const file = projectPath('.kafka', 'run', 'brokers');
  if (!existsSync(file)) {
    log('  no broker: starting one with deploy/kafka/kafka-local.sh start');
    execFileSync('bash', [projectPath('deploy', 'kafka', 'kafka-local.sh'), 'start'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return readFileSync(file, 'utf8').trim().split(',');
}

interface LatencyResult {
  readonly name: string;
  readonly sent: number;
  readonly latencies: number[];
  readonly rssMb?: number;
}

const SEND_INTERVAL_MS = 20;

/**
 * Sends `count` alerts for fresh services to `inTopic`, one every SEND_INTERVAL_MS, and times each until
 * `matches` recognises its result on `outTopic`.
 */
async function timeAlerts(
  kafka: kafkajs.Kafka,
  codec: EventCodec,
  name: string,
  count: number,
  inTopic: string,
  outTopic: string,
  resultService: (value: Buffer) => Promise<string | undefined>,
): Promise<LatencyResult> {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const sentAt = new Map<string, number>();
  const latencies = new Map<string, number>();
  const consumer: Consumer = kafka.consumer({ groupId: `bench-correlator-${run}`, maxWaitTimeInMs: 100 });
  const producer: Producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic: outTopic, fromBeginning: false });
    let wake: (() => void) | undefined;
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const service = await resultService(message.value);
        const sent = service === undefined ? undefined : sentAt.get(service);
        if (sent !== undefined && !latencies.has(service!)) {
          latencies.set(service!, performance.now() - sent);
          wake?.();
        }
      },
    });
    await joined;
    const send = async (service: string) => {
      const value = await codec.encode(
        'alert',
        anAlert({ id: `${service}-a`, fingerprint: `${service}-fp`, service, startsAt: Date.now() }),
      );
      sentAt.set(service, performance.now());
      await producer.send({ topic: inTopic, acks: -1, messages: [{ key: service, value }] });
    };
    // Warm-up: the consumer's offsets are set and the path works end to end.
    for (let w = 0; ; w++) {
      const service = `bench-${run}-warm${w}`;
      await send(service);
      const deadline = Date.now() + 5_000;
      while (!latencies.has(service) && Date.now() < deadline)
        await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
      if (latencies.has(service)) break;
      if (w >= 12) throw new Error(`${name}: no result on ${outTopic} after ${w + 1} warm-up alerts`);
    }
    const services: string[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + i * SEND_INTERVAL_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const service = `bench-${run}-${i}`;
      services.push(service);
      void send(service);
      if ((i + 1) % 100 === 0)
        log(`  ${name}: sent ${i + 1}/${count}, ${services.filter((x) => latencies.has(x)).length} answered`);
    }
    const deadline = Date.now() + 15_000;
    while (services.some((x) => !latencies.has(x)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    return {
      name,
      sent: count,
      latencies: services.flatMap((x) => (latencies.has(x) ? [latencies.get(x)!] : [])),
    };
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
  }
}

/**
 * The bare relay, run as `correlator.bench.js --relay <brokers> <from> <to>` in its own process
 * like the app: kafkajs eachBatch (the app's transport is eachBatch too), decode every alert,
 * dispatch it to a no-op, republish the batch's bytes in one send, then commit.
 */
async function relay(brokerList: string, from: string, to: string): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'aftershock-bench-relay',
    brokers: brokerList.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const codec = new EventCodec({ now: () => Date.now() });
  const consumer = kafka.consumer({
    groupId: `bench-relay-${Date.now().toString(36)}`,
    maxWaitTimeInMs: 500,
  });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: from, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset }) => {
      const out: { key: Buffer | null; value: Buffer }[] = [];
      for (const message of batch.messages) {
        if (!message.value) continue;
        noop(toInput('alert', await codec.decode('alert', message.value)));
        out.push({ key: message.key, value: message.value });
      }
      if (out.length > 0) await producer.send({ topic: to, acks: -1, messages: out });
      for (const message of batch.messages) resolveOffset(message.offset);
    },
  });
  console.log(JSON.stringify({ msg: 'started' }));
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
}

async function started(app: ReturnType<typeof startProcess>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.waitForLog((l) => l.msg === 'started'),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not start in 90 s`)), 90_000)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function peakRssOf(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function benchLatency(count: number, rounds: number): Promise<LatencyResult[]> {
  const list = brokers();
  log(`  broker ${list.join(',')}`);
  const kafka = new kafkajs.Kafka({
    clientId: 'aftershock-bench',
    brokers: list,
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const codec = new EventCodec({ now: () => Date.now() });
  const admin = kafka.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const relayIn = `aftershock.bench.relay-in.${tag}`;
  const relayOut = `aftershock.bench.relay-out.${tag}`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [TOPICS.alerts, TOPICS.incidents, relayIn, relayOut].map((topic) => ({
      topic,
      numPartitions: 6,
    })),
  });
  const relayProcess = startProcess(
    fileURLToPath(import.meta.url),
    ['--relay', list.join(','), relayIn, relayOut],
    {},
  );
  const appStart = performance.now();
  const app = startProcess('dist/apps/correlator/src/main.js', [], {
    KAFKA_BROKERS: list.join(','),
    HTTP_PORT: '0',
    CORRELATOR_INSTANCE_ID: `bench-${tag}`,
  });
  const relayName = 'bare relay (baseline)';
  const appName = 'correlator app';
  const pooled = new Map<string, LatencyResult>();
  const add = (r: LatencyResult) => {
    const known = pooled.get(r.name);
    pooled.set(
      r.name,
      known ? { ...r, sent: known.sent + r.sent, latencies: [...known.latencies, ...r.latencies] } : r,
    );
    const sorted = [...r.latencies].sort((x, y) => x - y);
    log(
      `  ${r.name}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
    );
  };
  try {
    await started(relayProcess, 'the relay');
    await started(app, 'the correlator app');
    log(`  relay and correlator app started (${((performance.now() - appStart) / 1000).toFixed(1)} s)`);
    // Rounds alternate between the two paths, so both see the same broker and machine load.
    for (let round = 1; round <= rounds; round++) {
      log(`  round ${round}/${rounds}`);
      add(
        await timeAlerts(
          kafka,
          codec,
          relayName,
          count,
          relayIn,
          relayOut,
          async (value) => (await codec.decode('alert', value)).service,
        ),
      );
      add(
        await timeAlerts(kafka, codec, appName, count, TOPICS.alerts, TOPICS.incidents, async (value) => {
          const incident = (await codec.decode('incident', value)) as Incident;
          return incident.event === 'opened' ? incident.service : undefined;
        }),
      );
    }
    return [
      { ...pooled.get(relayName)!, rssMb: peakRssOf(relayProcess.child.pid) },
      { ...pooled.get(appName)!, rssMb: peakRssOf(app.child.pid) },
    ];
  } finally {
    for (const p of [relayProcess, app]) {
      p.child.kill('SIGTERM');
      await p.exited();
    }
    await admin.deleteTopics({ topics: [relayIn, relayOut] }).catch(() => undefined);
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const peak = new PeakRss();
  const started = performance.now();
  if (a.core && a.services.length > 0) {
    log(
      `# correlator core — telemetry-heavy stream, ${SERIES.length} series per service at 10-s resolution, ${a.minutes} min of event time`,
    );
    const results: CoreResult[] = [];
    for (const n of a.services) results.push(await benchCore(n, a.minutes));
    log('');
    table(
      log,
      [
        'services',
        'composition',
        'points',
        'baseline decode+no-op',
        'core process()',
        'core / goal',
        `core, last ${LATE_MINUTES} min`,
        'decode+core',
        'pipeline / baseline',
        'series',
        'heap/series',
        'estimate/series',
        'verdicts (fail)',
        'anomalies',
        'incidents',
      ],
      results.flatMap((r) =>
        r.compositions.map((c) => {
          const core = r.points / (c.coreMs / 1000);
          const late = r.latePoints / (c.lateCoreMs / 1000);
          const base = r.points / (r.decodeMs / 1000);
          const pipeline = r.points / ((c.coreMs + r.decodeMs) / 1000);
          return [
            r.services.toLocaleString('en-US'),
            c.name,
            `${(r.points / 1e6).toFixed(1)} M`,
            `${rate(base)} pts`,
            `${rate(core)} pts`,
            `${((100 * core) / 500_000).toFixed(0)}%`,
            `${rate(late)} pts`,
            `${rate(pipeline)} pts`,
            `${((100 * pipeline) / base).toFixed(0)}%`,
            c.series.toLocaleString('en-US'),
            `${(c.heapPerSeries / 1024).toFixed(1)} KB`,
            `${(c.estimatePerSeries / 1024).toFixed(1)} KB`,
            `${c.verdicts} (${c.fails})`,
            String(c.anomalies),
            String(c.incidents),
          ];
        }),
      ),
    );
    log(
      `(points per second of main-thread CPU time, i.e. on one core; "core / goal" against 500,000 points/s; ` +
        `events = batches of ${SERIES.length} points plus changes and alerts)`,
    );
    for (const r of results) {
      log(
        `  wall clock, ${r.services.toLocaleString('en-US')} services: baseline ${rate(r.points / (r.wallDecodeMs / 1000))} pts, ` +
          r.compositions.map((c) => `${c.name} ${rate(r.points / (c.wallCoreMs / 1000))} pts`).join(', ') +
          ' (lower when other processes share the cores)',
      );
    }
  }
  if (a.core && a.history > 0) {
    log('');
    log(
      `# per-event cost as history accumulates — the app's composition, ${HISTORY_SENDERS} services sending telemetry, ` +
        `a deploy and an alert (its own incident) every ${INCIDENT_EVERY_MS / 1000} s on ${HISTORY_SERVICES.toLocaleString('en-US')} services`,
    );
    const points = await benchHistory(a.history);
    log('');
    const first = points[0]!;
    table(
      log,
      ['resolved incidents', 'events', 'baseline decode+no-op', 'core process()', 'core vs start', 'heap'],
      points.map((p) => [
        p.resolved.toLocaleString('en-US'),
        p.events.toLocaleString('en-US'),
        `${p.decodeUs.toFixed(1)} µs/event`,
        `${p.coreUs.toFixed(1)} µs/event`,
        `×${(p.coreUs / first.coreUs).toFixed(2)}`,
        mb(p.heap),
      ]),
    );
    log(`(main-thread CPU per event over ${HISTORY_WINDOW} minutes of event time from each point on)`);
  }
  if (a.broker) {
    log('');
    log(
      `# alert-to-incident latency on the real broker — ${a.rounds} rounds × ${a.alerts} alerts per path, one every ${SEND_INTERVAL_MS} ms`,
    );
    const results = await benchLatency(a.alerts, a.rounds);
    log('');
    const base = results[0]!;
    table(
      log,
      ['path', 'answered', 'p50', 'p90', 'p99', 'max', 'p99 vs baseline', 'peak RSS'],
      results.map((r) => {
        const sorted = [...r.latencies].sort((x, y) => x - y);
        const baseSorted = [...base.latencies].sort((x, y) => x - y);
        return [
          r.name,
          `${r.latencies.length}/${r.sent}`,
          `${percentile(sorted, 50).toFixed(1)} ms`,
          `${percentile(sorted, 90).toFixed(1)} ms`,
          `${percentile(sorted, 99).toFixed(1)} ms`,
          `${(sorted.at(-1) ?? NaN).toFixed(1)} ms`,
          `×${(percentile(sorted, 99) / percentile(baseSorted, 99)).toFixed(2)}`,
          r.rssMb ? `${r.rssMb.toFixed(0)} MB` : '–',
        ];
      }),
    );
    log('(goal: p99 alert-to-incident < 1,000 ms)');
  }
  log('');
  log(
    `peak RSS of this process ${mb(peak.stop())}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  );
  if (sink < 0) log(String(sink));
}

const argv = process.argv.slice(2);
if (argv[0] === '--relay') await relay(argv[1]!, argv[2]!, argv[3]!);
else await main();
process.exit(0);
