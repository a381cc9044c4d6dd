"""Pengaduan: complaints by category, channel and office, rate per 1,000 completed services, overdue
first responses (3 working days by default, judged by the stream worker) and pungli (zero tolerance)."""

from __future__ import annotations

from dashboards.queries.model import Query, QueryFormat
from dashboards.queries.scope import OFFICE_NAMES, in_scope, local_day

SUMMARY = Query(
    f"""
WITH c AS (
    SELECT count() AS complaints, sum(response_overdue) AS overdue, sum(pungli) AS pungli,
           countIf(responded_at IS NULL) AS unanswered
    FROM {{db}}.complaints FINAL
    WHERE $__timeFilter(filed_at) AND {in_scope()}),
     t AS (
    SELECT countIf(outcome != 'abandoned') AS completed
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND {in_scope()})
SELECT c.complaints AS complaints, 1000 * c.complaints / nullIf(t.completed, 0) AS complaints_per_1000,
       c.overdue AS overdue, c.unanswered AS unanswered, c.pungli AS pungli
FROM c CROSS JOIN t""",
    ("complaints", "complaints_per_1000", "overdue", "unanswered", "pungli"),
)

BY_CATEGORY = Query(
    f"""
SELECT category, count() AS complaints, sum(response_overdue) AS overdue
FROM {{db}}.complaints FINAL
WHERE $__timeFilter(filed_at) AND {in_scope()}
GROUP BY category
ORDER BY complaints DESC""",
    ("category", "complaints", "overdue"),
)

BY_CHANNEL = Query(
    f"""
SELECT if(channel = '', '-', channel) AS channel, count() AS complaints
FROM {{db}}.complaints FINAL
WHERE $__timeFilter(filed_at) AND {in_scope()}
GROUP BY channel
ORDER BY complaints DESC""",
    ("channel", "complaints"),
)

BY_OFFICE = Query(
    f"""
WITH c AS (
    SELECT office_id, count() AS complaints, sum(response_overdue) AS overdue, sum(pungli) AS pungli
    FROM {{db}}.complaints FINAL
    WHERE $__timeFilter(filed_at) AND {in_scope()}
    GROUP BY office_id),
     t AS (
    SELECT office_id, countIf(outcome != 'abandoned') AS completed
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND {in_scope()}
    GROUP BY office_id)
SELECT t.office_id AS office_id, o.name AS office, o.region AS region, t.completed AS completed,
       ifNull(c.complaints, 0) AS complaints, 1000 * ifNull(c.complaints, 0) / nullIf(t.completed, 0) AS per_1000,
       ifNull(c.overdue, 0) AS overdue, ifNull(c.pungli, 0) AS pungli
FROM t
JOIN {OFFICE_NAMES} AS o ON o.office_id = t.office_id
LEFT JOIN c ON c.office_id = t.office_id
ORDER BY per_1000 DESC""",
    ("office_id", "office", "region", "completed", "complaints", "per_1000", "overdue", "pungli"),
)

# One bar group per local day (WIB midnight), whatever the interval: complaints are counted per day.
TREND = Query(
    f"""
SELECT {local_day("filed_at")} AS time, {{text:category}} AS category, count() AS complaints
FROM {{db}}.complaints FINAL
WHERE $__timeFilter(filed_at) AND {in_scope()}
GROUP BY time, category
ORDER BY time, category""",
    ("time", "category", "complaints"),
    QueryFormat.TIME_SERIES,
    labels=("category",),
)

OVERDUE = Query(
    f"""
SELECT complaint_id, office_id, category, filed_at, response_due_at, responded_at,
       dateDiff('hour', response_due_at, ifNull(responded_at, $__toTime)) AS hours_late
FROM {{db}}.complaints FINAL
WHERE $__timeFilter(filed_at) AND response_overdue = 1 AND {in_scope()}
ORDER BY hours_late DESC
LIMIT 200""",
    ("complaint_id", "office_id", "category", "filed_at", "response_due_at", "responded_at", "hours_late"),
)

PUNGLI = Query(
    f"""
SELECT filed_at, office_id, complaint_id, service_code, channel, text_redacted
FROM {{db}}.complaints FINAL
WHERE $__timeFilter(filed_at) AND pungli = 1 AND {in_scope()}
ORDER BY filed_at DESC
LIMIT 200""",
    ("filed_at", "office_id", "complaint_id", "service_code", "channel", "text_redacted"),
)
