// Scoring one replayed system.
// - Bad changes: detected when the change's own verification fails (any look); delay in looks
//   (a look a minute); "eligible" when the fault moves the golden signals the system exports of
//   the changed service or its direct callers by ≥ 50% (the simulator's noiseless model, see
//   Simulation.move). A symptom belongs to the latest bad change that started before it began
//   (else within the clock-skew allowance) whose fault can show on its service (the service or a
//   transitive caller) as its kind of trouble (latency faults as latency, errors as errors, …),
//   raised within 15 minutes of the change's start, and that moves a golden signal by ≥ 20% (a
//   fault that moves nothing raises nothing: an alert in its window is noise); the rank of the
//   change in the suspects read 5 minutes later, beside the floors on the same symptom.
// - Clean changes: "untouched" when no bad change whose effect could reach its service (its
//   service or a dependency of it) is in effect from 6 minutes before it to the end of its
//   observation; untouched clean changes should pass. A neighbour on the same node is not a
//   reason to fail: co-tenants stay untouched.
import type { MetricJudgement } from '#contracts';
import { DEFAULT_ATTRIBUTION } from '#core';
import type { Reading, Floors } from '../common/readings.js';
import type { FaultKind, SimChange } from './sim/changes.js';
import { bandOf } from './sim/topology.js';
import type { SystemRun } from './replay.js';
import type { Suspect } from '#contracts';

const MINUTE = 60_000;
const SYMPTOM_WINDOW_MS = 15 * MINUTE;
const EFFECT_CARRYOVER_MS = 6 * MINUTE;
const OBSERVATION_MS = 17 * MINUTE;
export const ELIGIBLE_MOVE = 0.5;
/** The kinds of symptom each kind of fault can raise. */
const SHOWS_AS: Record<FaultKind, readonly string[]> = {
  latency: ['latency'],
  cpu: ['latency', 'saturation'],
  leak: ['latency', 'saturation'],
  errors: ['error_ratio'],
  'wrong-results': ['error_ratio'],
};
/** A fault that moves its golden signals less than this cannot be the cause of a symptom. */
const SYMPTOM_MOVE = 0.2;

export interface BadScore {
  readonly system: string;
  readonly change: SimChange;
  readonly band: string;
  readonly depth: number;
  readonly move: number;
  readonly eligible: boolean;
  readonly detected: boolean;
  readonly delayLooks: number;
  readonly reading: Reading<{ readonly suspects: Suspect[] } & Floors> | undefined;
  /** Rank of the change (1-based; Infinity without a symptom or when not a candidate). */
  readonly rank: number;
  readonly latestHit: boolean;
  readonly shiftHit: boolean;
}

export interface CleanScore {
  readonly system: string;
  readonly change: SimChange;
  readonly band: string;
  readonly depth: number;
  readonly touched: boolean;
  readonly failed: boolean;
  readonly failing: readonly MetricJudgement[];
}

export interface SystemScore {
  readonly bad: readonly BadScore[];
  readonly clean: readonly CleanScore[];
  readonly strayAlerts: number;
  readonly serviceHours: number;
}

export function scoreSystem(run: SystemRun): SystemScore {
  const { sim } = run;
  const rate = (service: string) => sim.system.byName.get(service)!.rate;
  const bads = sim.changes.filter((c) => c.fault);
  const visible = bads.filter((c) => sim.move(c) >= SYMPTOM_MOVE);
  // Each reading's owner: of the bad changes whose fault can show on its service as its kind of
  // trouble, the latest that started before the symptom began (else within the clock-skew allowance).
  const owner = new Map<SimChange, Reading<{ readonly suspects: Suspect[] } & Floors>>();
  let stray = 0;
  const skew = DEFAULT_ATTRIBUTION.skewMs;
  for (const r of [...run.readings].sort((a, b) => a.symptom.raisedAt - b.symptom.raisedAt)) {
    const s = r.symptom;
    const can = visible.filter((b) => {
      const t = b.change.startedAt;
      // Raised within the window after the change, begun while its fault was in effect.
      if (s.raisedAt < t || s.raisedAt >= t + SYMPTOM_WINDOW_MS || s.onset < t - skew) return false;
      if (s.onset >= b.effectEnd) return false;
      return sim.affected(b).has(s.service) && (!s.kind || SHOWS_AS[b.fault!.kind].includes(s.kind));
    });
    const latest = (list: SimChange[]) =>
      list.reduce<SimChange | undefined>(
        (a, b) => (!a || b.change.startedAt > a.change.startedAt ? b : a),
        undefined,
      );
    const best = latest(can.filter((b) => b.change.startedAt <= s.onset)) ?? latest(can);
    if (!best) stray++;
    else if (!owner.has(best)) owner.set(best, r);
  }
  const bad = bads.map((c): BadScore => {
    const fail = run.verdicts.firstFail(c.change.id);
    const reading = owner.get(c);
    const index = reading ? reading.value.suspects.findIndex((s) => s.changeId === c.change.id) : -1;
    const move = sim.move(c);
    return {
      system: sim.system.name,
      change: c,
      band: bandOf(rate(c.change.service)),
      depth: sim.system.depth,
      move,
      eligible: move >= ELIGIBLE_MOVE,
      detected: fail !== undefined,
      delayLooks: fail?.look ?? NaN,
      reading,
      rank: index >= 0 ? index + 1 : Infinity,
      latestHit: reading?.value.latest === c.change.id,
      shiftHit: reading?.value.largestShift === c.change.id,
    };
  });
  const clean = sim.changes
    .filter((c) => !c.fault)
    .map((c): CleanScore => {
      const t = c.change.startedAt;
      const touched = bads.some(
        (b) =>
          b.change.startedAt <= t + OBSERVATION_MS &&
          b.effectEnd >= t - EFFECT_CARRYOVER_MS &&
          sim.affected(b).has(c.change.service),
      );
      const fail = run.verdicts.firstFail(c.change.id);
      return {
        system: sim.system.name,
        change: c,
        band: bandOf(rate(c.change.service)),
        depth: sim.system.depth,
        touched,
        failed: fail !== undefined,
        failing: fail?.metrics.filter((m) => m.outcome === 'fail') ?? [],
      };
    });
  const hours = (sim.end - sim.start) / 3_600_000;
  return { bad, clean, strayAlerts: stray, serviceHours: hours * sim.system.services.length };
}
