-- Verdicts decided in [from, to), newest first, optionally for one service and outcome, final
-- looks only when asked.
SELECT {{parts/verdict-columns}}
FROM verdicts FINAL
WHERE decided_at >= {from:DateTime64(3)}
  AND decided_at < {to:DateTime64(3)}
  AND ({service:String} = '' OR service = {service:String})
  AND ({outcome:String} = '' OR outcome = {outcome:String})
  AND (NOT {finalOnly:Bool} OR final)
ORDER BY decided_at DESC, id
LIMIT {limit:UInt32}
