// The correlator's whole core as one deterministic, event-time state machine — the part of
// Aftershock a broker-free test driver (and `aftershock replay`) runs directly. Inputs are
// canonical events; outputs are verdicts, anomalies and versioned incident events.
//
//   change ──► change log ──► verifier (post-deployment verification) ──► verdicts
//   telemetry ─┬─► verifier                                            └─► fail → regression incident
//              ├─► anomaly detector ──► anomalies ──► (change-correlated) incidents
//              └─► service-graph edges ──► dependency graph
//   alert ─────► attribution (changes × graph × verdicts × priors × rollbacks) ──► incidents
//
// Time is event time: every window and timer moves with the watermark (the latest event time
// seen minus the allowed lateness), never with the wall clock, so the same input replayed gives
// the same output.
import type {
  Alert,
  Assessment,
  Change,
  Incident,
  IncidentCommand,
  Suspect,
  TelemetryBatch,
  Verdict,
} from '#contracts';
import type { Anomaly } from '../anomaly/detector.js';
import type { Topology } from '../verification/neighbours.js';
import { resolveSignal } from '../verification/signals.js';
import { withStatusErrorSeries } from '../verification/status-errors.js';
import {
  attribute,
  DEFAULT_ATTRIBUTION,
  type AttributionSettings,
  type ChangeFacts,
  type Symptom,
} from './attribution.js';
import { ChangeLog } from './change-log.js';
import { DependencyGraph, type Edge } from './dependency-graph.js';
import { DEFAULT_EDGE_INFERENCE, EdgeInference, type EdgeInferenceSettings } from './edge-inference.js';
import {
  DEFAULT_INCIDENT_SETTINGS,
  IncidentBook,
  type IncidentSettings,
  type Reconciliation,
  type Signal,
} from './incidents.js';

/** What the post-deployment verifier offers the correlator (libs/core/src/verification). */
export interface VerifierPort {
  observeChange(change: Change): Verdict[];
  observeTelemetry(batch: TelemetryBatch): Verdict[];
  advanceWatermark(t: number): Verdict[];
  /** Who calls whom, so a change is judged on its callers' views too (optional). */
  useTopology?(topology: Topology): void;
}

/** Edges at least this sure name the callers whose client-side view judges a change. */
const CALLER_VIEW_CONFIDENCE = 0.5;

/** What the continuous anomaly detector offers the correlator (libs/core/src/anomaly). */
export interface AnomalyPort {
  observeTelemetry(batch: TelemetryBatch): Anomaly[];
}

export type CorrelatorInput =
  /** `historical`: remember it as evidence but do not verify it (its windows are long past). */
  | { readonly type: 'change'; readonly change: Change; readonly historical?: boolean }
  | { readonly type: 'alert'; readonly alert: Alert }
  | { readonly type: 'telemetry'; readonly batch: TelemetryBatch }
  | { readonly type: 'assessment'; readonly assessment: Assessment }
  /** A verdict decided earlier (read back when rebuilding): evidence, and its incident if it failed. */
  | { readonly type: 'verdict'; readonly verdict: Verdict }
  /**
   * `stored`: the incident as recorded, for a command on one the book has forgotten; `related`:
   * for an absorb, the merged incident as recorded (see IncidentBook.command).
   */
  | {
      readonly type: 'command';
      readonly command: IncidentCommand;
      readonly stored?: Incident;
      readonly related?: Incident;
    };

export type CorrelatorOutput =
  | { readonly type: 'verdict'; readonly verdict: Verdict }
  | { readonly type: 'anomaly'; readonly anomaly: Anomaly }
  | { readonly type: 'incident'; readonly incident: Incident }
  /** A person's command that could not apply, and why (the edge dead-letters it with the reason). */
  | { readonly type: 'refused'; readonly command: IncidentCommand; readonly reason: string };

export interface CorrelatorSettings {
  readonly attribution: AttributionSettings;
  readonly incidents: IncidentSettings;
  /** Events this late (behind the newest seen) still count in full. */
  readonly allowedLatenessMs: number;
  /** Anomalies open incidents only when a change is at least this likely behind them. */
  readonly anomalyIncidentThreshold: number;
  /** Service → cluster/region, for platform changes scoped to one. */
  readonly placement: Readonly<Record<string, { cluster?: string; region?: string }>>;
  /** Metric that carries service-graph edges (labels client, server). */
  readonly edgeMetric: string;
  /** Labels that name the two ends of a call edge: any point that carries both is a call seen. */
  readonly edgeLabels: { readonly client: string; readonly server: string };
  /** Infer edges from telemetry for services the graph does not know well (edge-inference.ts); null: never. */
  readonly edgeInference: EdgeInferenceSettings | null;
}

