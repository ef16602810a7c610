-- What people did to incidents (acknowledge, resolve, comment, change severity), as the api sent
-- it to the correlator: the audit trail behind the incident versions that followed. The command
-- id is unique, so a redelivered command is one row once merged (read with FINAL).
CREATE TABLE IF NOT EXISTS incident_commands
(
    id          String                           CODEC(ZSTD(1)),
    incident_id String                           CODEC(ZSTD(1)),
    service     LowCardinality(String)           CODEC(ZSTD(1)),
    action      LowCardinality(String)           CODEC(ZSTD(1)),
    actor       String                           CODEC(ZSTD(1)),
    at          DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    comment     Nullable(String)                 CODEC(ZSTD(3)),
    severity    LowCardinality(Nullable(String)) CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree
ORDER BY (incident_id, at, id)
SETTINGS non_replicated_deduplication_window = 1000;
