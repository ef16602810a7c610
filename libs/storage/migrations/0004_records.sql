-- The records people look back at: changes, alerts, verdicts, incidents, problems and risk
-- assessments, one table each, field for field from the canonical events (schemas/*/v2.avsc).
-- Conventions:
-- - Enumerations are LowCardinality(String), not Enum: a new schema value is then a new value,
--   not a failed insert. Times are DateTime64(3, 'UTC') (the events' epoch milliseconds).
-- - Lists of sub-records (suspects with their evidence, members, per-metric judgements, reasons)
--   are arrays of named tuples inside the row: a version of a record is one row, written and
--   replaced atomically.
-- - Upstream redelivery repeats events with the same ids: every table is a ReplacingMergeTree
--   on the event's identity, and mutable records (incidents, problems) keep the highest version.
--   Queries read them with FINAL, so they are right before any merge happened.
-- - Written through the BatchWriter with a dedup token per source offset range, hence the
--   deduplication window.

-- Changes are few and updated in place (a deployment reported as started, then finished): the
-- newest message wins (`recorded_at` is the Kafka record time). Kept without TTL: DORA figures
-- and change risk look back over the whole history.
CREATE TABLE IF NOT EXISTS changes
(
    id               String                              CODEC(ZSTD(1)),
    source           LowCardinality(String)              CODEC(ZSTD(1)),
    kind             LowCardinality(String)              CODEC(ZSTD(1)),
    service          LowCardinality(String)              CODEC(ZSTD(1)),
    environment      LowCardinality(String)              CODEC(ZSTD(1)),
    version          Nullable(String)                    CODEC(ZSTD(1)),
    previous_version Nullable(String)                    CODEC(ZSTD(1)),
    started_at       DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    finished_at      Nullable(DateTime64(3, 'UTC'))      CODEC(ZSTD(1)),
    scope            LowCardinality(String)              CODEC(ZSTD(1)),
    scope_name       Nullable(String)                    CODEC(ZSTD(1)),
    automated        Bool                                CODEC(ZSTD(1)),
    initiator        Nullable(String)                    CODEC(ZSTD(1)),
    has_pipeline     Bool                                CODEC(ZSTD(1)),
    pipeline_name    Nullable(String)                    CODEC(ZSTD(1)),
    pipeline_run_id  Nullable(String)                    CODEC(ZSTD(1)),
    pipeline_url     Nullable(String)                    CODEC(ZSTD(1)),
    tests_passed     Nullable(Bool)                      CODEC(ZSTD(1)),
    tests_run        Nullable(Int32)                     CODEC(ZSTD(1)),
    tests_failed     Nullable(Int32)                     CODEC(ZSTD(1)),
    rollout          LowCardinality(String)              CODEC(ZSTD(1)),
    size_lines       Nullable(Int32)                     CODEC(ZSTD(1)),
    component        Nullable(String)                    CODEC(ZSTD(1)),
    config_keys      Array(String)                       CODEC(ZSTD(1)),
    rollback_of      Nullable(String)                    CODEC(ZSTD(1)),
    links            Array(Tuple(name String, url String)) CODEC(ZSTD(3)),
    labels           Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    commit_at        Nullable(DateTime64(3, 'UTC'))      CODEC(ZSTD(1)),
    team             LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    recorded_at      DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    INDEX idx_started started_at TYPE minmax GRANULARITY 1,
    INDEX idx_id id TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(recorded_at)
ORDER BY (service, id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Every state transition of every alert (firing, acknowledged, resolved), as reported.
CREATE TABLE IF NOT EXISTS alerts
(
    id          String                              CODEC(ZSTD(1)),
    fingerprint String                              CODEC(ZSTD(1)),
    status      LowCardinality(String)              CODEC(ZSTD(1)),
    name        LowCardinality(String)              CODEC(ZSTD(1)),
    service     LowCardinality(String)              CODEC(ZSTD(1)),
    environment LowCardinality(String)              CODEC(ZSTD(1)),
    severity    LowCardinality(String)              CODEC(ZSTD(1)),
    summary     String                              CODEC(ZSTD(3)),
    labels      Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    annotations Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    starts_at   DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    ends_at     Nullable(DateTime64(3, 'UTC'))      CODEC(ZSTD(1)),
    source      LowCardinality(String)              CODEC(ZSTD(1)),
    link        Nullable(String)                    CODEC(ZSTD(3)),
    team        LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    runbook_url Nullable(String)                    CODEC(ZSTD(3)),
    recorded_at DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    INDEX idx_fingerprint fingerprint TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(starts_at)
ORDER BY (service, starts_at, id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Post-deployment verification verdicts: one row per look at a change (id = changeId + look),
-- with the judgement of every metric.
CREATE TABLE IF NOT EXISTS verdicts
(
    id                String                           CODEC(ZSTD(1)),
    change_id         String                           CODEC(ZSTD(1)),
    service           LowCardinality(String)           CODEC(ZSTD(1)),
    environment       LowCardinality(String)           CODEC(ZSTD(1)),
    outcome           LowCardinality(String)           CODEC(ZSTD(1)),
    score             Int32                            CODEC(ZSTD(1)),
    look              UInt32                           CODEC(ZSTD(1)),
    final             Bool                             CODEC(ZSTD(1)),
    decided_at        DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    baseline_start    DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    baseline_end      DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    observation_start DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    observation_end   DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    metrics           Array(Tuple(
                          metric String,
                          outcome String,
                          test String,
                          p_value Nullable(Float64),
                          effect Nullable(Float64),
                          baseline_value Nullable(Float64),
                          observed_value Nullable(Float64),
                          reason String))              CODEC(ZSTD(3)),
    summary           String                           CODEC(ZSTD(3)),
    team              LowCardinality(Nullable(String)) CODEC(ZSTD(1)),
    INDEX idx_decided decided_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree
ORDER BY (change_id, id)
SETTINGS non_replicated_deduplication_window = 1000;

-- Incidents: the newest version of each (ReplacingMergeTree(version), read with FINAL). Every
-- version also lands in incident_events through a materialized view: the timeline.
CREATE TABLE IF NOT EXISTS incidents
(
    id           String                                    CODEC(ZSTD(1)),
    version      UInt32                                    CODEC(ZSTD(1)),
    event        LowCardinality(String)                    CODEC(ZSTD(1)),
    status       LowCardinality(String)                    CODEC(ZSTD(1)),
    kind         LowCardinality(String)                    CODEC(ZSTD(1)),
    title        String                                    CODEC(ZSTD(3)),
    summary      String                                    CODEC(ZSTD(3)),
    severity     LowCardinality(String)                    CODEC(ZSTD(1)),
    service      LowCardinality(String)                    CODEC(ZSTD(1)),
    services     Array(LowCardinality(String))             CODEC(ZSTD(1)),
    environment  LowCardinality(String)                    CODEC(ZSTD(1)),
    opened_at    DateTime64(3, 'UTC')                      CODEC(Delta, ZSTD(1)),
    updated_at   DateTime64(3, 'UTC')                      CODEC(Delta, ZSTD(1)),
    resolved_at  Nullable(DateTime64(3, 'UTC'))            CODEC(ZSTD(1)),
    members      Array(Tuple(
                     type String,
                     ref String,
                     service String,
                     name String,
                     at DateTime64(3, 'UTC')))             CODEC(ZSTD(3)),
    suspects     Array(Tuple(
                     change_id Nullable(String),
                     service Nullable(String),
                     kind Nullable(String),
                     probability Float64,
                     evidence Array(Tuple(factor String, detail String, weight Float64)))) CODEC(ZSTD(3)),
    blast_radius UInt32                                    CODEC(ZSTD(1)),
    actor        Nullable(String)                          CODEC(ZSTD(1)),
    comment      Nullable(String)                          CODEC(ZSTD(3)),
    team         LowCardinality(Nullable(String))          CODEC(ZSTD(1)),
    INDEX idx_opened opened_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS incident_events
(
    id          String                           CODEC(ZSTD(1)),
    version     UInt32                           CODEC(ZSTD(1)),
    event       LowCardinality(String)           CODEC(ZSTD(1)),
    status      LowCardinality(String)           CODEC(ZSTD(1)),
    severity    LowCardinality(String)           CODEC(ZSTD(1)),
    updated_at  DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    actor       Nullable(String)                 CODEC(ZSTD(1)),
    comment     Nullable(String)                 CODEC(ZSTD(3)),
    top_suspect Nullable(String)                 CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree
ORDER BY (id, version)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS incident_events_mv TO incident_events AS
SELECT
    id,
    version,
    event,
    status,
    severity,
    updated_at,
    actor,
    comment,
    arraySort(s -> -s.probability, suspects)[1].change_id AS top_suspect
FROM incidents;

-- Problems (clusters of recurring incidents): newest version of each, members as incident ids.
CREATE TABLE IF NOT EXISTS problems
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
    updated_at     DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    team           LowCardinality(Nullable(String)) CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id
SETTINGS non_replicated_deduplication_window = 1000;

-- Risk assessments and policy decisions, one per change (a re-assessment with the same id
-- replaces it).
CREATE TABLE IF NOT EXISTS assessments
(
    id          String                           CODEC(ZSTD(1)),
    change_id   String                           CODEC(ZSTD(1)),
    service     LowCardinality(String)           CODEC(ZSTD(1)),
    environment LowCardinality(String)           CODEC(ZSTD(1)),
    probability Float64                          CODEC(ZSTD(1)),
    risk_class  LowCardinality(String)           CODEC(ZSTD(1)),
    decision    LowCardinality(String)           CODEC(ZSTD(1)),
    policy_rule LowCardinality(String)           CODEC(ZSTD(1)),
    reasons     Array(Tuple(factor String, detail String, weight Float64)) CODEC(ZSTD(3)),
    assessed_at DateTime64(3, 'UTC')             CODEC(Delta, ZSTD(1)),
    team        LowCardinality(Nullable(String)) CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(assessed_at)
ORDER BY (change_id, id)
SETTINGS non_replicated_deduplication_window = 1000;
