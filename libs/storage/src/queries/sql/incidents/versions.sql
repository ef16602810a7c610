-- Every version of one incident, first to last, from the append-only history (incident_versions)
-- and, for versions recorded before that table existed, from `incidents` while they are still
-- there (it keeps only the newest once its parts merge). A version written twice is returned once.
SELECT {{parts/incident-columns}}
FROM merge(currentDatabase(), '^(incident_versions|incidents)$')
WHERE id = {id:String}
ORDER BY version
LIMIT 1 BY version
