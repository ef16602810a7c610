// A broker-free test driver for the whole correlator (in the spirit of Kafka Streams'
// TopologyTestDriver): a scenario — changes, alerts and telemetry generators on a timeline —
// becomes the exact sequence of events a correlator instance would receive, with a chosen
// delivery (delay, seeded out-of-order jitter, batching), and the driver collects what the
// correlator emits. Pure and deterministic; scenario files live in libs/core/scenarios/correlation.
import { completeChange } from '../change-record.js';
import type { Alert, Change, ChangeKind, Incident, Severity, TelemetryBatch, Verdict } from '#contracts';
import { SeededRandom } from '../stats/random.js';
import {
  DEFAULT_VERIFIER_SETTINGS,
  DeploymentVerifier,
  type VerifierSettings,
} from '../verification/verifier.js';
import { generateSeries, type ScenarioSeries } from './verification-scenario.js';
import {
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  type CorrelatorInput,
  type CorrelatorOutput,
} from '../correlation/correlator.js';
import {
  latestVersions,
  restoreCorrelator,
  restoreHorizons,
  type RestoreHorizons,
  type RestoreSources,
} from '../correlation/restore.js';

const MINUTE = 60_000;

export interface ScenarioChange {
  /** Minutes after the scenario start. */
  readonly at: number;
  /** Minutes after the start when the change event arrives (default: when it starts). */
  readonly reportedAt?: number;
  readonly id: string;
  readonly service: string;
  readonly kind?: ChangeKind;
  readonly version?: string;
  readonly rollbackOf?: string;
  readonly durationMinutes?: number;
  readonly scope?: Change['scope'];
  readonly scopeName?: string;
}

export interface ScenarioAlert {
  readonly at: number;
  readonly name: string;
  readonly service: string;
  readonly fingerprint?: string;
  readonly severity?: Severity;
  /** Minutes after start when it resolves; omitted = still firing. */
  readonly resolvedAt?: number;
}

export interface CorrelationSeries extends ScenarioSeries {
  /** Minutes after the scenario start where `before` turns into `after` (the series' t0). */
  readonly shiftAt: number;
}

export interface CorrelationDelivery {
  readonly name?: string;
  readonly delaySeconds?: number;
  /** Seeded extra delay in [0, jitterSeconds) per event: reorders events across partitions. */
  readonly jitterSeconds?: number;
  readonly batchSeconds?: number;
  readonly seed?: number;
}

export interface CorrelationScenario {
  readonly name: string;
  readonly description?: string;
  readonly start: string;
  /** [caller, callee] pairs. */
  readonly graph?: readonly (readonly [string, string])[];
  readonly changes?: readonly ScenarioChange[];
  readonly alerts?: readonly ScenarioAlert[];
  readonly series?: readonly CorrelationSeries[];
  readonly verifier?: Partial<VerifierSettings>;
  readonly deliveries?: readonly CorrelationDelivery[];
  readonly expect: unknown;
}

export interface DriverRun {
  readonly outputs: CorrelatorOutput[];
  /** The newest version of every incident. */
  readonly incidents: Incident[];
  /** The final (or last) verdict per change. */
  readonly verdicts: Map<string, Verdict>;
}

export interface Timed {
  readonly arrival: number;
  readonly order: number;
  readonly input: CorrelatorInput;
}

export interface DriverOptions {
  /**
   * Minutes after the start: the correlator is killed there and a fresh one rebuilds its state
   * from what it would read back (restore.ts) — the events before, its published outputs — and
   * carries on with the rest.
   */
  readonly restartAt?: number;
}

/** The events a correlator instance would receive for the scenario, in arrival order. */
export function scenarioEvents(scenario: CorrelationScenario, delivery: CorrelationDelivery = {}): Timed[] {
  const start = Date.parse(scenario.start);
  const rng = new SeededRandom(delivery.seed ?? 1);
  const delay = (delivery.delaySeconds ?? 0) * 1000;
  const jitter = () => (delivery.jitterSeconds ? rng.next() * delivery.jitterSeconds * 1000 : 0);
  const events: Timed[] = [];
  let order = 0;
  const push = (at: number, input: CorrelatorInput) =>
    events.push({ arrival: at + delay + jitter(), order: order++, input });

  for (const c of scenario.changes ?? []) {
    const startedAt = start + c.at * MINUTE;
    push(start + (c.reportedAt ?? c.at) * MINUTE, { type: 'change', change: changeOf(c, startedAt) });
  }
  for (const a of scenario.alerts ?? []) {
    const firing = alertOf(a, start);
    push(firing.startsAt, { type: 'alert', alert: firing });
    if (a.resolvedAt !== undefined) {
      const endsAt = start + a.resolvedAt * MINUTE;
      push(endsAt, {
        type: 'alert',
        alert: { ...firing, id: `${firing.id}/resolved`, status: 'resolved', endsAt },
      });
    }
  }
  const batchMs = (delivery.batchSeconds ?? 60) * 1000;
  const byBucket = new Map<string, TelemetryBatch>();
  for (const series of scenario.series ?? []) {
    for (const point of generateSeries(series, start + series.shiftAt * MINUTE)) {
      const bucket = Math.floor(point.timestamp / batchMs) * batchMs;
      const key = `${series.service}@${bucket}`;
      const batch = byBucket.get(key) ?? {
        id: key,
        service: series.service,
        environment: 'production',
        points: [],
        resource: {},
      };
      (batch.points as unknown[]).push(point);
      byBucket.set(key, batch);
    }
  }
  for (const [key, batch] of [...byBucket].sort(([a], [b]) => a.localeCompare(b))) {
    const bucket = Number(key.split('@')[1]);
    push(bucket + batchMs, { type: 'telemetry', batch });
  }
  events.sort((a, b) => a.arrival - b.arrival || a.order - b.order);
  return events;
}