export const DEFAULT_CORRELATOR_SETTINGS: CorrelatorSettings = {
  attribution: DEFAULT_ATTRIBUTION,
  incidents: DEFAULT_INCIDENT_SETTINGS,
  allowedLatenessMs: 30_000,
  anomalyIncidentThreshold: 0.8,
  placement: {},
  edgeMetric: 'service_graph.edge',
  edgeLabels: { client: 'client', server: 'server' },
  edgeInference: DEFAULT_EDGE_INFERENCE,
};

/** Waiting anomalies beyond this many go, oldest first: a storm of them must not grow memory. */
const MAX_PENDING_ANOMALIES = 10_000;

interface Attribution {
  readonly graphVersion: number;
  readonly changes: readonly Change[];
  readonly facts: readonly ChangeFacts[];
  readonly suspects: Suspect[];
}

/** The same candidate changes with the same facts (every field of ChangeFacts): everything attribute() reads besides symptom and graph. */
function sameEvidence(last: Attribution, changes: readonly Change[], facts: readonly ChangeFacts[]): boolean {
  if (last.changes.length !== changes.length) return false;
  for (let i = 0; i < changes.length; i++) {
    const a = last.facts[i]!;
    const b = facts[i]!;
    if (
      last.changes[i] !== changes[i] ||
      a.riskProbability !== b.riskProbability ||
      a.progress?.clearSinceMs !== b.progress?.clearSinceMs ||
      a.progress?.tests !== b.progress?.tests ||
      a.progress?.nearest?.metric !== b.progress?.nearest?.metric ||
      a.progress?.nearest?.pValue !== b.progress?.nearest?.pValue ||
      a.rolledBackBy !== b.rolledBackBy ||
      a.verdict?.outcome !== b.verdict?.outcome ||
      a.verdict?.summary !== b.verdict?.summary ||
      a.verdict?.decidedAt !== b.verdict?.decidedAt ||
      a.verdict?.failingKinds?.join() !== b.verdict?.failingKinds?.join() ||
      a.verdict?.failingMetrics?.join() !== b.verdict?.failingMetrics?.join()
    )
      return false;
  }
  return true;
}

interface OpenSymptom {
  symptom: Symptom;
  readonly firing: Set<string>;
  /** Each member's own symptom, for when the incident comes to be named after another member. */
  readonly byRef: Map<string, Symptom>;
}

export class Correlator {
  readonly graph: DependencyGraph;
  private readonly changes: ChangeLog;
  private readonly incidents: IncidentBook;
  private readonly symptoms = new Map<string, OpenSymptom>();
  /**
   * The last attribution of each symptom and what it was computed from. Every change and final
   * verdict re-attributes every active incident; most see the same candidates, facts and graph
   * as last time, and then the result is the same too — without a graph search per candidate.
   */
  private readonly attributions = new WeakMap<Symptom, Attribution>();
  private maxEventTime = Number.NEGATIVE_INFINITY;
  /**
   * Symptom anomalies that neither joined nor opened an incident, by id, oldest first. Inputs
   * reach the correlator from several partitions in no stable order: the verdict that makes a
   * change the likely cause, or the incident that reaches the anomaly's service, may come just
   * after it. They wait a grouping window (event time) for such evidence, so what an incident
   * holds does not depend on which partition ran ahead.
   */
  private readonly pending = new Map<string, { readonly member: Signal; readonly symptom: Symptom }>();
  private readonly inference: EdgeInference | null;

  constructor(
    private readonly verifier: VerifierPort,
    private readonly anomalies: AnomalyPort | undefined,
    private readonly settings: CorrelatorSettings = DEFAULT_CORRELATOR_SETTINGS,
    edges: Iterable<Edge> = [],
  ) {
    this.graph = new DependencyGraph(edges);
    this.inference = settings.edgeInference ? new EdgeInference(settings.edgeInference) : null;
    verifier.useTopology?.({
      callersOf: (service) => this.graph.callersOf(service, CALLER_VIEW_CONFIDENCE),
      dependenciesOf: (service) => this.graph.dependenciesOf(service),
    });
    this.changes = new ChangeLog(settings.attribution.lookbackMs + settings.incidents.maxDurationMs);
    // What the correlator keeps per incident goes when the book forgets the incident.
    this.incidents = new IncidentBook(settings.incidents, (id) => this.symptoms.delete(id));
  }

