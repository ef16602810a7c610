-- Problems updated since a time, newest version of each: the numbering a restored book goes on from.
SELECT
    id, version, signature, status, title, template, services, members, count, first_seen, last_seen,
    mttr_ms, impact, shared_factors, period_ms, workaround, fix_change_id, reopened, actor, updated_at, team, comment
FROM problems FINAL
WHERE updated_at >= fromUnixTimestamp64Milli({since:Int64})
