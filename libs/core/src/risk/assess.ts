// The change-risk gate in one call: features from the history, a probability from the model,
// a class from the policy's thresholds, and a decision from the policy's first matching rule.
// The result is the contract's Assessment; the decision's own reasons are added as a `policy`
// reason (weight 0: the policy decides, it does not move the probability).
import type { Assessment, Change } from '#contracts';
import {
  decide,
  riskClassOf,
  type BudgetStanding,
  type Policy,
  type PolicyOutcome,
} from '../policy/policy.js';
import type { ChangeHistory } from './change-history.js';
import { changeFeatures, type ChangeFeatures } from './features.js';
import { DEFAULT_RISK_MODEL, estimateRisk, type RiskModel } from './risk-model.js';

export interface AssessOptions {
  /** A fitted model; the default weights otherwise. */
  readonly model?: RiskModel;
  /** The service's SLO budgets as they stand, for rules on error budgets. */
  readonly budgets?: readonly BudgetStanding[];
}

export interface DetailedAssessment {
  readonly assessment: Assessment;
  readonly outcome: PolicyOutcome;
  readonly features: ChangeFeatures;
  readonly logOdds: number;
}

/**
 * Assesses a (proposed or arriving) change at `now`. The history is read as of
 * min(now, change.startedAt): what was known before the change, never what it caused. Timing
 * and freeze windows use the change's startedAt (for a proposed change, its planned start).
 */
export function assessDetailed(
  change: Change,
  history: ChangeHistory,
  policy: Policy,
  now: number,
  options: AssessOptions = {},
): DetailedAssessment {
  const features = changeFeatures(change, history, policy, Math.min(now, change.startedAt));
  const estimate = estimateRisk(options.model ?? DEFAULT_RISK_MODEL, change, features);
  const context = features.facts.context;
  const riskClass = riskClassOf(estimate.probability, context.riskClasses);
  const outcome = decide(policy, {
    change,
    probability: estimate.probability,
    riskClass,
    context,
    budgets: options.budgets,
  });
  const policyReason = {
    factor: 'policy',
    detail:
      `${outcome.decision} by ${outcome.rule}` +
      (outcome.ruleDescription ? ` — ${outcome.ruleDescription}` : '') +
      ` (${outcome.origin} of ${policy.source}): ${outcome.reasons.join('; ')}`,
    weight: 0,
  };
  return {
    assessment: {
      id: `asm-${change.id}`,
      changeId: change.id,
      service: change.service,
      environment: change.environment,
      probability: estimate.probability,
      riskClass,
      decision: outcome.decision,
      policyRule: outcome.rule,
      reasons: [...estimate.reasons, policyReason],
      assessedAt: now,
      team: context.team,
    },
    outcome,
    features,
    logOdds: estimate.logOdds,
  };
}

export function assess(
  change: Change,
  history: ChangeHistory,
  policy: Policy,
  now: number,
  options: AssessOptions = {},
): Assessment {
  return assessDetailed(change, history, policy, now, options).assessment;
}