  get watermark(): number {
    return this.maxEventTime - this.settings.allowedLatenessMs;
  }

  activeIncidents(): Incident[] {
    return this.incidents.active();
  }

  process(input: CorrelatorInput): CorrelatorOutput[] {
    const out: CorrelatorOutput[] = [];
    switch (input.type) {
      case 'change':
        this.onChange(input.change, input.historical ?? false, out);
        break;
      case 'alert':
        this.onAlert(input.alert, out);
        break;
      case 'telemetry':
        this.onTelemetry(input.batch, out);
        break;
      case 'assessment':
        this.changes.recordAssessment(input.assessment);
        break;
      case 'verdict':
        this.seen(input.verdict.decidedAt);
        this.onVerdicts([input.verdict], out);
        break;
      case 'command': {
        const outcome = this.incidents.command(input.command, input.stored, input.related);
        if (!('incident' in outcome)) {
          out.push({ type: 'refused', command: input.command, reason: outcome.refused });
          break;
        }
        for (const incident of [outcome.incident, ...(outcome.others ?? [])]) {
          this.followMembers(input.command, incident);
          out.push({ type: 'incident', incident });
        }
        break;
      }
    }
    this.placePending(out, input.type === 'change');
    this.tick(out);
    return out;
  }

  /**
   * What the correlator keeps per member (its symptom, whether it fires) follows the members a
   * person moved: into the incident a merge made them part of, out into the one a split opened.
   */
  private followMembers(command: IncidentCommand, incident: Incident): void {
    const moving =
      command.action === 'absorb' && incident.id === command.incidentId
        ? this.symptoms.get(command.relatedIncidentId ?? '')
        : command.action === 'split' && incident.splitFrom === command.incidentId
          ? this.symptoms.get(command.incidentId)
          : undefined;
    if (!moving) return;
    const refs = new Set(incident.members.map((m) => m.ref));
    const into = this.symptoms.get(incident.id) ?? {
      symptom: moving.symptom,
      firing: new Set<string>(),
      byRef: new Map(),
    };
    for (const [ref, symptom] of moving.byRef) {
      if (!refs.has(ref)) continue;
      into.byRef.set(ref, symptom);
      if (moving.firing.has(ref)) into.firing.add(ref);
      if (command.action === 'split') {
        moving.byRef.delete(ref);
        moving.firing.delete(ref);
      }
    }
    const lead = this.incidents.leadOf(incident.id);
    const leadSymptom = lead === undefined ? undefined : into.byRef.get(lead);
    if (leadSymptom && !this.symptoms.has(incident.id)) into.symptom = leadSymptom;
    this.symptoms.set(incident.id, into);
  }

  /** See IncidentBook.reconcile; what the correlator keeps per incident follows its id. */
  reconcilePublished(published: readonly Incident[]): Reconciliation {
    const result = this.incidents.reconcile(published);
    for (const [from, to] of result.renamed) {
      const open = this.symptoms.get(from);
      this.symptoms.delete(from);
      if (open) this.symptoms.set(to, open);
    }
    for (const id of result.takenOver) {
      const incident = this.incidents.get(id)!;
      this.symptoms.set(id, {
        symptom: this.symptomFor(incident.service, incident.openedAt, incident.environment),
        firing: new Set(),
        byRef: new Map(),
      });
    }
    return result;
  }

  /**
   * The suspects the correlator would name now for a symptom on `service` that began at `onset`,
   * with what it knows at this point (changes, verdicts, graph); changes nothing.
   */
  suspectsFor(
    symptom: {
      readonly service: string;
      readonly onset: number;
      readonly kind?: string | null;
      readonly environment?: string;
    },
    settings?: AttributionSettings,
  ): Suspect[] {
    return this.attribute(
      this.symptomFor(symptom.service, symptom.onset, symptom.environment, symptom.kind),
      settings,
    );
  }

  /** Event time moved on without input (idle partitions, end of a replay). */
  advanceTo(eventTime: number): CorrelatorOutput[] {
    const out: CorrelatorOutput[] = [];
    this.seen(eventTime);
    this.onVerdicts(this.verifier.advanceWatermark(this.watermark), out);
    this.placePending(out, false);
    this.tick(out);
    return out;
  }

