-- Every version of one incident, first to last, from the append-only history (incident_versions);
-- versions recorded before that table existed come from `incidents` while they are still there
-- (it keeps only the newest once its parts merge). A version written twice is returned once.
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM
(
    SELECT
        id, version, event, status, kind, title, summary, severity, service, services, environment,
        opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor,
        comment, team, labels
    FROM incident_versions
    WHERE id = {id:String}
    UNION ALL
    SELECT
        id, version, event, status, kind, title, summary, severity, service, services, environment,
        opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor,
        comment, team, labels
    FROM incidents
    WHERE id = {id:String}
)
ORDER BY version
LIMIT 1 BY version
