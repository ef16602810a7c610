-- Problems by id, newest version of each.
SELECT
    id, version, signature, status, title, template, services, members, count, first_seen, last_seen,
    mttr_ms, impact, shared_factors, period_ms, workaround, fix_change_id, reopened, actor, comment, updated_at,
    team
FROM problems FINAL
WHERE id IN {ids:Array(String)}
