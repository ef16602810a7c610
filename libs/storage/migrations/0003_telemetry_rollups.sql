-- Rollups of telemetry_points per series: 1-minute and 1-hour buckets, filled by materialized
-- views on every insert into telemetry_points (so they are exactly as complete as the raw table).
-- min/max/sum/count are SimpleAggregateFunction columns (merge by min, max, sum, sum); quantiles
-- are t-digest states (quantilesTDigest), mergeable across buckets and series and readable at
-- any level with quantilesTDigestMerge(q). Stated error: within 1% of rank (the value returned
-- for p lies between the exact quantiles at p − 0.01 and p + 0.01), checked by the rollup test.
--
-- Deduplication: an insert into telemetry_points that is skipped as a duplicate (same dedup
-- token) is still pushed to the views; the rollup tables drop it because their blocks carry a
-- token derived from the source's (deduplicate_blocks_in_dependent_materialized_views = 1, the
-- default of current ClickHouse; set it in the server profile on older versions), which needs a
-- deduplication window here as well.
--
-- Retention: 90 days of minutes, 2 years of hours (AFTERSHOCK_ROLLUP_1M_RETENTION and
-- AFTERSHOCK_ROLLUP_1H_RETENTION, applied by the recorder like the raw retention).
CREATE TABLE IF NOT EXISTS telemetry_rollup_1m
(
    service         LowCardinality(String)                                        CODEC(ZSTD(1)),
    metric          LowCardinality(String)                                        CODEC(ZSTD(1)),
    environment     LowCardinality(String)                                        CODEC(ZSTD(1)),
    series          UInt64                                                        CODEC(ZSTD(1)),
    bucket          DateTime('UTC')                                               CODEC(DoubleDelta, ZSTD(1)),
    labels          SimpleAggregateFunction(any, Map(String, String))             CODEC(ZSTD(3)),
    unit            SimpleAggregateFunction(anyLast, Nullable(String))            CODEC(ZSTD(1)),
    value_min       SimpleAggregateFunction(min, Float64)                         CODEC(Gorilla, ZSTD(1)),
    value_max       SimpleAggregateFunction(max, Float64)                         CODEC(Gorilla, ZSTD(1)),
    value_sum       SimpleAggregateFunction(sum, Float64)                         CODEC(Gorilla, ZSTD(1)),
    value_count     SimpleAggregateFunction(sum, UInt64)                          CODEC(T64, ZSTD(1)),
    value_quantiles AggregateFunction(quantilesTDigest(0.5, 0.9, 0.95, 0.99), Float64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(bucket)
ORDER BY (service, metric, environment, series, bucket)
TTL bucket + INTERVAL 90 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS telemetry_rollup_1h
(
    service         LowCardinality(String)                                        CODEC(ZSTD(1)),
    metric          LowCardinality(String)                                        CODEC(ZSTD(1)),
    environment     LowCardinality(String)                                        CODEC(ZSTD(1)),
    series          UInt64                                                        CODEC(ZSTD(1)),
    bucket          DateTime('UTC')                                               CODEC(DoubleDelta, ZSTD(1)),
    labels          SimpleAggregateFunction(any, Map(String, String))             CODEC(ZSTD(3)),
    unit            SimpleAggregateFunction(anyLast, Nullable(String))            CODEC(ZSTD(1)),
    value_min       SimpleAggregateFunction(min, Float64)                         CODEC(Gorilla, ZSTD(1)),
    value_max       SimpleAggregateFunction(max, Float64)                         CODEC(Gorilla, ZSTD(1)),
    value_sum       SimpleAggregateFunction(sum, Float64)                         CODEC(Gorilla, ZSTD(1)),
    value_count     SimpleAggregateFunction(sum, UInt64)                          CODEC(T64, ZSTD(1)),
    value_quantiles AggregateFunction(quantilesTDigest(0.5, 0.9, 0.95, 0.99), Float64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (service, metric, environment, series, bucket)
TTL bucket + INTERVAL 730 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_rollup_1m_mv TO telemetry_rollup_1m AS
SELECT
    service,
    metric,
    environment,
    series,
    toStartOfMinute(ts)                                      AS bucket,
    CAST(any(labels), 'Map(String, String)')                 AS labels,
    CAST(anyLast(unit), 'Nullable(String)')                  AS unit,
    min(value)                                               AS value_min,
    max(value)                                               AS value_max,
    sum(value)                                               AS value_sum,
    count()                                                  AS value_count,
    quantilesTDigestState(0.5, 0.9, 0.95, 0.99)(value)       AS value_quantiles
FROM telemetry_points
GROUP BY service, metric, environment, series, bucket;

CREATE MATERIALIZED VIEW IF NOT EXISTS telemetry_rollup_1h_mv TO telemetry_rollup_1h AS
SELECT
    service,
    metric,
    environment,
    series,
    toStartOfHour(ts)                                        AS bucket,
    CAST(any(labels), 'Map(String, String)')                 AS labels,
    CAST(anyLast(unit), 'Nullable(String)')                  AS unit,
    min(value)                                               AS value_min,
    max(value)                                               AS value_max,
    sum(value)                                               AS value_sum,
    count()                                                  AS value_count,
    quantilesTDigestState(0.5, 0.9, 0.95, 0.99)(value)       AS value_quantiles
FROM telemetry_points
GROUP BY service, metric, environment, series, bucket;
