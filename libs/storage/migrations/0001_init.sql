-- Dead-lettered input: what could not be decoded, validated or processed, kept 30 days for an
-- operator to inspect (and replay). `value` holds the original bytes, base64-encoded, so any
-- payload survives the trip; `offset` is -1 for input that did not come from Kafka.
-- Written through the BatchWriter with a dedup token per flush, hence the deduplication window:
-- a non-replicated MergeTree keeps no insert hashes without it.
CREATE TABLE IF NOT EXISTS dead_letters
(
    id          String                    CODEC(ZSTD(1)),
    received_at DateTime64(3, 'UTC')      CODEC(DoubleDelta, ZSTD(1)),
    source      LowCardinality(String)    CODEC(ZSTD(1)),
    partition   Int32                     CODEC(ZSTD(1)),
    offset      Int64                     CODEC(ZSTD(1)),
    code        LowCardinality(String)    CODEC(ZSTD(1)),
    reason      String                    CODEC(ZSTD(3)),
    key         String                    CODEC(ZSTD(3)),
    value       String                    CODEC(ZSTD(3)),
    headers     Map(String, String)       CODEC(ZSTD(3)),
    INDEX idx_id id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(received_at)
ORDER BY (source, received_at)
TTL toDateTime(received_at) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
