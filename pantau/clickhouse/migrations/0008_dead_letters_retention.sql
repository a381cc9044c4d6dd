-- Dead letters hold what Pantau refused, redacted, for a data team to fix an office's integration: they
-- are not kept for ever (issue #16). `landed_at` is when the row was stored (MATERIALIZED, so no writer
-- can set it); the TTL counts from it rather than from `received_at`, which a producer writes and could
-- date far ahead to keep a payload for years. The default of 30 days is set here; the sink brings it
-- to PANTAU_CLICKHOUSE_DEAD_LETTERS_TTL_DAYS when it starts (sinks/retention.py).
ALTER TABLE {database}.dead_letters ADD COLUMN IF NOT EXISTS landed_at DateTime MATERIALIZED now();
ALTER TABLE {database}.dead_letters MODIFY TTL landed_at + INTERVAL 30 DAY;
