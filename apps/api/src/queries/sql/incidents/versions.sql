-- The full versions of one incident still on record, first to last. The table keeps the newest
-- version once its parts merge, so older versions may be gone (incident_events keeps every
-- version's state fields); a version written twice is returned once.
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM incidents
WHERE id = {id:String}
ORDER BY version
LIMIT 1 BY version
