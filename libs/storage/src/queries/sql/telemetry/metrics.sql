-- Which metrics some services reported in [from, to), with their unit: read from the hourly
-- rollup (small, and as complete as the raw points).
SELECT service, metric, anyLast(unit) AS unit
FROM telemetry_rollup_1h
WHERE has({services:Array(String)}, service)
  AND ({environment:String} = '' OR environment = {environment:String})
  AND bucket >= toStartOfHour({from:DateTime64(3)})
  AND bucket < {to:DateTime64(3)}
GROUP BY service, metric
ORDER BY service, metric
