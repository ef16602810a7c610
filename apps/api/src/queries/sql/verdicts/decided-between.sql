-- Verdicts (every look) decided in [from, to), optionally of some services, in (decided_at, id)
-- order after a keyset position: one page of a scan.
SELECT
    id, change_id, service, environment, outcome, score, look, final, decided_at, baseline_start,
    baseline_end, observation_start, observation_end, metrics, summary, team
FROM verdicts FINAL
WHERE decided_at >= {from:DateTime64(3)}
  AND decided_at < {to:DateTime64(3)}
  AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
  AND (decided_at > {afterAt:DateTime64(3)} OR (decided_at = {afterAt:DateTime64(3)} AND id > {afterId:String}))
ORDER BY decided_at, id
LIMIT {limit:UInt32}
