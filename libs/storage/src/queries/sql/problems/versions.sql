-- Every version of one problem, first to last, from the append-only history (problem_versions)
-- and, for versions recorded before that table existed, from `problems` while they are still
-- there (it keeps only the newest once its parts merge). A version written twice is returned once.
SELECT {{parts/problem-columns}}
FROM merge(currentDatabase(), '^(problem_versions|problems)$')
WHERE id = {id:String}
ORDER BY version
LIMIT 1 BY version
