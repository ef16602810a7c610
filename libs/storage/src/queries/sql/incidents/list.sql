-- Incidents open at some time in [from, to) and matching the filters (see the part), newest
-- first; a page of them.
SELECT {{parts/incident-columns}}
FROM incidents FINAL
{{parts/incidents-open-between}}
ORDER BY opened_at DESC, id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
