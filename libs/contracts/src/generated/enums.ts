// Generated from schemas/ by scripts/generate-types.mjs — do not edit by hand.

/** Every AlertStatus, in the schema's order. */
export const ALERT_STATUS_VALUES = ['firing', 'acknowledged', 'resolved'] as const;

/** Every Severity, in the schema's order. */
export const SEVERITY_VALUES = ['critical', 'high', 'warning', 'info'] as const;

/** Every RiskClass, in the schema's order. */
export const RISK_CLASS_VALUES = ['standard', 'normal', 'high'] as const;

/** Every PolicyDecision, in the schema's order. */
export const POLICY_DECISION_VALUES = ['approved', 'review', 'blocked'] as const;

/** Every ChangeKind, in the schema's order. */
export const CHANGE_KIND_VALUES = ['deployment', 'config', 'feature_flag', 'infrastructure', 'database_migration', 'rollback', 'other'] as const;

/** Every ChangeScope, in the schema's order. */
export const CHANGE_SCOPE_VALUES = ['service', 'cluster', 'region', 'global'] as const;

/** Every RolloutStrategy, in the schema's order. */
export const ROLLOUT_STRATEGY_VALUES = ['unknown', 'all_at_once', 'canary', 'progressive', 'blue_green'] as const;

/** Every IncidentEvent, in the schema's order. */
export const INCIDENT_EVENT_VALUES = ['opened', 'updated', 'acknowledged', 'resolved', 'reopened', 'severity_changed', 'commented', 'reassigned', 'snoozed', 'unsnoozed', 'merged', 'split'] as const;

/** Every IncidentStatus, in the schema's order. */
export const INCIDENT_STATUS_VALUES = ['open', 'acknowledged', 'resolved'] as const;

/** Every IncidentKind, in the schema's order. */
export const INCIDENT_KIND_VALUES = ['regression', 'alert', 'anomaly'] as const;

/** Every MemberType, in the schema's order. */
export const MEMBER_TYPE_VALUES = ['alert', 'anomaly', 'verdict'] as const;

/** Every IncidentAction, in the schema's order. */
export const INCIDENT_ACTION_VALUES = ['acknowledge', 'resolve', 'comment', 'severity', 'assign', 'snooze', 'unsnooze', 'merge', 'absorb', 'split'] as const;

/** Every ProblemStatus, in the schema's order. */
export const PROBLEM_STATUS_VALUES = ['candidate', 'problem', 'known_error', 'resolved', 'verified', 'rejected'] as const;

/** Every ProblemAction, in the schema's order. */
export const PROBLEM_ACTION_VALUES = ['confirm', 'reject', 'known_error', 'resolve', 'link', 'unlink'] as const;

/** Every VerdictOutcome, in the schema's order. */
export const VERDICT_OUTCOME_VALUES = ['pass', 'fail', 'inconclusive'] as const;
