-- Every look at some changes, by change and look.
SELECT
    id, change_id, service, environment, outcome, score, look, final, decided_at, baseline_start,
    baseline_end, observation_start, observation_end, metrics, summary, team
FROM verdicts FINAL
WHERE change_id IN {ids:Array(String)}
ORDER BY change_id, look, id
