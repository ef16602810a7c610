-- Lead time for changes per service, for deployments started in [from, to) that say when their
-- first commit was: commit → deployment finished (started, while it has not finished), in
-- milliseconds.
SELECT
    service,
    count() AS deployments,
    avg(lead_ms) AS mean_ms,
    quantileExactInclusive(0.5)(lead_ms) AS median_ms,
    quantileExactInclusive(0.9)(lead_ms) AS p90_ms
FROM
(
    SELECT
        service,
        dateDiff('millisecond', assumeNotNull(commit_at), coalesce(finished_at, started_at)) AS lead_ms
    FROM changes FINAL
    WHERE kind = 'deployment'
      AND commit_at IS NOT NULL
      AND started_at >= {from:DateTime64(3)}
      AND started_at < {to:DateTime64(3)}
      AND ({environment:String} = '' OR environment = {environment:String})
      AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
)
GROUP BY service
ORDER BY service
