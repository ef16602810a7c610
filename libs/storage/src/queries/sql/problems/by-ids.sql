-- Problems by id, newest version of each.
SELECT {{parts/problem-columns}}
FROM problems FINAL
WHERE id IN {ids:Array(String)}
ORDER BY id
