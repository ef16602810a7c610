// Rebuilding a correlator's state after a restart or a rebalance, from history: the changes
// (a global table), the verdicts and incident events it published, and its own partitions'
// alerts, commands and telemetry up to where its consumer group resumes. Replaying them in
// event-time order through a fresh correlator, outputs discarded, gives the baselines, running
// verifications, open incidents and timers an uninterrupted instance would have; published
// incidents then fix the version numbering (and stand in for incidents older than the replay).
import type {
  Alert,
  Assessment,
  Change,
  Incident,
  IncidentCommand,
  TelemetryBatch,
  Verdict,
} from '#contracts';
import type { VerifierSettings } from '../verification/verifier.js';
import type { Correlator, CorrelatorInput, CorrelatorOutput, CorrelatorSettings } from './correlator.js';

export interface RestoreHorizons {
  /** Changes started at least this long ago are past verification: evidence only, their published verdicts stand. */
  readonly verifyWithinMs: number;
  /** Telemetry this far back: every verification still running has its baseline in it. */
  readonly telemetryMs: number;
  /** Alerts and incident commands this far back: every incident that can still change was opened in it. */
  readonly signalsMs: number;
}

export function restoreHorizons(verifier: VerifierSettings, correlator: CorrelatorSettings): RestoreHorizons {
  const verifyWithinMs =
    verifier.baselineMs + verifier.observationMs + verifier.graceMs + verifier.idleTimeoutMs;
  const { maxDurationMs, reopenWindowMs } = correlator.incidents;
  return {
    verifyWithinMs,
    telemetryMs:
      verifyWithinMs + Math.max(verifier.historyMs, verifier.baselineMs) + verifier.allowedLatenessMs,
    signalsMs: maxDurationMs + reopenWindowMs,
  };
}

/** What was read back; each list in its partitions' order. */
export interface RestoreSources {
  readonly changes: readonly Change[];
  readonly assessments: readonly Assessment[];
  /** Published verdicts (any look). */
  readonly verdicts: readonly Verdict[];
  /** Published incident events (any version). */
  readonly incidents: readonly Incident[];
  readonly alerts: readonly Alert[];
  readonly commands: readonly IncidentCommand[];
  readonly telemetry: readonly TelemetryBatch[];
}

export interface RestorePlan {
  /** Changes started since are verified again from the replayed telemetry (RestoreHorizons.verifyWithinMs). */
  readonly verifySince: number;
  /**
   * Older changes started since this without a published final verdict are verified again too
   * (their verification outlived its windows, e.g. waiting for telemetry); older ones are evidence only.
   */
  readonly unsettledSince: number;
  /** Whether this instance verifies the service's changes and keeps its incidents (its partition is assigned here). */
  readonly owns: (service: string) => boolean;
}

export interface RestoreResult {
  /**
   * What the previous owner should have published but had not: verdicts of the replay that are
   * not on the topic, incidents whose replay ended in another status. Publish them.
   */
  readonly publish: CorrelatorOutput[];
  readonly replayed: number;
  /** Published incidents whose numbering the rebuilt ones continue. */
  readonly continued: number;
  /** Incidents the replay opened under another id than the original order did, carried on under the published one. */
  readonly renamed: number;
  /** Unresolved published incidents older than the replay, taken over as published. */
  readonly takenOver: number;
}

