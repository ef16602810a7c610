-- The newest risk assessment of each of some changes.
SELECT {{parts/assessment-columns}}
FROM assessments FINAL
WHERE change_id IN {ids:Array(String)}
ORDER BY change_id, assessed_at DESC, id
LIMIT 1 BY change_id
