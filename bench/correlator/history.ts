// Scenario 1b of the correlator benchmark: per-event cost as history accumulates (--history N
// resolved incidents, default 10,000; 0 skips it). The app's composition over a stream where a
// deploy and an alert on its service arrive every 10 s and each incident resolves after its quiet
// period, telemetry throughout; CPU per event over 10 minutes at the start and after 1k, 2.5k,
// 5k, 10k … resolved incidents, beside the decode loop's. With bounded, indexed state it stays
// flat.
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
import { mb, table } from '../support/measure.js';
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
  const rng = seededUniform(97);
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

/** Runs the scenario up to `target` resolved incidents and prints its table. */
export async function runHistory(target: number): Promise<void> {
  log('');
  log(
    `# per-event cost as history accumulates — the app's composition, ${HISTORY_SENDERS} services sending telemetry, ` +
      `a deploy and an alert (its own incident) every ${INCIDENT_EVERY_MS / 1000} s on ${HISTORY_SERVICES.toLocaleString('en-US')} services`,
  );
  const points = await benchHistory(target);
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
