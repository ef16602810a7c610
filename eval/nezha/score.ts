// Scoring one replayed day, and choosing the tuned settings on other days.
// - detected: the injected change's own verification fails (an interim or the final look);
//   delay: that verdict's decidedAt − injection time.
// - symptom: the first symptom raised on the watched services (by the chosen sources; with
//   'engine' also the incident the engine opens for a failed verification, on the failed
//   change's service at its start, raised at the verdict) from the
//   injection to the next injection or 10 minutes, whichever is first, that began no earlier
//   than the clock-skew allowance before the injection. No symptom: nothing to attribute, and
//   the fault counts as a miss in the overall top-1/top-3.
// - rank: of the injected change in the suspects the correlator named 5 minutes after the
//   symptom was raised ("no change" counts as a rank). The floors on the same candidates: the
//   latest change before the onset, the change with the largest median shift of its own service.
// - decoys: "untouched" when no fault on its service or on one of its transitive dependencies is
//   injected between 6 minutes before it and the end of its observation; untouched decoys should pass.
import type { Change, Suspect, Verdict } from '#contracts';
import { DEFAULT_ATTRIBUTION, type Edge } from '#core';
import type { SymptomSource } from '../common/symptoms.js';
import type { ChangeRecord } from './changes.js';
import type { Fault, NezhaDay } from './nezha-data.js';
import { KNOB_GRID, type Knobs, type RankedSymptom, type ReplayResult } from './replay.js';

const MINUTE = 60_000;
const SYMPTOM_WINDOW_MS = 10 * MINUTE;
/** A fault injected this long before a decoy can still show in the decoy's observation. */
const EFFECT_CARRYOVER_MS = 6 * MINUTE;

export interface FaultScore {
  readonly fault: Fault;
  readonly change: Change;
  readonly firstFail: Verdict | undefined;
  readonly last: Verdict | undefined;
  readonly symptom: RankedSymptom | undefined;
  readonly ranking: readonly Suspect[];
  /** 1-based rank of the injected change; Infinity without a symptom or when it is not a candidate. */
  readonly rank: number;
  readonly latestHit: boolean;
  readonly shiftHit: boolean;
}

export interface DecoyScore {
  readonly record: ChangeRecord;
  readonly touched: boolean;
  readonly outcome: 'pass' | 'fail' | 'inconclusive' | 'none';
  readonly verdict: Verdict | undefined;
}

export interface DayScore {
  readonly day: NezhaDay;
  readonly knobs: Knobs;
  readonly faults: readonly FaultScore[];
  readonly decoys: readonly DecoyScore[];
  /** Symptoms raised away from every fault (from 2 minutes before to 10 after an injection). */
  readonly strayAlerts: number;
}

/** 'either': the alert rule or the anomaly detector; 'engine': those or a failed verification's incident. */
export type SymptomChoice = 'either' | 'engine' | SymptomSource;

export interface ScoreSetup {
  readonly day: NezhaDay;
  readonly records: readonly ChangeRecord[];
  readonly result: ReplayResult;
  readonly sources: SymptomChoice;
  readonly front: string;
  /** The call graph the decoys' "touched" is judged by (scoring only). */
  readonly truthEdges: readonly Edge[] | null;
  readonly observationMs: number;
}

function usable(s: RankedSymptom, knobs: Knobs, sources: SymptomChoice): boolean {
  const source = s.symptom.source;
  if (source === 'verification') return sources === 'engine' || sources === 'verification';
  if (sources === 'verification' || (sources !== 'either' && sources !== 'engine' && sources !== source))
    return false;
  return source === 'anomaly' || s.factor === knobs.alertFactor;
}

