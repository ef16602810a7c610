-- Every look at a change, first to last (the last with final = true is the verdict).
SELECT
    id, change_id, service, environment, outcome, score, look, final, decided_at, baseline_start,
    baseline_end, observation_start, observation_end, metrics, summary, team
FROM verdicts FINAL
WHERE change_id = {changeId:String}
ORDER BY look, id
