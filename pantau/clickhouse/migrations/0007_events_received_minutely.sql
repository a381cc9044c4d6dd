-- Events per minute of arrival, for the pipeline-health panels (events/s, delivery lag, freshness).
-- Those panels filter `events` on received_at, but `events` is sorted by (office_id, event_id): once
-- parts merge, every granule holds arrivals from all over the year, so the received_at skip index of
-- 0006 prunes nothing, and with FINAL each such query read the whole table (about 6 s for any range on
-- a year of 200 offices, benchmarks/RESULTS.md). A materialized view keeps this small table on every
-- insert into `events`, and the panels read it instead: a few rows per office and minute.
-- It counts messages as they landed: an event landed twice (the same file replayed) counts twice here,
-- where `events FINAL` keeps one row. The panels describe the pipeline's traffic, so that is right
-- for them; counts of distinct events come from `events FINAL`.
CREATE TABLE IF NOT EXISTS {database}.events_received_minutely
(
    minute DateTime('UTC'),
    office_id LowCardinality(String),
    type LowCardinality(String),
    events SimpleAggregateFunction(sum, UInt64),
    lag_ms AggregateFunction(quantiles(0.5, 0.95), Int64),
    max_lag_ms SimpleAggregateFunction(max, Int64),
    newest SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, office_id, type)
TTL minute + INTERVAL 400 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.events_received_minutely_mv
TO {database}.events_received_minutely AS
SELECT
    toStartOfMinute(received_at) AS minute,
    office_id,
    type,
    count() AS events,
    quantilesState(0.5, 0.95)(dateDiff('millisecond', occurred_at, received_at)) AS lag_ms,
    max(dateDiff('millisecond', occurred_at, received_at)) AS max_lag_ms,
    max(received_at) AS newest
FROM {database}.events
GROUP BY minute, office_id, type;

-- Events landed before this migration; migrations run before the sink starts, so none is counted twice.
INSERT INTO {database}.events_received_minutely
SELECT
    toStartOfMinute(received_at) AS minute,
    office_id,
    type,
    count() AS events,
    quantilesState(0.5, 0.95)(dateDiff('millisecond', occurred_at, received_at)) AS lag_ms,
    max(dateDiff('millisecond', occurred_at, received_at)) AS max_lag_ms,
    max(received_at) AS newest
FROM {database}.events FINAL
GROUP BY minute, office_id, type;
