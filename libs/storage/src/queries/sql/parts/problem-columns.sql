-- Every column of a `problems` (and `problem_versions`) row: what fromProblemRow reads.
id, version, signature, status, title, template, services, members, count, first_seen, last_seen,
mttr_ms, impact, shared_factors, period_ms, workaround, fix_change_id, reopened, actor, comment, updated_at,
team
