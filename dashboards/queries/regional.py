"""Ringkasan Regional: SLA compliance against target, p90 wait, abandonment, complaint rate and IKM,
per region and office, with a ranking. Waits are over tickets that ended in the range.

Compliance is judged as the gap to the services' own targets (`compliance_gap` = compliance - target,
each ticket weighted, so an office of 95% services is held to 95%). An office with fewer than
`{min_tickets}` completed services in the range is flagged `low_volume` and gets no rank: a handful of
tickets says too little to put it above anyone."""

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
           compliance - target AS compliance_gap,
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
SELECT if(t.completed < {{min_tickets}}, NULL,
          row_number() OVER (PARTITION BY t.completed < {{min_tickets}}
                             ORDER BY t.compliance_gap DESC NULLS LAST, t.p90_wait_min ASC)) AS rank,
       t.office_id AS office_id, o.name AS office, o.region AS region, o.district AS district,
       t.completed AS completed, toUInt8(t.completed < {{min_tickets}}) AS low_volume,
       t.compliance AS compliance, t.target AS target, t.compliance_gap AS compliance_gap,
       t.p90_wait_min AS p90_wait_min, t.abandonment_rate AS abandonment_rate,
       1000 * c.complaints / nullIf(t.completed, 0) AS complaints_per_1000,
       if(i.respondents_total > 0, round(i.ikm, 2), NULL) AS ikm,
       {MUTU_SQL.format(x="if(i.respondents_total > 0, i.ikm, 0)")} AS mutu
FROM t
JOIN {OFFICE_NAMES} AS o ON o.office_id = t.office_id
LEFT JOIN c ON c.office_id = t.office_id
LEFT JOIN i ON i.office_id = t.office_id
ORDER BY low_volume, rank, office""",
    (
        "rank", "office_id", "office", "region", "district", "completed", "low_volume", "compliance", "target",
        "compliance_gap", "p90_wait_min", "abandonment_rate", "complaints_per_1000", "ikm", "mutu",
    ),
)

def _ticket_totals(time_filter: str) -> str:
    return f"""
    SELECT countIf(tk.outcome != 'abandoned') AS completed,
           countIf(tk.outcome != 'abandoned' AND tk.wait_s <= tk.target_wait_s)
               / nullIf(countIf(tk.outcome != 'abandoned' AND tk.wait_s IS NOT NULL), 0) AS compliance,
           avgIf(sv.target_within, tk.outcome != 'abandoned') AS target,
           {nearest_rank("tk.wait_s", 90, _SERVED)} / 60 AS p90_wait_min,
           countIf(tk.outcome = 'abandoned') / nullIf(count(), 0) AS abandonment_rate
    FROM {{db}}.tickets AS tk FINAL
    LEFT JOIN (SELECT service_code, target_within FROM {{db}}.services FINAL) AS sv
        ON sv.service_code = tk.service_code
    WHERE {time_filter} AND {in_scope("tk.office_id", "tk.service_code")}"""


# The range just before this one, as long: the "change against the previous period" of the tiles.
_PREVIOUS = (
    "tk.ended_at >= $__fromTime - ($__toTime - $__fromTime) AND tk.ended_at < $__fromTime"
)

SUMMARY = Query(
    f"""
WITH t AS ({_ticket_totals("$__timeFilter(tk.ended_at)")}),
     p AS ({_ticket_totals(_PREVIOUS)}),
     c AS (SELECT count() AS complaints FROM {{db}}.complaints FINAL
           WHERE $__timeFilter(filed_at) AND {in_scope()}),
     i AS (SELECT sum(ikm * respondents) / nullIf(sum(respondents), 0) AS ikm FROM {{db}}.ikm FINAL
           WHERE period_kind = 'month' AND period >= toStartOfMonth({RANGE_FIRST_DAY})
             AND period <= {RANGE_LAST_DAY} AND {offices_in_scope()})
SELECT t.completed AS completed, t.compliance AS compliance, t.target AS target,
       t.compliance - t.target AS compliance_gap, t.compliance - p.compliance AS compliance_change,
       t.completed / nullIf(p.completed, 0) - 1 AS completed_change,
       t.p90_wait_min AS p90_wait_min, t.abandonment_rate AS abandonment_rate,
       1000 * c.complaints / nullIf(t.completed, 0) AS complaints_per_1000,
       round(i.ikm, 2) AS ikm, {MUTU_SQL.format(x="ifNull(i.ikm, 0)")} AS mutu
FROM t CROSS JOIN p CROSS JOIN c CROSS JOIN i""",
    (
        "completed", "compliance", "target", "compliance_gap", "compliance_change", "completed_change",
        "p90_wait_min", "abandonment_rate", "complaints_per_1000", "ikm", "mutu",
    ),
)

REGIONS = Query(
    f"""
SELECT o.region AS region,
       countIf(tk.outcome != 'abandoned') AS completed,
       countIf(tk.outcome != 'abandoned' AND tk.wait_s <= tk.target_wait_s)
           / nullIf(countIf(tk.outcome != 'abandoned' AND tk.wait_s IS NOT NULL), 0) AS compliance,
       avgIf(sv.target_within, tk.outcome != 'abandoned') AS target,
       compliance - target AS compliance_gap,
       {nearest_rank("tk.wait_s", 90, _SERVED)} / 60 AS p90_wait_min,
       countIf(tk.outcome = 'abandoned') / count() AS abandonment_rate
FROM {{db}}.tickets AS tk FINAL
JOIN {OFFICE_NAMES} AS o ON o.office_id = tk.office_id
LEFT JOIN (SELECT service_code, target_within FROM {{db}}.services FINAL) AS sv ON sv.service_code = tk.service_code
WHERE $__timeFilter(tk.ended_at) AND {in_scope("tk.office_id", "tk.service_code")}
GROUP BY region
ORDER BY compliance_gap DESC""",
    ("region", "completed", "compliance", "target", "compliance_gap", "p90_wait_min", "abandonment_rate"),
)

# Gap to target per province: the line crosses 0 where the province stops meeting its services' targets.
COMPLIANCE_TREND = Query(
    f"""
SELECT $__timeInterval(tk.ended_at) AS time, o.region AS region,
       countIf(tk.wait_s <= tk.target_wait_s) / nullIf(countIf(tk.wait_s IS NOT NULL), 0)
           - avg(sv.target_within) AS compliance_gap
FROM {{db}}.tickets AS tk FINAL
JOIN {OFFICE_NAMES} AS o ON o.office_id = tk.office_id
LEFT JOIN (SELECT service_code, target_within FROM {{db}}.services FINAL) AS sv ON sv.service_code = tk.service_code
WHERE $__timeFilter(tk.ended_at) AND tk.outcome != 'abandoned' AND {in_scope("tk.office_id", "tk.service_code")}
GROUP BY time, region
ORDER BY time, region""",
    ("time", "region", "compliance_gap"),
    QueryFormat.TIME_SERIES,
    labels=("region",),
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
    labels=("region",),
)
