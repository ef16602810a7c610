-- Problems (newest version of each) that any of the incidents currently belongs to.
SELECT {{parts/problem-columns}}
FROM problems FINAL
WHERE hasAny(members, {ids:Array(String)})
ORDER BY id
