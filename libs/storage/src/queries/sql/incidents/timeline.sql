-- Every version of an incident, in order: who changed what, when, and the top suspect then.
SELECT version, event, status, severity, updated_at, actor, comment, top_suspect
FROM incident_events FINAL
WHERE id = {id:String}
ORDER BY version
