-- Derived metrics, breaches and alerts (CONTRACT section 4).

-- IKM per office and period in the office's local calendar (period = first day of the period).
CREATE TABLE IF NOT EXISTS {database}.ikm
(
    office_id LowCardinality(String),
    period_kind LowCardinality(String),
    period Date,
    respondents UInt32,
    nrr_u1 Float64, nrr_u2 Float64, nrr_u3 Float64, nrr_u4 Float64, nrr_u5 Float64,
    nrr_u6 Float64, nrr_u7 Float64, nrr_u8 Float64, nrr_u9 Float64,
    ikm Float64,
    mutu LowCardinality(String),
    served UInt32 DEFAULT 0,
    min_sample UInt32,
    below_min_sample UInt8,
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (office_id, period_kind, period);

-- Tumbling windows on event time: window_s = 300 (5 minutes) or 3600 (hourly), window_start aligned
-- to UTC epoch multiples of window_s. wait_sketch keeps the serialized quantile sketch so longer
-- periods can be merged exactly as the stream merges them.
CREATE TABLE IF NOT EXISTS {database}.window_metrics
(
    office_id LowCardinality(String),
    service_code LowCardinality(String),
    window_start DateTime64(3, 'UTC'),
    window_s UInt32,
    served UInt32,
    abandoned UInt32,
    wait_p50_s Nullable(Float64),
    wait_p90_s Nullable(Float64),
    wait_p95_s Nullable(Float64),
    wait_mean_s Nullable(Float64),
    breaches UInt32,
    complaints UInt32,
    wait_sum_s Float64 DEFAULT 0,
    wait_sketch String DEFAULT '' CODEC(ZSTD(3)),
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (office_id, service_code, window_s, window_start);

CREATE TABLE IF NOT EXISTS {database}.sla_breaches
(
    breach_id String,
    office_id LowCardinality(String),
    service_code LowCardinality(String),
    ticket_id String DEFAULT '',
    kind LowCardinality(String),
    detected_at DateTime64(3, 'UTC'),
    threshold_s Float64,
    observed_s Float64,
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY breach_id;

-- Current state of each alert (firing, acknowledged, resolved); transitions are kept in alert_events.
CREATE TABLE IF NOT EXISTS {database}.alerts
(
    alert_id String,
    rule LowCardinality(String),
    office_id LowCardinality(String),
    service_code LowCardinality(String) DEFAULT '',
    severity LowCardinality(String),
    state LowCardinality(String),
    opened_at DateTime64(3, 'UTC'),
    acked_at Nullable(DateTime64(3, 'UTC')),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    notified_to Array(String),
    summary String DEFAULT '',
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY alert_id;

CREATE TABLE IF NOT EXISTS {database}.alert_events
(
    alert_id String,
    seq UInt32,
    state LowCardinality(String),
    at DateTime64(3, 'UTC'),
    actor String DEFAULT '',
    detail String DEFAULT '',
    _version UInt64
)
ENGINE = ReplacingMergeTree(_version)
ORDER BY (alert_id, seq);
