-- When people first responded to each incident: its first acknowledgement, or its resolution
-- when it was resolved without one (by hand or as its symptoms cleared). Incidents with neither
-- are absent. Every version is kept in incident_events, so the first is never compacted away.
SELECT id, toUnixTimestamp64Milli(min(updated_at)) AS at
FROM incident_events FINAL
WHERE id IN {ids:Array(String)} AND event IN ('acknowledged', 'resolved')
GROUP BY id
