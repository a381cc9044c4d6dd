-- Raw events, dead letters and the per-entity fact tables (CONTRACT section 4).
-- Every table is a ReplacingMergeTree on its contract key with `_version` as the version column, so a
-- retried or replayed insert never doubles a row: `SELECT ... FINAL` returns one row per key, the
-- newest version. Tables whose partition column could change between versions of a key are not
-- partitioned, because ReplacingMergeTree only deduplicates within a partition.

CREATE DATABASE IF NOT EXISTS {database};

-- Every valid event as received (personal data already pseudonymized/redacted), so every figure can
-- be recomputed. occurred_at never changes for an event_id, so monthly partitions are safe.
CREATE TABLE IF NOT EXISTS {database}.events
(
    event_id String,
    type LowCardinality(String),
    office_id LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    received_at DateTime64(3, 'UTC'),
    payload String CODEC(ZSTD(3)),
    source String,
    position String,
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (office_id, event_id);

-- Refused input, kept whole with its reason; (source, position) is where it came from,
-- e.g. ('kafka:pantau.events', '3/1841') or ('file:day.jsonl', '17').
CREATE TABLE IF NOT EXISTS {database}.dead_letters
(
    source String,
    position String,
    raw String CODEC(ZSTD(3)),
    reason String,
    reason_code LowCardinality(String),
    office_id LowCardinality(String) DEFAULT '',
    received_at DateTime64(3, 'UTC'),
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (source, position);

-- One row per ticket once it has ended (served, rejected_incomplete, referred or abandoned).
CREATE TABLE IF NOT EXISTS {database}.tickets
(
    office_id LowCardinality(String),
    ticket_id String,
    service_code LowCardinality(String),
    priority_group LowCardinality(String) DEFAULT '',
    channel LowCardinality(String) DEFAULT '',
    counter_id String DEFAULT '',
    officer_id String DEFAULT '',
    issued_at Nullable(DateTime64(3, 'UTC')),
    called_at Nullable(DateTime64(3, 'UTC')),
    started_at Nullable(DateTime64(3, 'UTC')),
    ended_at DateTime64(3, 'UTC'),
    wait_s Nullable(Float64),
    service_s Nullable(Float64),
    outcome LowCardinality(String),
    abandon_reason LowCardinality(String) DEFAULT '',
    target_wait_s Float64,
    wait_breached UInt8,
    _version UInt64,
    INDEX ended_at_minmax ended_at TYPE minmax GRANULARITY 4
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (office_id, ticket_id);

CREATE TABLE IF NOT EXISTS {database}.complaints
(
    office_id LowCardinality(String),
    complaint_id String,
    service_code LowCardinality(String) DEFAULT '',
    category LowCardinality(String),
    channel LowCardinality(String) DEFAULT '',
    filed_at Nullable(DateTime64(3, 'UTC')),
    responded_at Nullable(DateTime64(3, 'UTC')),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    response_due_at Nullable(DateTime64(3, 'UTC')),
    followup_due_at Nullable(DateTime64(3, 'UTC')),
    reporter_ref String DEFAULT '',
    text_redacted String DEFAULT '',
    response_overdue UInt8 DEFAULT 0,
    followup_overdue UInt8 DEFAULT 0,
    pungli UInt8 DEFAULT 0,
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (office_id, complaint_id);

CREATE TABLE IF NOT EXISTS {database}.surveys
(
    office_id LowCardinality(String),
    survey_id String,
    service_code LowCardinality(String),
    submitted_at DateTime64(3, 'UTC'),
    u1 UInt8, u2 UInt8, u3 UInt8, u4 UInt8, u5 UInt8, u6 UInt8, u7 UInt8, u8 UInt8, u9 UInt8,
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (office_id, survey_id);
