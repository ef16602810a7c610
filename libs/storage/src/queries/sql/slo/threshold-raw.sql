-- A threshold SLI from raw points: every point of the series is an event, good when
-- `value op threshold`; counted per bucket of bucketMs for [from, to).
SELECT
    intDiv(toUnixTimestamp64Milli(ts), {bucketMs:Int64}) * {bucketMs:Int64} AS start,
    countIf(multiIf(
        {op:String} = 'gt', value > {threshold:Float64},
        {op:String} = 'gte', value >= {threshold:Float64},
        {op:String} = 'lt', value < {threshold:Float64},
        value <= {threshold:Float64}
    )) AS events,
    count() AS total
FROM telemetry_points
WHERE ts >= {from:DateTime64(3)}
  AND ts < {to:DateTime64(3)}
  AND {{parts/slo-events}}
GROUP BY start
ORDER BY start
