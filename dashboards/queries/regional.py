"""Ringkasan Regional: SLA compliance against target, p90 wait, abandonment, complaint rate and IKM,
per region and office, with a ranking. Waits are over tickets that ended in the range."""

from __future__ import annotations

from dashboards.queries.model import Query, QueryFormat
from dashboards.queries.percentiles import nearest_rank
from dashboards.queries.scope import OFFICE_NAMES, RANGE_FIRST_DAY, RANGE_LAST_DAY, in_scope, offices_in_scope

# Grade boundaries of PermenPANRB 14/2017, in SQL (the same as streams.logic.ikm).
MUTU_SQL = "multiIf({x} >= 88.31, 'A', {x} >= 76.61, 'B', {x} >= 65, 'C', {x} > 0, 'D', '')"
_SERVED = "tk.outcome != 'abandoned'"

_TICKET_FIGURES = f"""
    SELECT tk.office_id AS office_id,
           countIf(tk.outcome != 'abandoned') AS completed,
           countIf(tk.outcome != 'abandoned' AND tk.wait_s <= tk.target_wait_s)
               / nullIf(countIf(tk.outcome != 'abandoned' AND tk.wait_s IS NOT NULL), 0) AS compliance,
           avgIf(sv.target_within, tk.outcome != 'abandoned') AS target,
           {nearest_rank("tk.wait_s", 90, _SERVED)} / 60 AS p90_wait_min,
           countIf(tk.outcome = 'abandoned') / count() AS abandonment_rate
    FROM {{db}}.tickets AS tk FINAL
    LEFT JOIN (SELECT service_code, target_within FROM {{db}}.services FINAL) AS sv
        ON sv.service_code = tk.service_code
    WHERE $__timeFilter(tk.ended_at) AND {in_scope("tk.office_id", "tk.service_code")}
    GROUP BY tk.office_id"""

_COMPLAINT_COUNTS = f"""
    SELECT office_id, count() AS complaints
    FROM {{db}}.complaints FINAL
    WHERE $__timeFilter(filed_at) AND {in_scope()}
    GROUP BY office_id"""

# IKM of the local months that overlap the range, weighted by respondents.
_IKM_FIGURES = f"""
    SELECT office_id, sum(ikm * respondents) / nullIf(sum(respondents), 0) AS ikm, sum(respondents) AS respondents_total
    FROM {{db}}.ikm FINAL
    WHERE period_kind = 'month' AND period >= toStartOfMonth({RANGE_FIRST_DAY}) AND period <= {RANGE_LAST_DAY}
      AND {offices_in_scope()}
    GROUP BY office_id"""

OFFICE_RANKING = Query(
    f"""
WITH t AS ({_TICKET_FIGURES}),
     c AS ({_COMPLAINT_COUNTS}),
     i AS ({_IKM_FIGURES})
SELECT row_number() OVER (ORDER BY (t.compliance - t.target) DESC, t.p90_wait_min ASC) AS rank,
       t.office_id AS office_id, o.name AS office, o.region AS region, o.district AS district,
       t.completed AS completed, t.compliance AS compliance, t.target AS target,
       t.p90_wait_min AS p90_wait_min, t.abandonment_rate AS abandonment_rate,
       1000 * c.complaints / nullIf(t.completed, 0) AS complaints_per_1000,
       if(i.respondents_total > 0, round(i.ikm, 2), NULL) AS ikm,
       {MUTU_SQL.format(x="if(i.respondents_total > 0, i.ikm, 0)")} AS mutu
FROM t
JOIN {OFFICE_NAMES} AS o ON o.office_id = t.office_id
LEFT JOIN c ON c.office_id = t.office_id
LEFT JOIN i ON i.office_id = t.office_id
ORDER BY rank""",
    (
        "rank", "office_id", "office", "region", "district", "completed", "compliance", "target", "p90_wait_min",
        "abandonment_rate", "complaints_per_1000", "ikm", "mutu",
    ),
)

