"""Kesehatan Pipeline: what SQL can tell about the pipeline's health.

- events/s: valid events landed per second, by the minute Kafka received them (events.received_at,
  rolled up per minute by migration 0007, so the panels never scan `events`);
- delivery lag: received_at - occurred_at (office clock to Kafka), p50/p95/max;
- dead letters by reason;
- freshness: how long before the end of the range each table last got a row, the SQL stand-in for
  sink latency. Consumer lag in messages and the sink's insert latency are not in ClickHouse: they
  need the worker's and sink's metrics (see dashboards/README.md).
"""

from __future__ import annotations

from dashboards.queries.model import Query, QueryFormat
from dashboards.queries.scope import offices_in_scope

# Per-minute arrivals (migration 0007): bucket by at least a minute, and rate per second of bucket.
MINUTES = "{db}.events_received_minutely"
BUCKET_S = "greatest($__interval_s, 60)"

EVENTS_PER_SECOND = Query(
    f"""
SELECT toStartOfInterval(minute, INTERVAL {BUCKET_S} second) AS time, type, sum(events) / {BUCKET_S} AS events_per_s
FROM {MINUTES}
WHERE $__timeFilter(minute) AND {offices_in_scope()}
GROUP BY time, type
ORDER BY time, type""",
    ("time", "type", "events_per_s"),
    QueryFormat.TIME_SERIES,
    labels=("type",),
)

DELIVERY_LAG = Query(
    f"""
SELECT toStartOfInterval(minute, INTERVAL {BUCKET_S} second) AS time,
       quantilesMerge(0.5, 0.95)(lag_ms)[1] / 1000 AS p50_lag_s,
       quantilesMerge(0.5, 0.95)(lag_ms)[2] / 1000 AS p95_lag_s,
       max(max_lag_ms) / 1000 AS max_lag_s
FROM {MINUTES}
WHERE $__timeFilter(minute) AND {offices_in_scope()}
GROUP BY time
ORDER BY time""",
    ("time", "p50_lag_s", "p95_lag_s", "max_lag_s"),
    QueryFormat.TIME_SERIES,
)

SUMMARY = Query(
    f"""
WITH e AS (
    SELECT sum(m.events) AS landed, landed / greatest(dateDiff('second', $__fromTime, $__toTime), 1) AS events_per_s,
           quantilesMerge(0.5, 0.95)(m.lag_ms)[2] / 1000 AS p95_lag_s
    FROM {MINUTES} AS m
    WHERE $__timeFilter(minute) AND {offices_in_scope()}),
     d AS (
    SELECT count() AS dead_letters FROM {{db}}.dead_letters FINAL WHERE $__timeFilter(received_at))
SELECT e.landed AS events, e.events_per_s AS events_per_s, e.p95_lag_s AS p95_lag_s, d.dead_letters AS dead_letters,
       d.dead_letters / nullIf(e.landed + d.dead_letters, 0) AS dead_letter_share
FROM e CROSS JOIN d""",
    ("events", "events_per_s", "p95_lag_s", "dead_letters", "dead_letter_share"),
)

DEAD_LETTERS_BY_REASON = Query(
    """
SELECT reason_code, count() AS dead_letters, any(reason) AS example
FROM {db}.dead_letters FINAL
WHERE $__timeFilter(received_at)
GROUP BY reason_code
ORDER BY dead_letters DESC""",
    ("reason_code", "dead_letters", "example"),
)

DEAD_LETTER_TREND = Query(
    """
SELECT $__timeInterval(received_at) AS time, reason_code, count() AS dead_letters
FROM {db}.dead_letters FINAL
WHERE $__timeFilter(received_at)
GROUP BY time, reason_code
ORDER BY time, reason_code""",
    ("time", "reason_code", "dead_letters"),
    QueryFormat.TIME_SERIES,
    labels=("reason_code",),
)

# Minutes between each table's newest row (at or before the end of the range) and the end of the range.
FRESHNESS = Query(
    """
SELECT source, dateDiff('second', newest, $__toTime) / 60 AS minutes_since_last_row, rows
FROM (
    SELECT 'events' AS source, max(m.newest) AS newest, sum(m.events) AS rows
    FROM {db}.events_received_minutely AS m WHERE $__timeFilter(minute)
    UNION ALL
    SELECT 'tickets', max(ended_at), count() FROM {db}.tickets FINAL WHERE $__timeFilter(ended_at)
    UNION ALL
    SELECT 'window_metrics', max(window_start), count() FROM {db}.window_metrics FINAL
    WHERE $__timeFilter(window_start)
    UNION ALL
    SELECT 'complaints', max(assumeNotNull(filed_at)), count() FROM {db}.complaints FINAL
    WHERE $__timeFilter(filed_at)
    UNION ALL
    SELECT 'surveys', max(submitted_at), count() FROM {db}.surveys FINAL WHERE $__timeFilter(submitted_at))
WHERE rows > 0
ORDER BY source""",
    ("source", "minutes_since_last_row", "rows"),
)
