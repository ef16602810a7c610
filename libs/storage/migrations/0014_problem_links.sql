-- Problem command schema v2: linking an incident to a problem, or unlinking it, by hand names
-- the incident. Existing rows (lifecycle actions) read null.
ALTER TABLE problem_commands ADD COLUMN IF NOT EXISTS incident_id Nullable(String) CODEC(ZSTD(1)) AFTER comment;