  private onChange(change: Change, historical: boolean, out: CorrelatorOutput[]): void {
    if (!this.changes.add(change)) return;
    if (historical) return;
    this.seen(change.startedAt);
    // Its verification judges its callers' views: learn who they are if the graph does not know.
    this.learnEdges(change.service);
    // A change reported after the symptoms it caused (or a rollback) changes their attribution —
    // before its verification speaks, so a failed one joins the incident its symptoms opened
    // instead of opening another one that incident then merges into.
    // A rollback is evidence about the change it reverts: everything is re-ranked.
    this.reattribute(change.startedAt, out, change.rollbackOf ? null : change);
    this.onVerdicts(this.verifier.observeChange(change), out);
  }

  private onAlert(alert: Alert, out: CorrelatorOutput[]): void {
    const firing = alert.status !== 'resolved';
    const at = firing ? alert.startsAt : (alert.endsAt ?? alert.startsAt);
    this.seen(at);
    const symptom = this.symptomFor(
      alert.service,
      alert.startsAt,
      alert.environment,
      resolveSignal(alert.name, null)?.spec.kind,
    );
    const signal: Signal = {
      kind: 'alert',
      ref: alert.fingerprint,
      service: alert.service,
      environment: alert.environment,
      name: alert.name,
      signature: alert.name,
      severity: alert.severity,
      at,
      firing,
      summary: alert.summary || alert.name,
      team: alert.team,
      labels: alert.labels,
    };
    const suspects = this.attribute(symptom);
    for (const incident of this.incidents.onSignal(signal, suspects)) {
      this.track(incident, symptom, signal.kind, signal.ref);
      out.push({ type: 'incident', incident });
    }
    if (!firing) this.noteQuiet(alert.fingerprint, at, out);
  }

  private onTelemetry(received: TelemetryBatch, out: CorrelatorOutput[]): void {
    // Errors reported as a status label of the request count, as an error ratio every reader sees.
    const batch = withStatusErrorSeries(received);
    const { client, server } = this.settings.edgeLabels;
    for (const point of batch.points) {
      if (point.timestamp > this.maxEventTime) this.maxEventTime = point.timestamp;
      // A point of a call edge (a service graph's request count, a caller-measured latency): calls seen.
      const from = point.labels[client];
      const to = point.labels[server];
      if (from && to) this.graph.add({ from, to });
    }
    this.inference?.observe(batch);
    this.onVerdicts(this.verifier.observeTelemetry(batch), out);
    for (const anomaly of this.anomalies?.observeTelemetry(batch) ?? []) this.onAnomaly(anomaly, out);
  }

  /** Edges of a service that telemetry suggests, when the graph knows it less than surely. */
  private learnEdges(service: string): void {
    if (!this.inference || this.graph.coverage(service) >= 1) return;
    for (const edge of this.inference.edgesOf(service)) this.graph.add(edge);
  }

  /**
   * An anomaly is a symptom only when a golden signal moved in its bad direction (a recovery, or
   * more throughput, is not). It then joins the open incident of its service as evidence, or —
   * when a recent change is the likely cause — the change's incident. It never opens an incident
   * of its own per metric: that would be the alert storm Aftershock exists to prevent.
   */
  private onAnomaly(anomaly: Anomaly, out: CorrelatorOutput[]): void {
    out.push({ type: 'anomaly', anomaly });
    const signal = resolveSignal(anomaly.metric, null);
    const bad = signal && (signal.complement ? 'down' : signal.spec.badDirection) === anomaly.direction;
    if (!bad) return;
    const member: Signal = {
      kind: 'anomaly',
      ref: anomaly.id,
      service: anomaly.service,
      environment: anomaly.environment,
      name: anomaly.metric,
      signature: 'anomaly',
      severity: anomaly.score >= 0.9 ? 'high' : 'warning',
      at: anomaly.detectedAt,
      firing: true,
      summary: anomaly.summary,
    };
    const symptom = this.symptomFor(anomaly.service, anomaly.onset, anomaly.environment, signal.spec.kind);
    if (!this.placeAnomaly(member, symptom, out)) this.pending.set(member.ref, { member, symptom });
  }

