-- A ratio SLI of counters from raw points: each point's increase over the point before it in
-- its series (service, metric, series), counted in the bucket holding the later point; a drop
-- is a reset, and the new value is the increase. The point before `from` is looked for back to
-- `lookFrom`; a series' first point without one adds nothing (its start is unknown). Summed
-- over the events series and the total series per bucket of bucketMs, for [from, to).
SELECT
    intDiv(toUnixTimestamp64Milli(ts), {bucketMs:Int64}) * {bucketMs:Int64} AS start,
    sumIf(increase, is_events) AS events,
    sumIf(increase, is_total) AS total
FROM
(
    SELECT
        ts,
        is_events,
        is_total,
        if(isNull(prev), 0, if(value >= prev, value - assumeNotNull(prev), value)) AS increase
    FROM
    (
        SELECT
            ts,
            value,
            ({{parts/slo-events}}) AS is_events,
            ({{parts/slo-total}}) AS is_total,
            lagInFrame(toNullable(value)) OVER (
                PARTITION BY service, metric, series ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW
            ) AS prev
        FROM telemetry_points
        WHERE ts >= {lookFrom:DateTime64(3)}
          AND ts < {to:DateTime64(3)}
          AND {{parts/slo-either}}
    )
    WHERE ts >= {from:DateTime64(3)}
)
GROUP BY start
HAVING countIf(is_total) > 0
ORDER BY start