SUMMARY = Query(
    f"""
WITH t AS (
    SELECT countIf(tk.outcome != 'abandoned') AS completed,
           countIf(tk.outcome != 'abandoned' AND tk.wait_s <= tk.target_wait_s)
               / nullIf(countIf(tk.outcome != 'abandoned' AND tk.wait_s IS NOT NULL), 0) AS compliance,
           avgIf(sv.target_within, tk.outcome != 'abandoned') AS target,
           {nearest_rank("tk.wait_s", 90, _SERVED)} / 60 AS p90_wait_min,
           countIf(tk.outcome = 'abandoned') / nullIf(count(), 0) AS abandonment_rate
    FROM {{db}}.tickets AS tk FINAL
    LEFT JOIN (SELECT service_code, target_within FROM {{db}}.services FINAL) AS sv
        ON sv.service_code = tk.service_code
    WHERE $__timeFilter(tk.ended_at) AND {in_scope("tk.office_id", "tk.service_code")}),
     c AS (SELECT count() AS complaints FROM {{db}}.complaints FINAL
           WHERE $__timeFilter(filed_at) AND {in_scope()}),
     i AS (SELECT sum(ikm * respondents) / nullIf(sum(respondents), 0) AS ikm FROM {{db}}.ikm FINAL
           WHERE period_kind = 'month' AND period >= toStartOfMonth({RANGE_FIRST_DAY})
             AND period <= {RANGE_LAST_DAY} AND {offices_in_scope()})
SELECT t.completed AS completed, t.compliance AS compliance, t.target AS target, t.p90_wait_min AS p90_wait_min,
       t.abandonment_rate AS abandonment_rate, 1000 * c.complaints / nullIf(t.completed, 0) AS complaints_per_1000,
       round(i.ikm, 2) AS ikm, {MUTU_SQL.format(x="ifNull(i.ikm, 0)")} AS mutu
FROM t CROSS JOIN c CROSS JOIN i""",
    ("completed", "compliance", "target", "p90_wait_min", "abandonment_rate", "complaints_per_1000", "ikm", "mutu"),
)

REGIONS = Query(
    f"""
SELECT o.region AS region,
       countIf(tk.outcome != 'abandoned') AS completed,
       countIf(tk.outcome != 'abandoned' AND tk.wait_s <= tk.target_wait_s)
           / nullIf(countIf(tk.outcome != 'abandoned' AND tk.wait_s IS NOT NULL), 0) AS compliance,
       {nearest_rank("tk.wait_s", 90, _SERVED)} / 60 AS p90_wait_min,
       countIf(tk.outcome = 'abandoned') / count() AS abandonment_rate
FROM {{db}}.tickets AS tk FINAL
JOIN {OFFICE_NAMES} AS o ON o.office_id = tk.office_id
WHERE $__timeFilter(tk.ended_at) AND {in_scope("tk.office_id", "tk.service_code")}
GROUP BY region
ORDER BY compliance DESC""",
    ("region", "completed", "compliance", "p90_wait_min", "abandonment_rate"),
)

COMPLIANCE_TREND = Query(
    f"""
SELECT $__timeInterval(tk.ended_at) AS time, o.region AS region,
       countIf(tk.wait_s <= tk.target_wait_s) / nullIf(countIf(tk.wait_s IS NOT NULL), 0) AS compliance
FROM {{db}}.tickets AS tk FINAL
JOIN {OFFICE_NAMES} AS o ON o.office_id = tk.office_id
WHERE $__timeFilter(tk.ended_at) AND tk.outcome != 'abandoned' AND {in_scope("tk.office_id", "tk.service_code")}
GROUP BY time, region
ORDER BY time, region""",
    ("time", "region", "compliance"),
    QueryFormat.TIME_SERIES,
)

P90_TREND = Query(
    f"""
SELECT $__timeInterval(tk.ended_at) AS time, o.region AS region, {nearest_rank("tk.wait_s", 90)} / 60 AS p90_wait_min
FROM {{db}}.tickets AS tk FINAL
JOIN {OFFICE_NAMES} AS o ON o.office_id = tk.office_id
WHERE $__timeFilter(tk.ended_at) AND tk.outcome != 'abandoned' AND {in_scope("tk.office_id", "tk.service_code")}
GROUP BY time, region
ORDER BY time, region""",
    ("time", "region", "p90_wait_min"),
    QueryFormat.TIME_SERIES,
)
