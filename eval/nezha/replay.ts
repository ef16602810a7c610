// One day through the real correlator: the day's telemetry (one batch per service per minute)
// and changes in event-time order, a DeploymentVerifier (defaults unless overridden), the
// dependency graph as given. Alongside, the symptom watch on the entry service (the alert rule
// at each factor being tuned, and the engine's anomaly detector) and, 5 minutes after each
// symptom is raised, the suspects the correlator names for it then (for each attribution
// setting being tuned) and the two floors on the same candidates.
import type { Change, Suspect, TelemetryBatch, TelemetryPoint, Verdict } from '#contracts';
import {
  Correlator,
  DEFAULT_ATTRIBUTION,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  type CorrelatorInput,
  type Edge,
  type VerifierSettings,
} from '#core';
import { SeriesStore } from '../common/floors.js';
import { floorsFor, SymptomReadings } from '../common/readings.js';
import { VerdictLog } from '../common/verdicts.js';
import { DEFAULT_ALERT_RULE, SymptomWatch, type RaisedSymptom } from '../common/symptoms.js';
import type { ChangeRecord } from './changes.js';
import { unitOf, type NezhaDay } from './nezha-data.js';

const MINUTE = 60_000;
/** The suspects are read this long after the symptom is raised: what on-call sees once the incident has settled. */
export const RANK_AFTER_MS = 5 * MINUTE;

export type Watch = 'front' | 'all';

/** Settings tuned on the development day(s); the grid's first entry is the default. */
export interface Knobs {
  readonly alertFactor: number;
  readonly hazardDecayMs: number;
}

export const KNOB_GRID = {
  alertFactor: [1.5, 1.3, 2],
  hazardDecayMs: [20 * MINUTE, 10 * MINUTE, 40 * MINUTE],
} as const;

export const DEFAULT_KNOBS: Knobs = {
  alertFactor: KNOB_GRID.alertFactor[0],
  hazardDecayMs: KNOB_GRID.hazardDecayMs[0],
};

export interface RankedSymptom {
  readonly symptom: RaisedSymptom;
  /** The alert factor that raised it; null for the anomaly detector and failed verifications. */
  readonly factor: number | null;
  readonly rankAt: number;
  /** Suspects per hazardDecayMs. */
  readonly rankings: ReadonlyMap<number, Suspect[]>;
  readonly latest: string | null;
  readonly largestShift: string | null;
}

export interface ReplayResult {
  readonly verdicts: ReadonlyMap<string, Verdict[]>;
  readonly symptoms: readonly RankedSymptom[];
  readonly graphEdges: number;
  readonly stats: { points: number; batches: number; verdicts: number; ms: number };
}

export interface ReplaySetup {
  readonly day: NezhaDay;
  readonly front: string;
  /** Whose user-facing series raise symptoms: the entry service alone, or every service (as the fleet eval does). */
  readonly watch: Watch;
  readonly records: readonly ChangeRecord[];
  readonly edges: readonly Edge[];
  readonly verifier: Partial<VerifierSettings>;
}

export function telemetry(day: NezhaDay): TelemetryBatch[] {
  const batches = new Map<string, { service: string; at: number; points: TelemetryPoint[] }>();
  for (const row of day.rows) {
    const minute = Math.floor(row.at / MINUTE) * MINUTE;
    const key = `${row.service}@${minute}`;
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { service: row.service, at: row.at, points: [] }));
    batch.at = Math.max(batch.at, row.at);
    for (const [metric, value] of row.values) {
      const labelled = /^(.*)\{(.*)\}$/.exec(metric);
      const name = labelled ? labelled[1]! : metric;
      const labels = labelled
        ? Object.fromEntries(labelled[2]!.split(',').map((kv) => kv.split('=') as [string, string]))
        : {};
      batch.points.push({ metric: name, value, timestamp: row.at, unit: unitOf(name), labels });
    }
  }
  return [...batches.entries()]
    .sort(([, a], [, b]) => a.at - b.at || a.service.localeCompare(b.service))
    .map(([key, b]) => ({
      id: key,
      service: b.service,
      environment: 'production',
      points: b.points,
      resource: { source: 'nezha' },
    }));
}

