-- Changes started in [from, to), newest first, optionally for some services, one environment
-- and some kinds (empty = all); when `paged`, after the keyset position (beforeAt, afterId) where
-- the previous page ended. FINAL: the newest report of each change, before any merge.
SELECT {{parts/change-columns}}
FROM changes FINAL
WHERE started_at >= {from:DateTime64(3)}
  AND started_at < {to:DateTime64(3)}
  AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
  AND ({environment:String} = '' OR environment = {environment:String})
  AND (empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind))
  AND (NOT {paged:Bool} OR started_at < {beforeAt:DateTime64(3)} OR (started_at = {beforeAt:DateTime64(3)} AND id > {afterId:String}))
ORDER BY started_at DESC, id
LIMIT {limit:UInt32}
