-- Raw telemetry points, one row per point. Sorted by series and time, so a series' points sit
-- next to each other: timestamps of a regular series delta-encode to almost nothing
-- (DoubleDelta), repeated names and labels to nothing (LowCardinality, ZSTD), and values go
-- through Gorilla (XOR with the previous value of the same series).
--
-- `series` identifies one time series: a hash of the environment and the label set, computed by
-- ClickHouse (MATERIALIZED) so every writer agrees on it, independent of label order.
-- Retention: 30 days by default. The recorder applies AFTERSHOCK_TELEMETRY_RETENTION at start
-- with `ALTER TABLE … MODIFY TTL` when it differs (a migration cannot read configuration);
-- ttl_only_drop_parts drops whole day partitions instead of rewriting parts.
-- Written through the BatchWriter with a dedup token per source offset range, hence the
-- deduplication window (a non-replicated MergeTree keeps no insert hashes without it).
CREATE TABLE IF NOT EXISTS telemetry_points
(
    service     LowCardinality(String)              CODEC(ZSTD(1)),
    metric      LowCardinality(String)              CODEC(ZSTD(1)),
    environment LowCardinality(String)              CODEC(ZSTD(1)),
    labels      Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    series      UInt64 MATERIALIZED cityHash64(environment, arraySort(arrayZip(mapKeys(labels), mapValues(labels))))
                                                    CODEC(ZSTD(1)),
    ts          DateTime64(3, 'UTC')                CODEC(DoubleDelta, ZSTD(1)),
    value       Float64                             CODEC(Gorilla, ZSTD(1)),
    unit        LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    resource    Map(LowCardinality(String), String) CODEC(ZSTD(3))
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (service, metric, environment, series, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000;