/** Replays `sources` into `correlator` (fresh, nothing processed yet); outputs already published are dropped. */
export function restoreCorrelator(
  correlator: Correlator,
  sources: RestoreSources,
  plan: RestorePlan,
): RestoreResult {
  for (const assessment of sources.assessments) correlator.process({ type: 'assessment', assessment });
  const inputs = replayOrder(sources, plan);
  const verdicts = new Map<string, Verdict>();
  for (const { input } of inputs) {
    for (const output of correlator.process(input)) {
      if (output.type === 'verdict') verdicts.set(output.verdict.id, output.verdict);
    }
  }
  const published = new Set(sources.verdicts.map((v) => v.id));
  const publish: CorrelatorOutput[] = [...verdicts.values()]
    .filter((v) => !published.has(v.id))
    .map((verdict) => ({ type: 'verdict', verdict }));
  const owned = latestVersions(sources.incidents).filter((i) => plan.owns(i.service));
  const reconciled = correlator.reconcilePublished(owned);
  for (const incident of reconciled.catchUp) publish.push({ type: 'incident', incident });
  return {
    publish,
    replayed: inputs.length,
    continued: reconciled.continued,
    renamed: reconciled.renamed.size,
    takenOver: reconciled.takenOver.length,
  };
}

interface Timed {
  readonly at: number;
  /** Ties: changes before their verdicts before the signals they explain. */
  readonly rank: number;
  readonly input: CorrelatorInput;
}

function replayOrder(sources: RestoreSources, plan: RestorePlan): Timed[] {
  const timed: Timed[] = [];
  const verifiedAgain = new Set<string>();
  const settled = new Set(sources.verdicts.filter((v) => v.final).map((v) => v.changeId));
  for (const change of sources.changes) {
    const unsettled = change.startedAt >= plan.unsettledSince && !settled.has(change.id);
    const historical = !plan.owns(change.service) || (change.startedAt < plan.verifySince && !unsettled);
    if (!historical) verifiedAgain.add(change.id);
    timed.push({ at: change.startedAt, rank: 0, input: { type: 'change', change, historical } });
  }
  // A change verified again replays its verdicts from telemetry; the others' stand as published.
  for (const verdict of settledVerdicts(sources.verdicts)) {
    if (verifiedAgain.has(verdict.changeId) || !plan.owns(verdict.service)) continue;
    timed.push({ at: verdict.decidedAt, rank: 1, input: { type: 'verdict', verdict } });
  }
  for (const alert of sources.alerts) {
    const at = alert.status === 'resolved' ? (alert.endsAt ?? alert.startsAt) : alert.startsAt;
    timed.push({ at, rank: 2, input: { type: 'alert', alert } });
  }
  for (const command of sources.commands)
    timed.push({ at: command.at, rank: 2, input: { type: 'command', command } });
  // A batch is sent once its last point is in: that is where it fell among the other events.
  for (const batch of sources.telemetry) {
    const at = lastPointAt(batch);
    if (Number.isFinite(at)) timed.push({ at, rank: 3, input: { type: 'telemetry', batch } });
  }
  // Array.prototype.sort is stable: equal times keep their partition order.
  return timed.sort((a, b) => a.at - b.at || a.rank - b.rank);
}

/** When a batch was complete: its newest point's time (−∞ for an empty batch). */
export function lastPointAt(batch: TelemetryBatch): number {
  let at = Number.NEGATIVE_INFINITY;
  for (const point of batch.points) if (point.timestamp > at) at = point.timestamp;
  return at;
}

/** Per change, the verdicts that shaped state: its first fail (it opened the incident) and its final one. */
function settledVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  const firstFail = new Map<string, Verdict>();
  const final = new Map<string, Verdict>();
  for (const verdict of verdicts) {
    if (verdict.final) final.set(verdict.changeId, verdict);
    const known = firstFail.get(verdict.changeId);
    if (verdict.outcome === 'fail' && (!known || verdict.look < known.look))
      firstFail.set(verdict.changeId, verdict);
  }
  const settled = [...firstFail.values()];
  for (const verdict of final.values())
    if (firstFail.get(verdict.changeId) !== verdict) settled.push(verdict);
  return settled;
}

/** The newest version of each incident. */
export function latestVersions(incidents: readonly Incident[]): Incident[] {
  const latest = new Map<string, Incident>();
  for (const incident of incidents) {
    const known = latest.get(incident.id);
    if (!known || incident.version > known.version) latest.set(incident.id, incident);
  }
  return [...latest.values()];
}
