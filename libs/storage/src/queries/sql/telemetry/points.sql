-- Raw points of a service in [from, to), every column, in series and time order (export,
-- inspection, tests). Bounded by `limit`.
SELECT service, metric, environment, labels, ts, value, unit, resource
FROM telemetry_points
WHERE service = {service:String}
  AND ({metric:String} = '' OR metric = {metric:String})
  AND ts >= {from:DateTime64(3)}
  AND ts < {to:DateTime64(3)}
ORDER BY metric, environment, series, ts
LIMIT {limit:UInt32}
