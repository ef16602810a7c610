// What counts as a failed change, decided from Aftershock's own records only, and *when* each
// failure became known — so a backtest, a fit or a DORA figure "as of" an instant sees exactly
// what was on record then. Shared by the risk model and the DORA figures.
//
// A change failed when any of these is on record:
//   1. verdict  — its post-deployment verification says fail (the latest look wins: a later
//                 look supersedes an earlier one);
//   2. incident — an incident's top suspect is the change with probability ≥ the threshold
//                 (default 0.5), judged on the latest version of the incident, so a later
//                 version that clears the change clears the failure;
//   3. rollback — a later change of kind rollback has rollbackOf = the change's id.
// The failure is known from the earliest record that shows it (verdict decidedAt, incident
// version updatedAt, rollback startedAt).
import type { Incident, Verdict, VerdictOutcome } from '#contracts';

export const CHANGE_FAILURE_DEFINITION =
  'A change failed when Aftershock’s own records show any of: (1) a fail verdict from post-deployment ' +
  'verification (the latest look of the change’s verdict is "fail"); (2) an incident whose top suspect ' +
  'is the change with probability ≥ 0.5 (configurable; judged on the latest version of the incident, so ' +
  'a later version that clears the change clears the failure); (3) a rollback of it — a later change of ' +
  'kind rollback whose rollbackOf is the change’s id. A failure counts from the moment the first of ' +
  'these records exists (verdict decidedAt, incident updatedAt, rollback startedAt), so figures and ' +
  'backtests "as of" an instant use only what was known then.';

export interface FailureSettings {
  /** An incident's top suspect at or above this probability makes the change a failure. */
  readonly suspectThreshold: number;
}

export const DEFAULT_FAILURE_SETTINGS: FailureSettings = { suspectThreshold: 0.5 };

export type FailureCause = 'verdict' | 'incident' | 'rollback';

export interface FailureRecord {
  readonly cause: FailureCause;
  /** Verdict id, incident id or rollback change id. */
  readonly ref: string;
  /** When this record became known. */
  readonly at: number;
}

export interface ChangeFailure {
  readonly changeId: string;
  /** Earliest time the failure was on record. */
  readonly knownAt: number;
  readonly records: readonly FailureRecord[];
}

interface VerdictState {
  readonly id: string;
  readonly at: number;
  readonly look: number;
  readonly outcome: VerdictOutcome;
}

interface IncidentState {
  readonly version: number;
  readonly at: number;
  /** Top suspect when at or above the threshold, else null. */
  readonly changeId: string | null;
}

/** Indexes verdicts, incident attributions and rollbacks by change; answers "failed, as of t?". */
export class FailureLedger {
  private readonly verdicts = new Map<string, VerdictState[]>();
  private readonly incidents = new Map<string, IncidentState[]>();
  private readonly incidentsByChange = new Map<string, Set<string>>();
  private readonly rollbacks = new Map<string, { id: string; at: number }[]>();

  constructor(readonly settings: FailureSettings = DEFAULT_FAILURE_SETTINGS) {}

  addVerdict(v: Verdict): void {
    const list = this.verdicts.get(v.changeId) ?? [];
    if (list.some((x) => x.id === v.id && x.look === v.look)) return;
    list.push({ id: v.id, at: v.decidedAt, look: v.look, outcome: v.outcome });
    list.sort((a, b) => a.at - b.at || a.look - b.look);
    this.verdicts.set(v.changeId, list);
  }

  addIncident(incident: Incident): void {
    const list = this.incidents.get(incident.id) ?? [];
    if (list.some((x) => x.version === incident.version)) return;
    const top = topSuspect(incident);
    const changeId =
      top && top.changeId !== null && top.probability >= this.settings.suspectThreshold ? top.changeId : null;
    list.push({ version: incident.version, at: incident.updatedAt, changeId });
    list.sort((a, b) => a.version - b.version);
    this.incidents.set(incident.id, list);
    if (changeId !== null) {
      const set = this.incidentsByChange.get(changeId) ?? new Set();
      set.add(incident.id);
      this.incidentsByChange.set(changeId, set);
    }
  }

  addRollback(rollbackId: string, rollbackOf: string, at: number): void {
    const list = this.rollbacks.get(rollbackOf) ?? [];
    if (list.some((x) => x.id === rollbackId)) return;
    list.push({ id: rollbackId, at });
    this.rollbacks.set(rollbackOf, list);
  }

  /** The failure of a change as known at `asOf` (default: everything on record), or undefined. */
  failure(changeId: string, asOf = Number.POSITIVE_INFINITY): ChangeFailure | undefined {
    const records: FailureRecord[] = [];
    const verdicts = this.verdicts.get(changeId);
    if (verdicts) {
      let latest: VerdictState | undefined;
      let firstFail: VerdictState | undefined;
      for (const v of verdicts) {
        if (v.at > asOf) break;
        if (!latest || v.look >= latest.look) latest = v;
        if (v.outcome === 'fail' && !firstFail) firstFail = v;
      }
      if (latest?.outcome === 'fail') records.push({ cause: 'verdict', ref: latest.id, at: firstFail!.at });
    }
    for (const incidentId of this.incidentsByChange.get(changeId) ?? []) {
      let latest: IncidentState | undefined;
      let firstNamed: IncidentState | undefined;
      for (const s of this.incidents.get(incidentId) ?? []) {
        if (s.at > asOf) continue;
        if (!latest || s.version > latest.version) latest = s;
        if (s.changeId === changeId && (!firstNamed || s.at < firstNamed.at)) firstNamed = s;
      }
      if (latest?.changeId === changeId)
        records.push({ cause: 'incident', ref: incidentId, at: firstNamed!.at });
    }
    for (const r of this.rollbacks.get(changeId) ?? []) {
      if (r.at <= asOf) records.push({ cause: 'rollback', ref: r.id, at: r.at });
    }
    if (records.length === 0) return undefined;
    records.sort((a, b) => a.at - b.at || a.cause.localeCompare(b.cause));
    return { changeId, knownAt: records[0]!.at, records };
  }

  /** The change an incident is attributed to (its latest version known at asOf), if any. */
  attributedChange(incidentId: string, asOf = Number.POSITIVE_INFINITY): string | null {
    let latest: IncidentState | undefined;
    for (const s of this.incidents.get(incidentId) ?? []) {
      if (s.at <= asOf && (!latest || s.version > latest.version)) latest = s;
    }
    return latest?.changeId ?? null;
  }

  forgetChange(changeId: string): void {
    this.verdicts.delete(changeId);
    this.rollbacks.delete(changeId);
    this.incidentsByChange.delete(changeId);
  }

  forgetIncident(incidentId: string): void {
    for (const s of this.incidents.get(incidentId) ?? []) {
      if (s.changeId !== null) this.incidentsByChange.get(s.changeId)?.delete(incidentId);
    }
    this.incidents.delete(incidentId);
  }
}

export function topSuspect(incident: Incident): Incident['suspects'][number] | undefined {
  let top: Incident['suspects'][number] | undefined;
  for (const s of incident.suspects) if (!top || s.probability > top.probability) top = s;
  return top;
}
