-- Change schema v3: the change-content features (lines added/deleted, files, entropy, author
-- experience, …). A map of the features known, so a feature added later needs no migration;
-- `has_content` tells "no content" from "content with every feature unknown". Existing rows
-- read false and {}.
ALTER TABLE changes ADD COLUMN IF NOT EXISTS has_content Bool DEFAULT false CODEC(ZSTD(1)) AFTER team;
ALTER TABLE changes ADD COLUMN IF NOT EXISTS content Map(LowCardinality(String), Float64) CODEC(ZSTD(1)) AFTER has_content;
