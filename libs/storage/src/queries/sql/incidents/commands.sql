-- What people did to an incident, in the order they did it.
SELECT id, incident_id, service, action, actor, at, comment, severity
FROM incident_commands FINAL
WHERE incident_id = {incidentId:String}
ORDER BY at, id
