-- Incidents by id, newest version of each (a detail page, a problem's members).
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM incidents FINAL
WHERE id IN {ids:Array(String)}
ORDER BY opened_at DESC, id
