// Generated from schemas/ by scripts/generate-types.mjs — do not edit by hand.

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';

export type Severity = 'critical' | 'high' | 'warning' | 'info';

/** One state of an alert as a source reported it. Key: service. */
export interface Alert {
  /** Stable id of this state transition: fingerprint + status + startsAt (+ endsAt). */
  readonly id: string;
  /** Identity of the alert across its transitions (Alertmanager fingerprint, PagerDuty dedup_key, ...). */
  readonly fingerprint: string;
  readonly status: AlertStatus;
  readonly name: string;
  readonly service: string;
  readonly environment: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: number;
  readonly endsAt: null | number;
  readonly source: string;
  readonly link: null | string;
  readonly team: null | string;
  readonly runbookUrl: null | string;
}

export type RiskClass = 'standard' | 'normal' | 'high';

export type PolicyDecision = 'approved' | 'review' | 'blocked';

export interface RiskReason {
  readonly factor: string;
  readonly detail: string;
  readonly weight: number;
}

/** The risk assessment and policy decision for one change. Key: service. */
export interface Assessment {
  readonly id: string;
  readonly changeId: string;
  readonly service: string;
  readonly environment: string;
  /** Calibrated probability that the change causes an incident. */
  readonly probability: number;
  readonly riskClass: RiskClass;
  readonly decision: PolicyDecision;
  /** The policy rule that made the decision. */
  readonly policyRule: string;
  readonly reasons: RiskReason[];
  readonly assessedAt: number;
  readonly team: null | string;
}

export type ChangeKind = 'deployment' | 'config' | 'feature_flag' | 'infrastructure' | 'database_migration' | 'rollback' | 'other';

export type ChangeScope = 'service' | 'cluster' | 'region' | 'global';

export interface PipelineEvidence {
  readonly name: null | string;
  readonly runId: null | string;
  readonly url: null | string;
  readonly testsPassed: null | boolean;
  readonly testsRun: null | number;
  readonly testsFailed: null | number;
}

export type RolloutStrategy = 'unknown' | 'all_at_once' | 'canary' | 'progressive' | 'blue_green';

export interface Link {
  readonly name: string;
  readonly url: string;
}

/** What the change touches and who made it: the just-in-time defect prediction features (Kamei et al.) a pipeline can send. Every field is optional; a change without them is scored on what is known. */
export interface ChangeContent {
  /** Lines added (Kamei la, as a count). */
  readonly linesAdded: null | number;
  /** Lines deleted (Kamei ld, as a count). */
  readonly linesDeleted: null | number;
  /** Lines in the touched files before the change (Kamei lt). */
  readonly linesBefore: null | number;
  /** Files touched (Kamei nf). */
  readonly files: null | number;
  /** Directories touched (Kamei nd). */
  readonly directories: null | number;
  /** Subsystems (top-level directories) touched (Kamei ns). */
  readonly subsystems: null | number;
  /** Spread of the changed lines across the touched files, Shannon entropy in bits (Kamei entropy / ent). */
  readonly entropy: null | number;
  /** Developers who changed the touched files before (Kamei ndev). */
  readonly developers: null | number;
  /** Mean days since the touched files last changed (Kamei age). */
  readonly filesAgeDays: null | number;
  /** Unique earlier changes to the touched files (Kamei nuc). */
  readonly priorChanges: null | number;
  /** The author's earlier changes (Kamei exp / aexp). */
  readonly authorExperience: null | number;
  /** The author's earlier changes weighted by recency, 1/(1 + years ago) each (Kamei rexp / arexp). */
  readonly authorRecentExperience: null | number;
  /** The author's earlier changes in the same subsystems (Kamei sexp / asexp). */
  readonly authorSubsystemExperience: null | number;
  /** The change fixes a defect. */
  readonly fix: null | boolean;
  /** The change reverts an earlier one. */
  readonly revert: null | boolean;
  /** Commits shipped by the change. */
  readonly commits: null | number;
}

/** A change to a running system: a deployment, config change, feature flag, infrastructure change, database migration or rollback. Key: service. */
export interface Change {
  /** Stable id: the source's own id where it has one, else a content hash. */
  readonly id: string;
  /** Where it came from: cdevents, github, argocd, pagerduty, canonical, ... */
  readonly source: string;
  readonly kind: ChangeKind;
  readonly service: string;
  readonly environment: string;
  readonly version: null | string;
  readonly previousVersion: null | string;
  readonly startedAt: number;
  readonly finishedAt: null | number;
  readonly scope: ChangeScope;
  /** The cluster or region a platform change applies to. */
  readonly scopeName: null | string;
  readonly automated: boolean;
  readonly initiator: null | string;
  readonly pipeline: null | PipelineEvidence;
  readonly rollout: RolloutStrategy;
  /** Lines changed, where known. */
  readonly sizeLines: null | number;
  readonly component: null | string;
  readonly configKeys: string[];
  /** Id of the change this one rolls back. */
  readonly rollbackOf: null | string;
  readonly links: Link[];
  readonly labels: Record<string, string>;
  /** Time of the (first) commit shipped, for DORA lead time. */
  readonly commitAt: null | number;
  readonly team: null | string;
  /** Change-content features, where the source sends them (schema v3). */
  readonly content: null | ChangeContent;
}

