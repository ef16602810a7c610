-- Services' metrics in the buckets of a rollup table (telemetry_rollup_1m or _1h), several
-- (service, metric) pairs at once (as series-raw.sql): one row per series of each pair with its
-- buckets overlapping [from, to) as (bucket start in epoch ms, count, min, max, sum, [p50, p90,
-- p95, p99]); fromBucket is the start of the bucket that holds `from`. Parts not merged yet hold
-- several rows per bucket: merged here.
SELECT
    service,
    metric,
    environment,
    series,
    any(labels) AS labels,
    anyLast(unit) AS unit,
    arraySort(p -> p.1, groupArray((bucket_ms, n, lo, hi, total, qs))) AS points
FROM
(
    SELECT
        service,
        metric,
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
    WHERE service IN {services:Array(String)}
      AND metric IN {metrics:Array(String)}
      AND has({pairs:Array(String)}, concat(service, '\0', metric))
      AND ({environment:String} = '' OR environment = {environment:String})
      AND bucket >= {fromBucket:DateTime64(3)}
      AND bucket < {to:DateTime64(3)}
    GROUP BY service, metric, environment, series, bucket
)
GROUP BY service, metric, environment, series
ORDER BY service, metric, environment, series
LIMIT {maxSeries:UInt32} BY service, metric
