-- The ticket of each raw event, as columns, so that readers never need `payload`. The
-- office live-queue panel grouped `events` by JSONExtractString(payload, 'ticket_id'), which made every
-- dashboard reader a reader of each raw event; with these columns the compose reader role is granted
-- `events` without `payload` (infra/compose/clickhouse/users.xml, column-level grants).
-- MATERIALIZED: the server computes them from `payload` on insert, and the sink never writes them
-- (sinks/columns.py inserts only columns without MATERIALIZED/ALIAS), so no sink change and no writer
-- can set them apart from the payload. Parts written before this migration compute them on read.
-- An event whose payload lacks the key holds '' (what JSONExtractString returns for a missing key).
ALTER TABLE {database}.events ADD COLUMN IF NOT EXISTS ticket_id String MATERIALIZED JSONExtractString(payload, 'ticket_id');
ALTER TABLE {database}.events ADD COLUMN IF NOT EXISTS service_code LowCardinality(String) MATERIALIZED JSONExtractString(payload, 'service_code');
