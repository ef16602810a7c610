-- Incident schema v4: what responders set besides acknowledging and resolving — who the incident
-- is assigned to, until when it is snoozed, the incident it was merged into as a duplicate (and
-- those merged into it), the incident it was split out of (and those split out of it). Added to
-- the current table and the version history alike; the history's materialized view is made again
-- with the new columns (a view's SELECT cannot gain columns in place on every server version).
-- The migrator runs before any app writes, so no insert passes between the DROP and the CREATE.
-- Existing rows read null and [].
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS assignee Nullable(String) CODEC(ZSTD(1)) AFTER labels;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS snoozed_until Nullable(DateTime64(3, 'UTC')) CODEC(ZSTD(1)) AFTER assignee;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS duplicate_of Nullable(String) CODEC(ZSTD(1)) AFTER snoozed_until;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS merged_from Array(String) CODEC(ZSTD(1)) AFTER duplicate_of;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS split_from Nullable(String) CODEC(ZSTD(1)) AFTER merged_from;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS split_into Array(String) CODEC(ZSTD(1)) AFTER split_from;

ALTER TABLE incident_versions ADD COLUMN IF NOT EXISTS assignee Nullable(String) CODEC(ZSTD(1)) AFTER labels;
ALTER TABLE incident_versions ADD COLUMN IF NOT EXISTS snoozed_until Nullable(DateTime64(3, 'UTC')) CODEC(ZSTD(1)) AFTER assignee;
ALTER TABLE incident_versions ADD COLUMN IF NOT EXISTS duplicate_of Nullable(String) CODEC(ZSTD(1)) AFTER snoozed_until;
ALTER TABLE incident_versions ADD COLUMN IF NOT EXISTS merged_from Array(String) CODEC(ZSTD(1)) AFTER duplicate_of;
ALTER TABLE incident_versions ADD COLUMN IF NOT EXISTS split_from Nullable(String) CODEC(ZSTD(1)) AFTER merged_from;
ALTER TABLE incident_versions ADD COLUMN IF NOT EXISTS split_into Array(String) CODEC(ZSTD(1)) AFTER split_from;

DROP VIEW IF EXISTS incident_versions_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS incident_versions_mv TO incident_versions AS
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels, assignee, snoozed_until, duplicate_of, merged_from, split_from, split_into
FROM incidents;

-- Incident command schema v3: the fields of the new actions (assign, snooze, merge, split).
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS assignee Nullable(String) CODEC(ZSTD(1)) AFTER severity;
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS until Nullable(DateTime64(3, 'UTC')) CODEC(ZSTD(1)) AFTER assignee;
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS related_incident_id Nullable(String) CODEC(ZSTD(1)) AFTER until;
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS refs Array(String) CODEC(ZSTD(1)) AFTER related_incident_id;
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS split_service Nullable(String) CODEC(ZSTD(1)) AFTER refs;
