-- Every column of an `assessments` row: what fromAssessmentRow reads.
id, change_id, service, environment, probability, risk_class, decision, policy_rule, reasons,
assessed_at, team
