-- The risk assessments of a change (normally one), newest first.
SELECT
    id, change_id, service, environment, probability, risk_class, decision, policy_rule, reasons,
    assessed_at, team
FROM assessments FINAL
WHERE change_id = {changeId:String}
ORDER BY assessed_at DESC, id
