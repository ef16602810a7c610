-- The recorder's write-ahead intents: before writing the rows of a source offset range, the
-- recorder records the range here; the rows then go in with a dedup token derived from it. A
-- recorder that restarts (or retries) re-reads the ranges recorded past its committed offset and
-- writes exactly those ranges again with the same tokens, so ClickHouse drops what had already
-- landed, whatever batch boundaries Kafka hands it the second time. See apps/recorder/src/README.md.
-- Intents matter only until their offsets are committed; a week covers any sane consumer lag.
CREATE TABLE IF NOT EXISTS recorder_intents
(
    topic        LowCardinality(String) CODEC(ZSTD(1)),
    partition    Int32                  CODEC(ZSTD(1)),
    first_offset Int64                  CODEC(Delta, ZSTD(1)),
    last_offset  Int64                  CODEC(Delta, ZSTD(1)),
    created_at   DateTime64(3, 'UTC')   CODEC(Delta, ZSTD(1)),
    INDEX idx_last last_offset TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (topic, partition, first_offset)
TTL toDateTime(created_at) + INTERVAL 7 DAY
SETTINGS non_replicated_deduplication_window = 1000;
