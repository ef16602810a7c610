// Risk assessment ⇄ `assessments` row.
import type { Assessment, PolicyDecision, RiskClass } from '#contracts';
import { dbTime } from './db-values.js';

interface AssessmentColumns<Time> {
  readonly id: string;
  readonly change_id: string;
  readonly service: string;
  readonly environment: string;
  readonly probability: number;
  readonly risk_class: string;
  readonly decision: string;
  readonly policy_rule: string;
  readonly reasons: readonly { readonly factor: string; readonly detail: string; readonly weight: number }[];
  readonly assessed_at: Time;
  readonly team: string | null;
}

export type AssessmentRow = AssessmentColumns<number>;
export type StoredAssessmentRow = AssessmentColumns<string>;

export function toAssessmentRow(assessment: Assessment): AssessmentRow {
  return {
    id: assessment.id,
    change_id: assessment.changeId,
    service: assessment.service,
    environment: assessment.environment,
    probability: assessment.probability,
    risk_class: assessment.riskClass,
    decision: assessment.decision,
    policy_rule: assessment.policyRule,
    reasons: assessment.reasons,
    assessed_at: assessment.assessedAt,
    team: assessment.team,
  };
}

export function fromAssessmentRow(row: StoredAssessmentRow): Assessment {
  return {
    id: row.id,
    changeId: row.change_id,
    service: row.service,
    environment: row.environment,
    probability: row.probability,
    riskClass: row.risk_class as RiskClass,
    decision: row.decision as PolicyDecision,
    policyRule: row.policy_rule,
    reasons: row.reasons.map((r) => ({ factor: r.factor, detail: r.detail, weight: r.weight })),
    assessedAt: dbTime(row.assessed_at),
    team: row.team,
  };
}