export function runScenario(
  scenario: CorrelationScenario,
  delivery: CorrelationDelivery = {},
  options: DriverOptions = {},
): DriverRun {
  const start = Date.parse(scenario.start);
  const events = scenarioEvents(scenario, delivery);
  const edges = (scenario.graph ?? []).map(([from, to]) => ({ from, to }));
  const fresh = () =>
    new Correlator(
      new DeploymentVerifier(scenario.verifier ?? {}),
      undefined,
      DEFAULT_CORRELATOR_SETTINGS,
      edges,
    );
  let correlator = fresh();
  const outputs: CorrelatorOutput[] = [];
  const cut = options.restartAt === undefined ? Number.POSITIVE_INFINITY : start + options.restartAt * MINUTE;
  let restarted = false;
  for (const e of events) {
    if (!restarted && e.arrival >= cut) {
      correlator = fresh();
      const horizons = restoreHorizons(verifierSettings(scenario.verifier), DEFAULT_CORRELATOR_SETTINGS);
      const restored = restoreCorrelator(correlator, readBack(events, outputs, cut, horizons), {
        verifySince: cut - horizons.verifyWithinMs,
        unsettledSince: cut - horizons.signalsMs,
        owns: () => true,
      });
      outputs.push(...restored.publish);
      restarted = true;
    }
    outputs.push(...correlator.process(e.input));
  }
  const last = events.at(-1)?.arrival ?? start;
  outputs.push(...correlator.advanceTo(last + 3 * 3_600_000));

  const verdicts = new Map<string, Verdict>();
  for (const o of outputs) {
    if (o.type !== 'verdict') continue;
    const known = verdicts.get(o.verdict.changeId);
    if (!known || !known.final) verdicts.set(o.verdict.changeId, o.verdict);
  }
  const incidents = latestVersions(outputs.flatMap((o) => (o.type === 'incident' ? [o.incident] : [])));
  return {
    outputs,
    incidents: incidents.sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id)),
    verdicts,
  };
}

function verifierSettings(overrides: Partial<VerifierSettings> | undefined): VerifierSettings {
  return { ...DEFAULT_VERIFIER_SETTINGS, ...overrides };
}

/** What a correlator restarted at `cut` reads back: the topics' contents before it, within the horizons. */
function readBack(
  events: readonly Timed[],
  outputs: readonly CorrelatorOutput[],
  cut: number,
  horizons: RestoreHorizons,
): RestoreSources {
  const before = (since: number) =>
    events.filter((e) => e.arrival < cut && e.arrival >= since).map((e) => e.input);
  const all = before(Number.NEGATIVE_INFINITY);
  const signals = before(cut - horizons.signalsMs);
  const telemetry = before(cut - horizons.telemetryMs);
  return {
    changes: all.flatMap((i) => (i.type === 'change' ? [i.change] : [])),
    assessments: all.flatMap((i) => (i.type === 'assessment' ? [i.assessment] : [])),
    verdicts: outputs.flatMap((o) => (o.type === 'verdict' ? [o.verdict] : [])),
    incidents: outputs.flatMap((o) => (o.type === 'incident' ? [o.incident] : [])),
    alerts: signals.flatMap((i) => (i.type === 'alert' ? [i.alert] : [])),
    commands: signals.flatMap((i) => (i.type === 'command' ? [i.command] : [])),
    telemetry: telemetry.flatMap((i) => (i.type === 'telemetry' ? [i.batch] : [])),
  };
}

function changeOf(c: ScenarioChange, startedAt: number): Change {
  return completeChange({
    id: c.id,
    source: 'scenario',
    kind: c.kind ?? 'deployment',
    service: c.service,
    version: c.version ?? null,
    startedAt,
    finishedAt: startedAt + (c.durationMinutes ?? 2) * MINUTE,
    scope: c.scope ?? 'service',
    scopeName: c.scopeName ?? null,
    rollout: 'unknown',
    rollbackOf: c.rollbackOf ?? null,
  });
}

function alertOf(a: ScenarioAlert, start: number): Alert {
  const fingerprint = a.fingerprint ?? `${a.name}@${a.service}`;
  const startsAt = start + a.at * MINUTE;
  return {
    id: `${fingerprint}/${startsAt}`,
    fingerprint,
    status: 'firing',
    name: a.name,
    service: a.service,
    environment: 'production',
    severity: a.severity ?? 'warning',
    summary: `${a.name} on ${a.service}`,
    labels: { alertname: a.name, service: a.service },
    annotations: {},
    startsAt,
    endsAt: null,
    source: 'scenario',
    link: null,
    team: null,
    runbookUrl: null,
  };
}
