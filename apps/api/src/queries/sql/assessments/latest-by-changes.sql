-- The newest risk assessment of each of some changes.
SELECT
    id, change_id, service, environment, probability, risk_class, decision, policy_rule, reasons,
    assessed_at, team
FROM assessments FINAL
WHERE change_id IN {ids:Array(String)}
ORDER BY change_id, assessed_at DESC, id
LIMIT 1 BY change_id
