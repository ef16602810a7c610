-- What problem managers and responders did to a problem (lifecycle steps, incidents linked or unlinked), in order.
SELECT id, problem_id, action, actor, at, workaround, fix_change_id, comment, incident_id
FROM problem_commands FINAL
WHERE problem_id = {problemId:String}
ORDER BY at, id
