-- What problem managers did to a problem, in the order they did it.
SELECT id, problem_id, action, actor, at, workaround, fix_change_id, comment
FROM problem_commands FINAL
WHERE problem_id = {problemId:String}
ORDER BY at, id
