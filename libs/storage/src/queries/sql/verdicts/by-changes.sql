-- Every look at some changes, by change, first look to last (the last with final = true is the
-- verdict).
SELECT {{parts/verdict-columns}}
FROM verdicts FINAL
WHERE change_id IN {ids:Array(String)}
ORDER BY change_id, look, id
