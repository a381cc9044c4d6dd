-- Staffing advice (issue #20, CONTRACT.md section 4): per office, service, local weekday (1 Monday .. 7)
-- and local hour, what the last weeks of tickets say about the counters a service needs for its
-- published standard (Erlang C, DOMAIN.md "Staffing advice"). Written by `pantau staffing` and on a
-- schedule by `pantau up` (pantau/clickhouse/staffing_refresh.py); each refresh writes every cell with
-- one computed_at and then deletes the rows of earlier refreshes, so the table is the current advice.
CREATE TABLE IF NOT EXISTS {database}.staffing
(
    office_id LowCardinality(String),
    service_code LowCardinality(String),
    weekday UInt8,
    hour UInt8,
    weeks UInt16,
    arrivals_per_hour Float64,
    mean_service_s Float64,
    counters_open Float64,
    counters_needed UInt32,
    service_level_now Float64,
    service_level_needed Float64,
    computed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
ORDER BY (office_id, service_code, weekday, hour);
