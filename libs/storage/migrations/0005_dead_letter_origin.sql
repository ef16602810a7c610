-- Who refused a dead letter and when the original message was produced: the dead-letter record
-- (libs/messaging dead-letter.ts) carries both. Existing rows read '' and NULL.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS app LowCardinality(String) DEFAULT '' CODEC(ZSTD(1)) AFTER source;
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS message_at Nullable(DateTime64(3, 'UTC')) CODEC(ZSTD(1)) AFTER received_at;
