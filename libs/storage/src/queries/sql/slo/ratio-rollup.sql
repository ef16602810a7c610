-- A ratio SLI of per-interval counts from a rollup table (telemetry_rollup_1m or _1h): the sum
-- of the events series and of the total series per bucket of bucketS seconds (a multiple of the
-- table's), for [from, to). Sums are exact from rollups; rows not merged yet are summed too.
-- A bucket without any total row is left out (no data).
SELECT
    toUInt64(intDiv(toUnixTimestamp(bucket), {bucketS:UInt32}) * {bucketS:UInt32}) * 1000 AS start,
    sumIf(value_sum, {{parts/slo-events}}) AS events,
    sumIf(value_sum, {{parts/slo-total}}) AS total
FROM {rollup:Identifier}
WHERE bucket >= {from:DateTime64(3)}
  AND bucket < {to:DateTime64(3)}
  AND {{parts/slo-either}}
GROUP BY start
HAVING countIf({{parts/slo-total}}) > 0
ORDER BY start
