-- Problems updated since a time, newest version of each: the numbering a restored book goes on from.
SELECT {{parts/problem-columns}}
FROM problems FINAL
WHERE updated_at >= fromUnixTimestamp64Milli({since:Int64})
