-- A service's metric at full resolution: one row per series (environment + label set) with its
-- points in [from, to) as (epoch ms, value), in time order.
SELECT
    environment,
    series,
    any(labels) AS labels,
    anyLast(unit) AS unit,
    arraySort(p -> p.1, groupArray((toUnixTimestamp64Milli(ts), value))) AS points
FROM telemetry_points
WHERE service = {service:String}
  AND metric = {metric:String}
  AND ({environment:String} = '' OR environment = {environment:String})
  AND ts >= {from:DateTime64(3)}
  AND ts < {to:DateTime64(3)}
GROUP BY environment, series
ORDER BY environment, series
LIMIT {maxSeries:UInt32}