  /** Joins an anomaly to its change's incident or its service's open one; false when neither fits. */
  private placeAnomaly(
    member: Signal,
    symptom: Symptom,
    out: CorrelatorOutput[],
    active: readonly Incident[] = this.incidents.active(),
  ): boolean {
    const suspects = this.attribute(symptom);
    const top = suspects[0];
    const changeCorrelated =
      top?.changeId != null && top.probability >= this.settings.anomalyIncidentThreshold;
    const open = changeCorrelated ? undefined : active.find((i) => i.services.includes(member.service));
    if (!changeCorrelated && !open) return false;
    const events = open
      ? this.incidents.addMember(open.id, member)
      : this.incidents.onSignal(member, suspects);
    for (const incident of events) {
      this.track(incident, symptom, member.kind, member.ref);
      out.push({ type: 'incident', incident });
    }
    // Anomalies have no "resolved" notification: they are momentary members.
    this.incidents.quiet(member.ref, member.at);
    return true;
  }

  /** Waiting anomalies get another look when incidents or verdicts moved; expired ones go. */
  private placePending(out: CorrelatorOutput[], newChange: boolean): void {
    if (this.pending.size === 0) return;
    const expiry = this.watermark - this.settings.incidents.groupingWindowMs;
    const moved =
      newChange ||
      out.some((o) => o.type === 'incident' || (o.type === 'verdict' && o.verdict.outcome === 'fail'));
    const active = moved ? this.incidents.active() : [];
    for (const [ref, { member, symptom }] of this.pending) {
      if (member.at < expiry || this.pending.size > MAX_PENDING_ANOMALIES) this.pending.delete(ref);
      else if (moved && this.placeAnomaly(member, symptom, out, active)) this.pending.delete(ref);
    }
  }

  private onVerdicts(verdicts: readonly Verdict[], out: CorrelatorOutput[]): void {
    for (const verdict of verdicts) {
      this.changes.recordVerdict(verdict);
      out.push({ type: 'verdict', verdict });
      if (verdict.outcome === 'fail') {
        const change = this.changes.get(verdict.changeId);
        const symptom = this.symptomFor(verdict.service, verdict.observationStart, verdict.environment);
        const signal: Signal = {
          kind: 'verdict',
          ref: `verdict:${verdict.changeId}`,
          service: verdict.service,
          environment: verdict.environment,
          name: `verification of ${change?.version ?? verdict.changeId}`,
          signature: 'verification',
          severity: 'high',
          at: verdict.decidedAt,
          firing: true,
          summary: verdict.summary,
          changeId: verdict.changeId,
          team: verdict.team,
        };
        for (const incident of this.incidents.onSignal(signal, this.attribute(symptom))) {
          this.track(incident, symptom, signal.kind, signal.ref);
          out.push({ type: 'incident', incident });
        }
        // The failed verification itself is a momentary member; its alerts keep the incident open.
        this.incidents.onSignal({ ...signal, firing: false }, []);
        this.regroup(verdict, out);
      }
      if (verdict.final || verdict.outcome === 'fail')
        this.reattribute(verdict.decidedAt, out, this.changes.get(verdict.changeId) ?? null);
    }
  }

  /**
   * Alerts on the failed change's service that joined another incident before this verdict
   * (signals from several partitions arrive in no fixed order; after a restart the replay meets
   * them in another): each is ranked again, and moves to this change's incident where it now
   * leads the suspects clearly enough to join it.
   */
  private regroup(verdict: Verdict, out: CorrelatorOutput[]): void {
    const join = this.settings.incidents.changeJoinThreshold;
    for (const incident of this.incidents.active()) {
      for (const member of incident.members) {
        if (member.type !== 'alert' || member.service !== verdict.service) continue;
        const kind = resolveSignal(member.name, null)?.spec.kind;
        const symptom = this.symptomFor(member.service, member.at, incident.environment, kind);
        const suspects = this.attribute(symptom);
        const top = suspects[0];
        if (top?.changeId !== verdict.changeId || top.probability < join) continue;
        const moved = this.incidents.moveToChange(verdict.changeId, member.ref, suspects, verdict.decidedAt);
        for (const updated of moved) out.push({ type: 'incident', incident: updated });
        const into = moved[1];
        if (!into) continue;
        const left = this.symptoms.get(incident.id);
        const firing = left?.firing.delete(member.ref) ?? false;
        left?.byRef.delete(member.ref);
        this.track(into, symptom, member.type, member.ref, firing);
        // Named after another member now: its symptom is the one to rank the suspects for.
        const lead = left && this.incidents.leadOf(incident.id);
        const leadSymptom = lead !== undefined ? left?.byRef.get(lead) : undefined;
        if (left && leadSymptom && leadSymptom !== left.symptom) {
          left.symptom = leadSymptom;
          const ranked = this.attribute(leadSymptom);
          for (const updated of this.incidents.updateSuspects(incident.id, ranked, verdict.decidedAt))
            out.push({ type: 'incident', incident: updated });
        }
      }
    }
  }