export function scoreDay(setup: ScoreSetup, knobs: Knobs): DayScore {
  const { day, records, result } = setup;
  const symptoms = result.symptoms
    .filter((s) => usable(s, knobs, setup.sources))
    .sort((a, b) => a.symptom.raisedAt - b.symptom.raisedAt);
  const skew = DEFAULT_ATTRIBUTION.skewMs;
  const faults = records
    .filter((r) => !r.decoy)
    .map((r, i, all): FaultScore => {
      const list = result.verdicts.get(r.change.id) ?? [];
      const at = r.fault.at;
      const next = all[i + 1]?.fault.at ?? Infinity;
      const end = Math.min(at + SYMPTOM_WINDOW_MS, next);
      const symptom = symptoms.find(
        (s) => s.symptom.raisedAt >= at && s.symptom.raisedAt < end && s.symptom.onset >= at - skew,
      );
      const ranking = symptom?.rankings.get(knobs.hazardDecayMs) ?? [];
      const index = ranking.findIndex((s) => s.changeId === r.change.id);
      return {
        fault: r.fault,
        change: r.change,
        firstFail: list.find((v) => v.outcome === 'fail'),
        last: list.at(-1),
        symptom,
        ranking,
        rank: index >= 0 ? index + 1 : Infinity,
        latestHit: symptom?.latest === r.change.id,
        shiftHit: symptom?.largestShift === r.change.id,
      };
    });
  const strayAlerts = new Set(
    symptoms
      .filter(
        (s) =>
          !day.faults.some(
            (f) => s.symptom.raisedAt >= f.at - 2 * MINUTE && s.symptom.raisedAt < f.at + SYMPTOM_WINDOW_MS,
          ),
      )
      .map((s) => `${s.symptom.onset}|${s.symptom.metric}`),
  ).size;
  return { day, knobs, faults, decoys: decoyScores(setup), strayAlerts };
}

function decoyScores(setup: ScoreSetup): DecoyScore[] {
  const { day, records, result } = setup;
  const reach = (service: string) => (setup.truthEdges ? callersOf(service, setup.truthEdges) : null);
  const reaches = new Map(day.services.map((s) => [s, reach(s)]));
  return records
    .filter((r) => r.decoy)
    .map((record) => {
      const t = record.change.startedAt;
      // Without a call graph to judge by, only a fault on the decoy's own service (or any fault,
      // for a decoy on the entry service, which sees them all) touches it: an upper bound on false fails.
      const touched = day.faults.some(
        (f) =>
          f.at >= t - EFFECT_CARRYOVER_MS &&
          f.at <= t + setup.observationMs &&
          (reaches.get(f.service)?.has(record.change.service) ??
            (f.service === record.change.service || record.change.service === setup.front)),
      );
      return { record, touched, ...outcomeOf(result.verdicts.get(record.change.id)) };
    });
}

/** The service and its transitive callers: where a fault on it can show. */
function callersOf(service: string, edges: readonly Edge[]): Set<string> {
  const out = new Set([service]);
  for (let grew = true; grew;) {
    grew = false;
    for (const e of edges)
      if (out.has(e.to) && !out.has(e.from)) {
        out.add(e.from);
        grew = true;
      }
  }
  return out;
}

function outcomeOf(list: readonly Verdict[] | undefined): Pick<DecoyScore, 'outcome' | 'verdict'> {
  if (!list || list.length === 0) return { outcome: 'none', verdict: undefined };
  const fail = list.find((v) => v.outcome === 'fail');
  if (fail) return { outcome: 'fail', verdict: fail };
  const final = list.find((v) => v.final) ?? list.at(-1)!;
  return { outcome: final.final ? final.outcome : 'none', verdict: final };
}

/** Every combination of the grid, the defaults first. */
export function knobGrid(): Knobs[] {
  return KNOB_GRID.alertFactor.flatMap((alertFactor) =>
    KNOB_GRID.hazardDecayMs.map((hazardDecayMs) => ({ alertFactor, hazardDecayMs })),
  );
}

/** The knobs with the most top-1 faults on these (development) days; the first of equals (defaults first). */
export function tune(setups: readonly ScoreSetup[]): Knobs {
  let best = knobGrid()[0]!;
  let bestTop1 = -1;
  for (const knobs of knobGrid()) {
    const top1 = setups.reduce((n, s) => n + scoreDay(s, knobs).faults.filter((f) => f.rank === 1).length, 0);
    if (top1 > bestTop1) {
      best = knobs;
      bestTop1 = top1;
    }
  }
  return best;
}
