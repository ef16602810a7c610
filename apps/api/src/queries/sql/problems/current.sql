-- Problems (newest version of each) that are open, or changed since `from`: what the risk
-- model needs of them.
SELECT
    id, version, signature, status, title, template, services, members, count, first_seen, last_seen,
    mttr_ms, impact, shared_factors, period_ms, workaround, fix_change_id, reopened, actor, comment, updated_at,
    team
FROM problems FINAL
WHERE updated_at >= {from:DateTime64(3)} OR status IN ('candidate', 'problem', 'known_error')
ORDER BY id
LIMIT {limit:UInt32}