  /**
   * New evidence about `change` (null: about anything): re-rank the suspects of the active
   * incidents it can matter to. attribute() only weighs changes that started in a symptom's
   * window: for other incidents the ranking cannot move, and most incidents are older than a
   * new change's start.
   */
  private reattribute(at: number, out: CorrelatorOutput[], change: Change | null): void {
    const { lookbackMs, skewMs } = this.settings.attribution;
    for (const incident of this.incidents.active()) {
      const open = this.symptoms.get(incident.id);
      if (!open) continue;
      if (change) {
        const sinceStart = open.symptom.onset - change.startedAt;
        if (sinceStart < -skewMs || sinceStart > lookbackMs) continue;
      }
      const when = Math.max(at, incident.updatedAt);
      for (const updated of this.incidents.updateSuspects(incident.id, this.attribute(open.symptom), when)) {
        out.push({ type: 'incident', incident: updated });
      }
    }
  }

  /** An alert resolved: when an incident goes quiet, its symptom has ended (rollback evidence). */
  private noteQuiet(ref: string, at: number, out: CorrelatorOutput[]): void {
    for (const [id, open] of this.symptoms) {
      if (!open.firing.delete(ref) || open.firing.size > 0) continue;
      open.symptom = { ...open.symptom, endedAt: at };
      const incident = this.incidents.get(id);
      if (incident && incident.status !== 'resolved') {
        for (const updated of this.incidents.updateSuspects(id, this.attribute(open.symptom), at)) {
          out.push({ type: 'incident', incident: updated });
        }
      }
    }
  }

  private track(
    incident: Incident,
    symptom: Symptom,
    kind: Signal['kind'],
    ref: string,
    firing = true,
  ): void {
    const open = this.symptoms.get(incident.id) ?? { symptom, firing: new Set<string>(), byRef: new Map() };
    open.byRef.set(ref, symptom);
    // The incident's symptom is its lead member's (what it is named after), not the first to arrive.
    if (this.incidents.isLead(incident.id, ref)) open.symptom = symptom;
    if (kind === 'alert' && firing) open.firing.add(ref);
    // Not ended (undefined counts as null): the same object, which finds its last attribution.
    if (open.symptom.endedAt != null) open.symptom = { ...open.symptom, endedAt: null };
    this.symptoms.set(incident.id, open);
  }

  private attribute(symptom: Symptom, settings = this.settings.attribution): Suspect[] {
    const { lookbackMs, skewMs } = settings;
    this.learnEdges(symptom.service);
    // Every change in the window is a candidate: the graph weighs them, it does not pick them.
    const changes = this.changes.between(symptom.onset - lookbackMs, symptom.onset + skewMs);
    const facts = changes.map((c) => this.changes.facts(c));
    const last = this.attributions.get(symptom);
    if (last && last.graphVersion === this.graph.version && sameEvidence(last, changes, facts))
      return last.suspects;
    const suspects = attribute({
      symptom,
      changes,
      facts: (change) => this.changes.facts(change),
      graph: this.graph,
      settings,
    });
    this.attributions.set(symptom, { graphVersion: this.graph.version, changes, facts, suspects });
    return suspects;
  }

  private symptomFor(
    service: string,
    onset: number,
    environment: string | undefined,
    kind?: string | null,
  ): Symptom {
    const place = this.settings.placement[service];
    return {
      service,
      onset,
      environment,
      cluster: place?.cluster,
      region: place?.region,
      kind: kind ?? null,
    };
  }

  private seen(eventTime: number): void {
    if (eventTime > this.maxEventTime) this.maxEventTime = eventTime;
  }

  private tick(out: CorrelatorOutput[]): void {
    const watermark = this.watermark;
    if (!Number.isFinite(watermark)) return;
    const finalSuspects = (id: string) => {
      const open = this.symptoms.get(id);
      return open ? this.attribute(open.symptom) : undefined;
    };
    for (const incident of this.incidents.advance(watermark, finalSuspects)) {
      this.symptoms.delete(incident.id);
      out.push({ type: 'incident', incident });
    }
    this.changes.prune(watermark);
  }
}
