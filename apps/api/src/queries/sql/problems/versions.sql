-- The versions of one problem still on record, first to last (older versions may be merged
-- away: the table keeps the newest); a version written twice is returned once.
SELECT
    id, version, signature, status, title, template, services, members, count, first_seen, last_seen,
    mttr_ms, impact, shared_factors, period_ms, workaround, fix_change_id, reopened, actor, updated_at, team
FROM problems
WHERE id = {id:String}
ORDER BY version
LIMIT 1 BY version
