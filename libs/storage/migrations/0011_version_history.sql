-- Every version of every incident and problem, kept: the audit trail people read as history
-- ("became a candidate", "3 repeats", "confirmed by …", each comment). `incidents` and
-- `problems` are the current state: ReplacingMergeTree(version) keeps only the newest version
-- of each once their parts merge. These tables are filled by materialized views from the same
-- inserts, ordered by (id, version), so a merge only folds a version written twice (a
-- redelivery) into one row. Versions written before this migration are read from the current
-- tables as long as they are still there (api queries incidents/versions, problems/versions).
CREATE TABLE IF NOT EXISTS incident_versions
(
    id                 String                                    CODEC(ZSTD(1)),
    version            UInt32                                    CODEC(ZSTD(1)),
    event              LowCardinality(String)                    CODEC(ZSTD(1)),
    status             LowCardinality(String)                    CODEC(ZSTD(1)),
    kind               LowCardinality(String)                    CODEC(ZSTD(1)),
    title              String                                    CODEC(ZSTD(3)),
    summary            String                                    CODEC(ZSTD(3)),
    severity           LowCardinality(String)                    CODEC(ZSTD(1)),
    service            LowCardinality(String)                    CODEC(ZSTD(1)),
    services           Array(LowCardinality(String))             CODEC(ZSTD(1)),
    environment        LowCardinality(String)                    CODEC(ZSTD(1)),
    opened_at          DateTime64(3, 'UTC')                      CODEC(Delta, ZSTD(1)),
    updated_at         DateTime64(3, 'UTC')                      CODEC(Delta, ZSTD(1)),
    resolved_at        Nullable(DateTime64(3, 'UTC'))            CODEC(ZSTD(1)),
    members            Array(Tuple(
                           type String,
                           ref String,
                           service String,
                           name String,
                           at DateTime64(3, 'UTC')))             CODEC(ZSTD(3)),
    suspects           Array(Tuple(
                           change_id Nullable(String),
                           service Nullable(String),
                           kind Nullable(String),
                           probability Float64,
                           evidence Array(Tuple(factor String, detail String, weight Float64)))) CODEC(ZSTD(3)),
    suspect_components Array(Nullable(String))                   CODEC(ZSTD(1)),
    blast_radius       UInt32                                    CODEC(ZSTD(1)),
    actor              Nullable(String)                          CODEC(ZSTD(1)),
    comment            Nullable(String)                          CODEC(ZSTD(3)),
    team               LowCardinality(Nullable(String))          CODEC(ZSTD(1)),
    labels             Map(LowCardinality(String), String)       CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(opened_at)
ORDER BY (id, version)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS incident_versions_mv TO incident_versions AS
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM incidents;

-- Problem schema v3: what the problem manager wrote with an action (the "Comment" box).
ALTER TABLE problems ADD COLUMN IF NOT EXISTS comment Nullable(String) CODEC(ZSTD(3)) AFTER actor;

CREATE TABLE IF NOT EXISTS problem_versions
(
    id             String                           CODEC(ZSTD(1)),
    version        UInt32                           CODEC(ZSTD(1)),
    signature      String                           CODEC(ZSTD(1)),
    status         LowCardinality(String)           CODEC(ZSTD(1)),
    title          String                           CODEC(ZSTD(3)),
    template       String                           CODEC(ZSTD(3)),
    services       Array(LowCardinality(String))    CODEC(ZSTD(1)),
    members        Array(String)                    CODEC(ZSTD(3)),
    count          UInt32                           CODEC(ZSTD(1)),
    first_seen     DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    last_seen      DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    mttr_ms        Nullable(Int64)                  CODEC(ZSTD(1)),
    impact         Float64                          CODEC(ZSTD(1)),
    shared_factors Array(Tuple(factor String, value String, share Float64)) CODEC(ZSTD(3)),
    period_ms      Nullable(Int64)                  CODEC(ZSTD(1)),
    workaround     Nullable(String)                 CODEC(ZSTD(3)),
    fix_change_id  Nullable(String)                 CODEC(ZSTD(1)),
    reopened       Bool                             CODEC(ZSTD(1)),
    actor          Nullable(String)                 CODEC(ZSTD(1)),
    comment        Nullable(String)                 CODEC(ZSTD(3)),
    updated_at     DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    team           LowCardinality(Nullable(String)) CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(first_seen)
ORDER BY (id, version)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS problem_versions_mv TO problem_versions AS
SELECT
    id, version, signature, status, title, template, services, members, count, first_seen, last_seen,
    mttr_ms, impact, shared_factors, period_ms, workaround, fix_change_id, reopened, actor, comment, updated_at,
    team
FROM problems;
