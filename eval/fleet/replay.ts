// One generated system through the real correlator: its telemetry and changes in event-time
// order, a DeploymentVerifier (defaults unless overridden), the call graph when the system's
// catalog gives one (and the run does not withhold it). Symptoms are raised by the alert rule
// and the engine's anomaly detector on every service's user-facing series; 5 minutes after each
// is raised, the suspects the correlator names for it then, and the two floors.
import type { Suspect } from '#contracts';
import {
  Correlator,
  DEFAULT_ATTRIBUTION,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  type VerifierSettings,
} from '#core';
import { SeriesStore } from '../common/floors.js';
import { floorsFor, SymptomReadings, type Floors, type Reading } from '../common/readings.js';
import { SymptomWatch } from '../common/symptoms.js';
import { VerdictLog } from '../common/verdicts.js';
import type { Simulation } from './sim/simulate.js';
import { callEdges } from './sim/topology.js';

const MINUTE = 60_000;
export const RANK_AFTER_MS = 5 * MINUTE;

export interface SystemRun {
  readonly sim: Simulation;
  readonly graphGiven: boolean;
  readonly verdicts: VerdictLog;
  readonly readings: readonly Reading<{ readonly suspects: Suspect[] } & Floors>[];
  readonly points: number;
  readonly ms: number;
}

export interface ReplayOptions {
  /** Give the system's call graph to the correlator when its catalog has one. */
  readonly graph: boolean;
  readonly verifier?: Partial<VerifierSettings>;
}

export function replaySystem(sim: Simulation, options: ReplayOptions): SystemRun {
  const started = performance.now();
  const graphGiven = options.graph && sim.system.families.graph;
  const correlator = new Correlator(
    new DeploymentVerifier(options.verifier ?? {}),
    undefined,
    DEFAULT_CORRELATOR_SETTINGS,
    graphGiven ? callEdges(sim.system) : [],
  );
  const changes = [...sim.changes].map((c) => c.change).sort((a, b) => a.startedAt - b.startedAt);
  const store = new SeriesStore();
  const watch = new SymptomWatch(() => true, { sources: ['alert', 'anomaly'] });
  const verdicts = new VerdictLog();
  const readings = new SymptomReadings(RANK_AFTER_MS, (symptom, at) => ({
    suspects: correlator.suspectsFor(symptom),
    ...floorsFor(changes, store, symptom, at, DEFAULT_ATTRIBUTION),
  }));
  let next = 0;
  let points = 0;
  for (const batch of sim.batches()) {
    const t = batch.points[0]?.timestamp ?? 0;
    for (; next < changes.length && changes[next]!.startedAt <= t; next++) {
      readings.due(changes[next]!.startedAt);
      verdicts.collect(correlator.process({ type: 'change', change: changes[next]! }));
    }
    readings.due(t);
    verdicts.collect(correlator.process({ type: 'telemetry', batch }));
    store.add(batch);
    points += batch.points.length;
    for (const raised of watch.observe(batch)) readings.raise(raised);
  }
  readings.due(Infinity);
  verdicts.collect(correlator.advanceTo(sim.end + 3_600_000));
  return { sim, graphGiven, verdicts, readings: readings.readings, points, ms: performance.now() - started };
}
