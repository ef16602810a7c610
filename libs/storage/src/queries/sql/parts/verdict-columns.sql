-- Every column of a `verdicts` row: what fromVerdictRow reads.
id, change_id, service, environment, outcome, score, look, final, decided_at, baseline_start,
baseline_end, observation_start, observation_end, metrics, summary, team
