-- Incidents updated since a time, newest version of each: what a problem book restores from.
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM incidents FINAL
WHERE updated_at >= fromUnixTimestamp64Milli({since:Int64})
ORDER BY updated_at, id
