// Scenario 1 of the correlator benchmark: core throughput, one core, telemetry-heavy. Every
// service sends six golden-signal series (latency p50/p95/p99, error ratio, request rate, CPU) at
// 10-s resolution, one batch per service per scrape, plus a few deploys (1% of services, a third
// of them bad: errors and latency rise) and alerts (1% of services). Event time runs for
// `minutes` (default 48: the verifier's 45-minute history fills, so memory is measured in the
// steady state). Each minute of events is generated and Avro-encoded untimed, then timed twice
// over the same bytes, in main-thread CPU time (process.threadCpuUsage, so other load on a shared
// machine does not count; wall-clock rates are printed too):
//   baseline — the bare decode-and-dispatch loop: EventCodec.decode of every event, handed
//              to a no-op;
//   core     — Correlator.process of the decoded events, in two compositions: the verifier
//              alone (as `aftershock replay` runs it) and verifier + AnomalyDetector (as the
//              correlator app runs it); attribution and incidents in both;
//   pipeline — decode + core (what one correlator instance spends per event in-process).
// Memory per tracked series: heap (JS heap + ArrayBuffers) after a full GC at the end minus the
// same before the correlators existed (the app's composition: the heap it frees when let go),
// over the tracked series; the components' own estimates (approxBytes) beside it.
import { EventCodec, type Alert, type Change, type TelemetryBatch } from '#contracts';
import {
  AnomalyDetector,
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  seededUniform,
  type CorrelatorInput,
  type Edge,
} from '#core';
import { aChange, anAlert, T0 } from '#testing';
import { mb, rate, table } from '../support/measure.js';
import {
  cpuMs,
  heapBytes,
  log,
  MINUTE,
  noop,
  SERIES,
  settledGc,
  STEP_MS,
  toInput,
  type Encoded,
} from './support.js';

interface Scenario {
  readonly services: string[];
  readonly edges: Edge[];
  /** Per service: its deploy time and whether it is bad (undefined: no deploy). */
  readonly deploys: Map<number, { at: number; bad: boolean; change: Change }>;
  readonly alerts: { at: number; alert: Alert }[];
}

function scenario(n: number, minutes: number): Scenario {
  const rng = seededUniform(n);
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

export interface CoreResult {
  readonly services: number;
  readonly points: number;
  readonly latePoints: number;
  readonly events: number;
  readonly decodeMs: number;
  readonly wallDecodeMs: number;
  readonly compositions: CompositionResult[];
}

const LATE_MINUTES = 8;

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
  const rng = seededUniform(7 * n + 1);
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

/** Runs the scenario at each scale and prints its table. */
export async function runThroughput(services: readonly number[], minutes: number): Promise<void> {
  log(
    `# correlator core — telemetry-heavy stream, ${SERIES.length} series per service at 10-s resolution, ${minutes} min of event time`,
  );
  const results: CoreResult[] = [];
  for (const n of services) results.push(await benchCore(n, minutes));
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
