-- Services' metrics at full resolution, several (service, metric) pairs at once: one row per
-- series (environment + label set) of each pair with its points in [from, to) as (epoch ms,
-- value), in time order; at most maxSeries series per pair. `pairs` holds each wanted pair as
-- service + '\0' + metric; `services` and `metrics` are their parts, for the primary key.
SELECT
    service,
    metric,
    environment,
    series,
    any(labels) AS labels,
    anyLast(unit) AS unit,
    arraySort(p -> p.1, groupArray((toUnixTimestamp64Milli(ts), value))) AS points
FROM telemetry_points
WHERE service IN {services:Array(String)}
  AND metric IN {metrics:Array(String)}
  AND has({pairs:Array(String)}, concat(service, '\0', metric))
  AND ({environment:String} = '' OR environment = {environment:String})
  AND ts >= {from:DateTime64(3)}
  AND ts < {to:DateTime64(3)}
GROUP BY service, metric, environment, series
ORDER BY service, metric, environment, series
LIMIT {maxSeries:UInt32} BY service, metric
