-- The pipeline-health panels (events/s, dead letters by reason, freshness) filter `events` and
-- `dead_letters` on received_at, while both tables are sorted by their keys: without an index every
-- such query reads the whole table (6-7.6 s for 6 hours on a year of 200 offices, benchmarks/RESULTS.md).
-- A minmax skip index lets ClickHouse skip every granule outside the range; received_at grows with
-- insertion, so granules are narrow in it. MATERIALIZE builds it for parts written before this migration.
ALTER TABLE {database}.events ADD INDEX IF NOT EXISTS received_at_minmax received_at TYPE minmax GRANULARITY 1;
ALTER TABLE {database}.events MATERIALIZE INDEX received_at_minmax;
ALTER TABLE {database}.dead_letters ADD INDEX IF NOT EXISTS received_at_minmax received_at TYPE minmax GRANULARITY 1;
ALTER TABLE {database}.dead_letters MATERIALIZE INDEX received_at_minmax;
