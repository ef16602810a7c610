-- What problem managers did since a time, in order: replayed by a restored problem book.
SELECT id, problem_id, action, actor, at, workaround, fix_change_id, comment, incident_id
FROM problem_commands FINAL
WHERE at >= fromUnixTimestamp64Milli({since:Int64})
ORDER BY at, id
