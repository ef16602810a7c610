-- Changes by id (an incident's suspects, a problem's fix).
SELECT {{parts/change-columns}}
FROM changes FINAL
WHERE id IN {ids:Array(String)}
ORDER BY started_at DESC, id
