-- Time to restore per primary service, for incidents opened in [from, to): how many, how many
-- are resolved, and the mean, median and 90th percentile of opened → resolved in milliseconds
-- (exact, interpolated quantiles: incidents are few).
SELECT
    service,
    count() AS incidents,
    countIf(resolved_at IS NOT NULL) AS restored,
    avgIf(restore_ms, resolved_at IS NOT NULL) AS mean_ms,
    quantileExactInclusiveIf(0.5)(restore_ms, resolved_at IS NOT NULL) AS median_ms,
    quantileExactInclusiveIf(0.9)(restore_ms, resolved_at IS NOT NULL) AS p90_ms
FROM
(
    SELECT
        service,
        resolved_at,
        dateDiff('millisecond', opened_at, assumeNotNull(resolved_at)) AS restore_ms
    FROM incidents FINAL
    WHERE opened_at >= {from:DateTime64(3)}
      AND opened_at < {to:DateTime64(3)}
      AND ({environment:String} = '' OR environment = {environment:String})
      AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
)
GROUP BY service
ORDER BY service
