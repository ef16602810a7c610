-- One page of a keyset scan (see scan.ts): the rows whose `scan_at` (the query names it, as in
-- `started_at AS scan_at`) is in [from, to), optionally of some services, in (scan_at, id) order
-- after the position (afterAt, afterId) where the previous page ended.
WHERE scan_at >= {from:DateTime64(3)}
  AND scan_at < {to:DateTime64(3)}
  AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
  AND (scan_at > {afterAt:DateTime64(3)} OR (scan_at = {afterAt:DateTime64(3)} AND id > {afterId:String}))
ORDER BY scan_at, id
LIMIT {limit:UInt32}
