"""Evaluasi Berkala (IKM): IKM and NRR per unsur per period, grade, sample sufficiency and ranking.

Periods (`$period_kind`: month, quarter or year) are the office's local calendar, as the stream worker
computes them; a period is shown when it overlaps the time range by more than half a day
(`scope.RANGE_FIRST_DAY`/`RANGE_LAST_DAY`), so a month's range shows that month's IKM only.
"""

from __future__ import annotations

from dashboards.queries.model import Query, QueryFormat
from dashboards.queries.scope import OFFICE_NAMES, RANGE_FIRST_DAY, RANGE_LAST_DAY, offices_in_scope

PERIOD_KIND = "$__conditionalAll(period_kind IN (${period_kind:singlequote}), $period_kind)"
_MONTHS = "multiIf(period_kind = 'month', 1, period_kind = 'quarter', 3, 12)"
_OVERLAPS = f"period <= {RANGE_LAST_DAY} AND addMonths(period, {_MONTHS}) > {RANGE_FIRST_DAY}"
UNSUR = tuple(f"nrr_u{i}" for i in range(1, 10))

RANKING = Query(
    f"""
SELECT row_number() OVER (PARTITION BY k.period_kind, k.period ORDER BY k.ikm DESC) AS rank,
       k.period_kind AS period_kind, k.period AS period, k.office_id AS office_id, o.name AS office,
       o.region AS region, round(k.ikm, 2) AS ikm, k.mutu AS mutu, k.respondents AS respondents,
       k.served AS served, k.min_sample AS min_sample, k.below_min_sample AS below_min_sample
FROM (SELECT * FROM {{db}}.ikm FINAL WHERE {PERIOD_KIND} AND {_OVERLAPS} AND {offices_in_scope()}) AS k
JOIN {OFFICE_NAMES} AS o ON o.office_id = k.office_id
ORDER BY period_kind, period DESC, rank""",
    (
        "rank", "period_kind", "period", "office_id", "office", "region", "ikm", "mutu", "respondents", "served",
        "min_sample", "below_min_sample",
    ),
)

NRR_BY_OFFICE = Query(
    f"""
SELECT period_kind, period, office_id, {", ".join(f"round({u}, 3) AS {u}" for u in UNSUR)},
       round(ikm, 2) AS ikm, mutu
FROM {{db}}.ikm FINAL
WHERE {PERIOD_KIND} AND {_OVERLAPS} AND {offices_in_scope()}
ORDER BY period_kind, period DESC, office_id""",
    ("period_kind", "period", "office_id", *UNSUR, "ikm", "mutu"),
)

# NRR per unsur over every office in scope, weighted by respondents (the regulation's per-respondent mean).
NRR_BY_UNSUR = Query(
    f"""
SELECT unsur, nrr
FROM (
    SELECT {", ".join(f"sum({u} * respondents) / nullIf(sum(respondents), 0) AS {u}" for u in UNSUR)}
    FROM {{db}}.ikm FINAL
    WHERE {PERIOD_KIND} AND {_OVERLAPS} AND {offices_in_scope()})
ARRAY JOIN [{", ".join(f"'U{i}'" for i in range(1, 10))}] AS unsur, [{", ".join(UNSUR)}] AS nrr
ORDER BY unsur""",
    ("unsur", "nrr"),
)

SUMMARY = Query(
    f"""
SELECT round(sum(ikm * respondents) / nullIf(sum(respondents), 0), 2) AS ikm,
       sum(respondents) AS respondents_total,
       countIf(below_min_sample = 1) AS offices_below_min_sample,
       count() AS offices
FROM {{db}}.ikm FINAL
WHERE {PERIOD_KIND} AND {_OVERLAPS} AND {offices_in_scope()}""",
    ("ikm", "respondents_total", "offices_below_min_sample", "offices"),
)

TREND = Query(
    f"""
SELECT toDateTime(k.period, 'Asia/Jakarta') AS time, o.region AS region,
       sum(k.ikm * k.respondents) / nullIf(sum(k.respondents), 0) AS ikm
FROM {{db}}.ikm AS k FINAL
JOIN {OFFICE_NAMES} AS o ON o.office_id = k.office_id
WHERE k.period_kind = 'month' AND k.period <= {RANGE_LAST_DAY}
  AND k.period >= toStartOfMonth({RANGE_LAST_DAY} - INTERVAL 12 MONTH) AND {offices_in_scope("k.office_id")}
GROUP BY time, region
ORDER BY time, region""",
    ("time", "region", "ikm"),
    QueryFormat.TIME_SERIES,
    labels=("region",),
)
