-- What problem managers did to problems (confirm, reject, mark a known error with its
-- workaround, resolve with the fixing change): the audit trail behind the problem versions that
-- followed. The command id is unique, so a redelivered command is one row once merged (FINAL).
CREATE TABLE IF NOT EXISTS problem_commands
(
    id            String                 CODEC(ZSTD(1)),
    problem_id    String                 CODEC(ZSTD(1)),
    action        LowCardinality(String) CODEC(ZSTD(1)),
    actor         String                 CODEC(ZSTD(1)),
    at            DateTime64(3, 'UTC')   CODEC(Delta, ZSTD(1)),
    workaround    Nullable(String)       CODEC(ZSTD(3)),
    fix_change_id Nullable(String)       CODEC(ZSTD(1)),
    comment       Nullable(String)       CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
ORDER BY (problem_id, at, id)
SETTINGS non_replicated_deduplication_window = 1000;
