-- Raw-event retention and the day / week / month rollups that dashboards and reports read.

-- `events` is partitioned by month of occurred_at since 0001. Its TTL is configurable
-- (PANTAU_CLICKHOUSE_EVENTS_TTL_DAYS, default 400 days, 0 keeps events forever), while migration files
-- are fixed, checksummed text: this file sets the default, and the sink sets the configured value when
-- it starts (sinks/retention.py). ttl_only_drop_parts lets ClickHouse drop whole expired parts instead
-- of rewriting them row by row.
ALTER TABLE {database}.events MODIFY SETTING ttl_only_drop_parts = 1;
ALTER TABLE {database}.events MODIFY TTL toDateTime(occurred_at) + INTERVAL 400 DAY;

-- Rollups are plain views over `window_metrics FINAL`, not materialized views. window_metrics is a
-- ReplacingMergeTree whose hourly rows are revised (late and out-of-order events bump `_version`); an
-- insert-triggered materialized view sees every version and would add each revision to the day again.
-- A view over FINAL reads only the newest version of each hour, so it is always exact, and at Pantau's
-- scale (one row per office, service and open hour) it is cheap. Days, weeks and months are the
-- office's local calendar: the hourly windows are aligned to UTC hours, and WIB, WITA and WIT are whole
-- hours from UTC, so every hour falls in exactly one local day. ClickHouse wants a constant time zone
-- in toDate, hence one branch per Indonesian zone (an office with another zone is counted in WIB).
-- Percentiles cannot be added up: the views carry the wait sum and mean, and the worst hourly p95;
-- exact percentiles over a longer period come from `tickets` (see sinks/SCHEMA.md).
CREATE VIEW IF NOT EXISTS {database}.window_metrics_daily AS
SELECT
    w.office_id AS office_id,
    w.service_code AS service_code,
    multiIf(
        o.timezone = 'Asia/Makassar', toDate(w.window_start, 'Asia/Makassar'),
        o.timezone = 'Asia/Jayapura', toDate(w.window_start, 'Asia/Jayapura'),
        toDate(w.window_start, 'Asia/Jakarta')
    ) AS day,
    sum(w.served) AS served,
    sum(w.abandoned) AS abandoned,
    sum(w.breaches) AS breaches,
    sum(w.complaints) AS complaints,
    sum(w.wait_sum_s) AS wait_sum_s,
    if(sum(w.served) > 0, sum(w.wait_sum_s) / sum(w.served), NULL) AS wait_mean_s,
    max(w.wait_p95_s) AS worst_hour_wait_p95_s,
    count() AS active_hours
FROM {database}.window_metrics AS w FINAL
LEFT JOIN (SELECT office_id, timezone FROM {database}.offices FINAL) AS o ON o.office_id = w.office_id
WHERE w.window_s = 3600
GROUP BY office_id, service_code, day;

CREATE VIEW IF NOT EXISTS {database}.window_metrics_weekly AS
SELECT
    d.office_id AS office_id,
    d.service_code AS service_code,
    toMonday(d.day) AS week,
    sum(d.served) AS served,
    sum(d.abandoned) AS abandoned,
    sum(d.breaches) AS breaches,
    sum(d.complaints) AS complaints,
    sum(d.wait_sum_s) AS wait_sum_s,
    if(sum(d.served) > 0, sum(d.wait_sum_s) / sum(d.served), NULL) AS wait_mean_s,
    max(d.worst_hour_wait_p95_s) AS worst_hour_wait_p95_s,
    sum(d.active_hours) AS active_hours
FROM {database}.window_metrics_daily AS d
GROUP BY office_id, service_code, week;

CREATE VIEW IF NOT EXISTS {database}.window_metrics_monthly AS
SELECT
    d.office_id AS office_id,
    d.service_code AS service_code,
    toStartOfMonth(d.day) AS month,
    sum(d.served) AS served,
    sum(d.abandoned) AS abandoned,
    sum(d.breaches) AS breaches,
    sum(d.complaints) AS complaints,
    sum(d.wait_sum_s) AS wait_sum_s,
    if(sum(d.served) > 0, sum(d.wait_sum_s) / sum(d.served), NULL) AS wait_mean_s,
    max(d.worst_hour_wait_p95_s) AS worst_hour_wait_p95_s,
    sum(d.active_hours) AS active_hours
FROM {database}.window_metrics_daily AS d
GROUP BY office_id, service_code, month;
