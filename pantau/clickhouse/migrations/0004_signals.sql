-- Fairness, punctuality, compliance and housekeeping signals from the stream worker (topic
-- `<prefix>.signals`). One row per signal_id; kinds and their value/threshold meaning are listed in
-- streams/README.md and sinks/SCHEMA.md.
CREATE TABLE IF NOT EXISTS {database}.signals
(
    signal_id String,
    kind LowCardinality(String),
    office_id LowCardinality(String),
    service_code LowCardinality(String) DEFAULT '',
    counter_id String DEFAULT '',
    subject_id String DEFAULT '',
    detected_at DateTime64(3, 'UTC'),
    value Float64 DEFAULT 0,
    threshold Float64 DEFAULT 0,
    severity LowCardinality(String) DEFAULT 'info',
    detail String DEFAULT '',
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(detected_at)
ORDER BY (office_id, kind, signal_id);
