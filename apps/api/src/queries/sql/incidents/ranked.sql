-- Incidents open at some time in [from, to) (opened before its end, not resolved before its
-- start), filtered by service (primary or affected), environment, statuses and severities
-- (empty = all), ranked the way people triage them: open, then acknowledged, then resolved;
-- most severe first; newest first. A page (the caller asks for one row more than it shows).
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM incidents FINAL
WHERE ({service:String} = '' OR service = {service:String} OR has(services, {service:String}))
  AND ({environment:String} = '' OR environment = {environment:String})
  AND (empty({statuses:Array(String)}) OR has({statuses:Array(String)}, status))
  AND (empty({severities:Array(String)}) OR has({severities:Array(String)}, severity))
  AND opened_at < {to:DateTime64(3)}
  AND (resolved_at IS NULL OR resolved_at >= {from:DateTime64(3)})
ORDER BY
    indexOf(['open', 'acknowledged', 'resolved'], status),
    indexOf(['critical', 'high', 'warning', 'info'], severity),
    opened_at DESC,
    id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