function verificationSymptom(verdict: Verdict): RaisedSymptom {
  const metric = verdict.metrics.find((m) => m.outcome === 'fail')?.metric ?? 'verification';
  return {
    service: verdict.service,
    onset: verdict.observationStart,
    raisedAt: verdict.decidedAt,
    source: 'verification',
    metric,
    // The engine attributes its verification incidents without a symptom kind.
    kind: null,
  };
}

export function replay(setup: ReplaySetup): ReplayResult {
  const started = performance.now();
  const { day, front } = setup;
  const batches = telemetry(day);
  const events: { at: number; order: number; input: CorrelatorInput }[] = [];
  for (const batch of batches)
    events.push({
      at: Math.max(...batch.points.map((p) => p.timestamp)),
      order: events.length,
      input: { type: 'telemetry', batch },
    });
  for (const r of setup.records)
    events.push({
      at: r.change.startedAt,
      order: events.length,
      input: { type: 'change', change: r.change },
    });
  events.sort((a, b) => a.at - b.at || a.order - b.order);

  const correlator = new Correlator(
    new DeploymentVerifier(setup.verifier),
    undefined,
    DEFAULT_CORRELATOR_SETTINGS,
    setup.edges,
  );
  const watched = setup.watch === 'all' ? () => true : (s: string) => s === front;
  const watches = [
    ...KNOB_GRID.alertFactor.map((factor) => ({
      factor,
      watch: new SymptomWatch(watched, { sources: ['alert'], alertRule: { ...DEFAULT_ALERT_RULE, factor } }),
    })),
    { factor: null, watch: new SymptomWatch(watched, { sources: ['anomaly'] }) },
  ];
  const store = new SeriesStore();
  const changes: Change[] = setup.records.map((r) => r.change);
  const verdicts = new VerdictLog();
  // Suspects are read RANK_AFTER_MS after a symptom is raised, for every hazard decay being tuned.
  const readings = new SymptomReadings(RANK_AFTER_MS, (symptom, at) => {
    const rankings = new Map<number, Suspect[]>();
    for (const decay of KNOB_GRID.hazardDecayMs)
      rankings.set(
        decay,
        correlator.suspectsFor(
          { service: symptom.service, onset: symptom.onset, kind: symptom.kind },
          { ...DEFAULT_ATTRIBUTION, hazardDecayMs: decay },
        ),
      );
    return { rankings, ...floorsFor(changes, store, symptom, at, DEFAULT_ATTRIBUTION) };
  });
  const factorOf = new Map<RaisedSymptom, number | null>();
  const failed = new Set<string>();
  for (const e of events) {
    readings.due(e.at);
    const out = correlator.process(e.input);
    verdicts.collect(out);
    // A failed verification opens an incident on the change's service from its start (the engine's own symptom).
    for (const o of out)
      if (o.type === 'verdict' && o.verdict.outcome === 'fail' && !failed.has(o.verdict.changeId)) {
        failed.add(o.verdict.changeId);
        const raised = verificationSymptom(o.verdict);
        factorOf.set(raised, null);
        readings.raise(raised);
      }
    if (e.input.type !== 'telemetry') continue;
    const batch = e.input.batch;
    store.add(batch);
    for (const { factor, watch } of watches)
      for (const raised of watch.observe(batch)) {
        factorOf.set(raised, factor);
        readings.raise(raised);
      }
  }
  readings.due(Infinity);
  verdicts.collect(correlator.advanceTo(day.end + 3 * 3_600_000));
  return {
    verdicts: verdicts.byChange,
    symptoms: readings.readings.map((r) => ({
      symptom: r.symptom,
      factor: factorOf.get(r.symptom)!,
      rankAt: r.at,
      ...r.value,
    })),
    graphEdges: correlator.graph.edges().length,
    stats: {
      points: batches.reduce((n, b) => n + b.points.length, 0),
      batches: batches.length,
      verdicts: verdicts.count,
      ms: performance.now() - started,
    },
  };
}
