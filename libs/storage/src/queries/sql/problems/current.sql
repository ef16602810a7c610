-- Problems (newest version of each) that are open, or changed since `from`: what the risk
-- model needs of them.
SELECT {{parts/problem-columns}}
FROM problems FINAL
WHERE updated_at >= {from:DateTime64(3)} OR status IN ('candidate', 'problem', 'known_error')
ORDER BY id
LIMIT {limit:UInt32}