/** Input that could not be handled, kept whole with the reason. Key: the original key. */
export interface DeadLetter {
  /** source/partition/offset for topic input, a content hash for HTTP input. */
  readonly id: string;
  readonly receivedAt: number;
  /** Original topic, or the HTTP endpoint. */
  readonly source: string;
  readonly partition: null | number;
  readonly offset: null | string;
  /** Machine-readable: decode.json, validate.missing-field, ... */
  readonly code: string;
  /** Human-readable, naming the field or rule at fault. */
  readonly reason: string;
  readonly key: null | Buffer;
  readonly value: null | Buffer;
  readonly headers: Record<string, string>;
  /** The Aftershock app that rejected it. */
  readonly app: null | string;
}

export type IncidentEvent = 'opened' | 'updated' | 'acknowledged' | 'resolved' | 'reopened' | 'severity_changed' | 'commented' | 'reassigned' | 'snoozed' | 'unsnoozed' | 'merged' | 'split';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export type IncidentKind = 'regression' | 'alert' | 'anomaly';

export type MemberType = 'alert' | 'anomaly' | 'verdict';

export interface IncidentMember {
  readonly type: MemberType;
  /** Alert fingerprint, anomaly id or verdict id. */
  readonly ref: string;
  readonly service: string;
  readonly name: string;
  readonly at: number;
}

export interface Evidence {
  readonly factor: string;
  readonly detail: string;
  /** Log-likelihood ratio contributed (positive = more likely). */
  readonly weight: number;
}

export interface Suspect {
  /** null = the 'no change caused this' alternative. */
  readonly changeId: null | string;
  readonly service: null | string;
  readonly kind: null | ChangeKind;
  /** The suspect change's component (chart, module, flag set), when it names one. */
  readonly component: null | string;
  readonly probability: number;
  readonly evidence: Evidence[];
}

/** One state change of an incident. (id, version) is unique; consumers keep the highest version. Key: the incident's primary service. */
export interface Incident {
  /** Deterministic: derived from what opened it, so a replay yields the same id. */
  readonly id: string;
  readonly version: number;
  readonly event: IncidentEvent;
  readonly status: IncidentStatus;
  readonly kind: IncidentKind;
  readonly title: string;
  readonly summary: string;
  readonly severity: Severity;
  /** Primary service. */
  readonly service: string;
  readonly services: string[];
  readonly environment: string;
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly resolvedAt: null | number;
  readonly members: IncidentMember[];
  readonly suspects: Suspect[];
  /** Number of services affected. */
  readonly blastRadius: number;
  /** Who made this state change (null = the engine). */
  readonly actor: null | string;
  readonly comment: null | string;
  readonly team: null | string;
  /** Labels its alerts agree on, without per-instance ones (pod, instance, host…): what a problem manager groups repeats by. */
  readonly labels: Record<string, string>;
  /** Who is responsible for it now (null = nobody yet); a person sets it (event reassigned). */
  readonly assignee: null | string;
  /** Kept out of the on-call list and its notifications held until this time (event time); null = not snoozed. The snooze ends by itself when the engine's event time reaches it (event unsnoozed). */
  readonly snoozedUntil: null | number;
  /** Resolved as a duplicate of this incident, which took in its members (a person merged it). */
  readonly duplicateOf: null | string;
  /** Incidents merged into this one, first to last. */
  readonly mergedFrom: string[];
  /** The incident this one was split out of (a person took some of its members out into this one). */
  readonly splitFrom: null | string;
  /** Incidents split out of this one, first to last. */
  readonly splitInto: string[];
}

export type IncidentAction = 'acknowledge' | 'resolve' | 'comment' | 'severity' | 'assign' | 'snooze' | 'unsnooze' | 'merge' | 'absorb' | 'split';

/** A person's action on an incident, sent by the api to the correlator that owns the incident, which applies it and emits the new incident version. Key: the incident's primary service. */
export interface IncidentCommand {
  /** Unique per command, so a redelivered command is applied once. */
  readonly id: string;
  readonly incidentId: string;
  /** The incident's primary service (the partition key). */
  readonly service: string;
  readonly action: IncidentAction;
  readonly actor: string;
  readonly at: number;
  readonly comment: null | string;
  readonly severity: null | Severity;
  /** The incident as the api read it from the store when it sent the command, encoded as an incident event (any wire format). The correlator applies the command to it when it no longer holds the incident in memory (resolved long ago, or after a restart), so a postmortem note on an old incident is a new version, not a lost command. */
  readonly incident: null | Buffer;
  /** assign: who takes the incident on (null = nobody: unassign). */
  readonly assignee: null | string;
  /** snooze: the time the snooze ends by itself. */
  readonly until: null | number;
  /** merge: the incident this one is merged into; absorb: the incident merged into this one. */
  readonly relatedIncidentId: null | string;
  /** absorb: the merged incident as the api read it from the store, encoded as an incident event: its members, services and suspects join this one. */
  readonly relatedIncident: null | Buffer;
  /** split: the members (alert fingerprints, anomaly or verdict ids) taken out into a new incident. */
  readonly refs: string[];
  /** split: every member on this service is taken out into a new incident. */
  readonly splitService: null | string;
}

