-- A service's metric in the buckets of a rollup table (telemetry_rollup_1m or _1h): one row per
-- series with its buckets overlapping [from, to) as (bucket start in epoch ms, count, min, max,
-- sum, [p50, p90, p95, p99]); fromBucket is the start of the bucket that holds `from`. Parts not
-- merged yet hold several rows per bucket: merged here.
SELECT
    environment,
    series,
    any(labels) AS labels,
    anyLast(unit) AS unit,
    arraySort(p -> p.1, groupArray((bucket_ms, n, lo, hi, total, qs))) AS points
FROM
(
    SELECT
        environment,
        series,
        toUnixTimestamp(bucket) * 1000 AS bucket_ms,
        any(labels) AS labels,
        anyLast(unit) AS unit,
        sum(value_count) AS n,
        min(value_min) AS lo,
        max(value_max) AS hi,
        sum(value_sum) AS total,
        quantilesTDigestMerge(0.5, 0.9, 0.95, 0.99)(value_quantiles) AS qs
    FROM {rollup:Identifier}
    WHERE service = {service:String}
      AND metric = {metric:String}
      AND ({environment:String} = '' OR environment = {environment:String})
      AND bucket >= {fromBucket:DateTime64(3)}
      AND bucket < {to:DateTime64(3)}
    GROUP BY environment, series, bucket
)
GROUP BY environment, series
ORDER BY environment, series
LIMIT {maxSeries:UInt32}
