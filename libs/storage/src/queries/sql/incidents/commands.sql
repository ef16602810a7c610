-- What people did to an incident, in the order they did it.
SELECT id, incident_id, service, action, actor, at, comment, severity, assignee, until, related_incident_id, refs,
       split_service
FROM incident_commands FINAL
WHERE incident_id = {incidentId:String}
ORDER BY at, id