export type ProblemStatus = 'candidate' | 'problem' | 'known_error' | 'resolved' | 'verified' | 'rejected';

export interface SharedFactor {
  readonly factor: string;
  readonly value: string;
  /** Fraction of members that have it. */
  readonly share: number;
}

/** One state change of a problem (a cluster of recurring incidents). (id, version) is unique. Key: signature. */
export interface Problem {
  readonly id: string;
  readonly version: number;
  readonly signature: string;
  readonly status: ProblemStatus;
  readonly title: string;
  readonly template: string;
  readonly services: string[];
  /** Incident ids. */
  readonly members: string[];
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly mttrMs: null | number;
  /** Incident-minutes weighted by severity. */
  readonly impact: number;
  readonly sharedFactors: SharedFactor[];
  /** Period of the repeats when they follow a schedule. */
  readonly periodMs: null | number;
  readonly workaround: null | string;
  readonly fixChangeId: null | string;
  readonly reopened: boolean;
  readonly actor: null | string;
  /** What the problem manager wrote with the action that made this version (confirm, reject, known error, resolve). */
  readonly comment: null | string;
  readonly updatedAt: number;
  readonly team: null | string;
}

export type ProblemAction = 'confirm' | 'reject' | 'known_error' | 'resolve' | 'link' | 'unlink';

/** A problem manager's or responder's action on a problem (a lifecycle step, or linking or unlinking an incident by hand), sent by the api to the problems app, which applies it and emits the new problem version. Key: the problem id. */
export interface ProblemCommand {
  /** Unique per command, so a redelivered command is applied once. */
  readonly id: string;
  readonly problemId: string;
  readonly action: ProblemAction;
  readonly actor: string;
  readonly at: number;
  readonly workaround: null | string;
  readonly fixChangeId: null | string;
  readonly comment: null | string;
  /** The incident linked to or unlinked from the problem (link and unlink only). A reader of v1 reads link and unlink as the enum's default, confirm, and ignores this field. */
  readonly incidentId: null | string;
}

/** An SLO defined through the api: its OpenSLO v1 documents as written, or its removal. Key: the SLO's name. The topic is compacted and read whole by the api and the correlator: the newest record per name is the definition in force. */
export interface SloDefinitionRecord {
  /** The SLO's metadata.name. */
  readonly name: string;
  /** The OpenSLO v1 documents (YAML or JSON): the SLO and the SLI, AlertPolicy, AlertCondition and Service objects it references, self-contained. Null: the SLO was deleted. */
  readonly openslo: null | string;
  /** Who wrote it (the token's or the signed-in person's name). */
  readonly actor: string;
  readonly at: number;
}

export interface TelemetryPoint {
  readonly metric: string;
  readonly value: number;
  readonly timestamp: number;
  readonly unit: null | string;
  readonly labels: Record<string, string>;
}

/** Telemetry points of one service (the batched form; a single point is a batch of one). Key: service. */
export interface TelemetryBatch {
  /** Content hash of the batch, so a redelivered batch is recognised. */
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly points: TelemetryPoint[];
  /** Resource attributes shared by the points (OpenTelemetry resource). */
  readonly resource: Record<string, string>;
}

export type VerdictOutcome = 'pass' | 'fail' | 'inconclusive';

export interface MetricJudgement {
  readonly metric: string;
  readonly outcome: VerdictOutcome;
  /** mann-whitney, rate, variance, none */
  readonly test: string;
  readonly pValue: null | number;
  /** Relative change of the location in the bad direction. */
  readonly effect: null | number;
  readonly baselineValue: null | number;
  readonly observedValue: null | number;
  readonly reason: string;
}

/** The post-deployment verification verdict on one change. Key: service. */
export interface Verdict {
  /** changeId + look number: a later look supersedes an earlier one. */
  readonly id: string;
  readonly changeId: string;
  readonly service: string;
  readonly environment: string;
  readonly outcome: VerdictOutcome;
  /** 0 (certainly bad) to 100 (certainly fine). */
  readonly score: number;
  /** Which interim look this is; final marks the last. */
  readonly look: number;
  readonly final: boolean;
  readonly decidedAt: number;
  readonly baselineStart: number;
  readonly baselineEnd: number;
  readonly observationStart: number;
  readonly observationEnd: number;
  readonly metrics: MetricJudgement[];
  readonly summary: string;
  readonly team: null | string;
}

/** The TypeScript type of each canonical event, by schema folder name. */
export interface EventTypes {
  'alert': Alert;
  'assessment': Assessment;
  'change': Change;
  'dead-letter': DeadLetter;
  'incident': Incident;
  'incident-command': IncidentCommand;
  'problem': Problem;
  'problem-command': ProblemCommand;
  'slo-definition': SloDefinitionRecord;
  'telemetry': TelemetryBatch;
  'verdict': Verdict;
}
