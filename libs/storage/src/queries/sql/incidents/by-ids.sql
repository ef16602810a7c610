-- Incidents by id, newest version of each (a detail page, a problem's members).
SELECT {{parts/incident-columns}}
FROM incidents FINAL
WHERE id IN {ids:Array(String)}
ORDER BY opened_at DESC, id
