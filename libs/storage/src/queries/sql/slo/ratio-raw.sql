-- A ratio SLI of per-interval counts from raw points: the sum of the events series and of the
-- total series per bucket of bucketMs, for [from, to). A bucket without a total point is left out.
SELECT
    intDiv(toUnixTimestamp64Milli(ts), {bucketMs:Int64}) * {bucketMs:Int64} AS start,
    sumIf(value, {{parts/slo-events}}) AS events,
    sumIf(value, {{parts/slo-total}}) AS total
FROM telemetry_points
WHERE ts >= {from:DateTime64(3)}
  AND ts < {to:DateTime64(3)}
  AND {{parts/slo-either}}
GROUP BY start
HAVING countIf({{parts/slo-total}}) > 0
ORDER BY start
