-- Incidents updated since a time, newest version of each: what a problem book restores from.
SELECT {{parts/incident-columns}}
FROM incidents FINAL
WHERE updated_at >= fromUnixTimestamp64Milli({since:Int64})
ORDER BY updated_at, id
