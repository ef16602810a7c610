-- Incident schema v3: the labels an incident's alerts agree on, and each suspect's component —
-- what problem clustering groups repeats by. The component is a column parallel to `suspects`
-- (same length, same order) because a tuple inside an array cannot gain an element without
-- rewriting every stored row. Existing rows read {} and [].
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS labels Map(LowCardinality(String), String) CODEC(ZSTD(1)) AFTER team;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS suspect_components Array(Nullable(String)) CODEC(ZSTD(1)) AFTER suspects;
