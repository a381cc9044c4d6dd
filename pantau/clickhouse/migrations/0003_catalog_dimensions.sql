-- The catalog as dimension tables, so dashboards and data teams can group offices by region and
-- district and compare against targets in SQL. Refreshed from the catalog by `pantau migrate`.

CREATE TABLE IF NOT EXISTS {database}.offices
(
    office_id String,
    name String,
    region LowCardinality(String),
    district LowCardinality(String),
    timezone LowCardinality(String),
    services Array(String),
    hours_json String,
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY office_id;

CREATE TABLE IF NOT EXISTS {database}.services
(
    service_code String,
    name String,
    target_wait_s Float64,
    target_service_s Float64,
    target_within Float64,
    completion_working_days Nullable(UInt16),
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY service_code;
