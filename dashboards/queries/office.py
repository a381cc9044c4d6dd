"""Detail Kantor: one office by service and counter. Live figures are judged at the end of the range
(`$__toTime`), so the same panel shows "now" live and the state at that moment for a past range."""

from __future__ import annotations

from dashboards.queries.model import Query, QueryFormat
from dashboards.queries.percentiles import nearest_rank
from dashboards.queries.regional import MUTU_SQL
from dashboards.queries.scope import OFFICE_NAMES, RANGE_FIRST_DAY, RANGE_LAST_DAY, in_scope, offices_in_scope

_TICKET_MOVES = "('ticket.called', 'service.started', 'ticket.abandoned', 'service.completed')"
_SERVED = "tk.outcome != 'abandoned'"
_PRIORITY_GROUPS = "('elderly', 'disability', 'pregnant', 'child')"
_PRIORITY_ONLY = f"priority_group IN {_PRIORITY_GROUPS}"
_REGULAR_ONLY = f"priority_group NOT IN {_PRIORITY_GROUPS}"

# Tickets issued in the last 12 hours before the end of the range that have not left the queue by then.
# ticket_id and service_code are the payload's, as MATERIALIZED columns of `events` (migration 0010), so
# the panel never reads `payload` (the compose reader role is not granted it).
_OPEN_TICKETS = f"""
    SELECT office_id, ticket_id, issued_at
    FROM (
        SELECT office_id, ticket_id, anyIf(service_code, type = 'ticket.issued') AS issued_service_code,
               minIf(occurred_at, type = 'ticket.issued') AS issued_at,
               countIf(type = 'ticket.issued') AS issued,
               countIf(type IN {_TICKET_MOVES}) AS moves
        FROM {{db}}.events FINAL
        WHERE occurred_at > $__toTime - INTERVAL 12 HOUR AND occurred_at <= $__toTime
          AND type IN ('ticket.issued', {_TICKET_MOVES[1:-1]}) AND {offices_in_scope()}
        GROUP BY office_id, ticket_id)
    WHERE issued > 0 AND moves = 0 AND {in_scope(service_column="issued_service_code")}"""

LIVE_QUEUE = Query(
    f"""
SELECT count() AS waiting, ifNull(max(dateDiff('second', issued_at, $__toTime)), 0) / 60 AS longest_wait_min
FROM ({_OPEN_TICKETS})""",
    ("waiting", "longest_wait_min"),
)

# The regional board's "queue now" per office: every office in scope, 0 where nobody waits.
LIVE_QUEUE_BY_OFFICE = Query(
    f"""
SELECT o.office_id AS office_id, o.name AS office, o.region AS region,
       countIf(q.ticket_id != '') AS waiting,
       if(waiting = 0, NULL, max(dateDiff('second', q.issued_at, $__toTime)) / 60) AS longest_wait_min
FROM {OFFICE_NAMES} AS o
LEFT JOIN ({_OPEN_TICKETS}) AS q ON q.office_id = o.office_id
WHERE {offices_in_scope("o.office_id")}
GROUP BY office_id, office, region
ORDER BY waiting DESC, office""",
    ("office_id", "office", "region", "waiting", "longest_wait_min"),
)

WAITS_BY_SERVICE = Query(
    f"""
SELECT tk.service_code AS service_code, any(sv.name) AS service,
       countIf(tk.outcome != 'abandoned') AS completed,
       {nearest_rank("tk.wait_s", 50, _SERVED)} / 60 AS p50_wait_min,
       {nearest_rank("tk.wait_s", 90, _SERVED)} / 60 AS p90_wait_min,
       {nearest_rank("tk.wait_s", 95, _SERVED)} / 60 AS p95_wait_min,
       any(tk.target_wait_s) / 60 AS target_wait_min,
       countIf(tk.outcome != 'abandoned' AND tk.wait_s <= tk.target_wait_s)
           / nullIf(countIf(tk.outcome != 'abandoned' AND tk.wait_s IS NOT NULL), 0) AS compliance,
       any(sv.target_within) AS target,
       compliance - target AS compliance_gap,
       countIf(tk.wait_breached = 1) AS breaches,
       countIf(tk.outcome = 'abandoned') / count() AS abandonment_rate,
       countIf(tk.outcome = 'abandoned' AND tk.abandon_reason != 'no_show') AS walkouts,
       countIf(tk.outcome = 'abandoned' AND tk.abandon_reason = 'no_show') AS no_shows,
       avgIf(tk.service_s, tk.outcome != 'abandoned' AND tk.service_s IS NOT NULL) / 60 AS mean_service_min
FROM {{db}}.tickets AS tk FINAL
LEFT JOIN (SELECT service_code, name, target_within FROM {{db}}.services FINAL) AS sv
    ON sv.service_code = tk.service_code
WHERE $__timeFilter(tk.ended_at) AND {in_scope("tk.office_id", "tk.service_code")}
GROUP BY tk.service_code
ORDER BY compliance ASC""",
    (
        "service_code", "service", "completed", "p50_wait_min", "p90_wait_min", "p95_wait_min", "target_wait_min",
        "compliance", "target", "compliance_gap", "breaches", "abandonment_rate", "walkouts", "no_shows",
        "mean_service_min",
    ),
)

WAIT_TREND = Query(
    f"""
SELECT $__timeInterval(started_at) AS time,
       {nearest_rank("wait_s", 50)} / 60 AS p50_wait_min,
       {nearest_rank("wait_s", 90)} / 60 AS p90_wait_min,
       {nearest_rank("wait_s", 95)} / 60 AS p95_wait_min
FROM {{db}}.tickets FINAL
WHERE $__timeFilter(started_at) AND outcome != 'abandoned' AND {in_scope()}
GROUP BY time
ORDER BY time""",
    ("time", "p50_wait_min", "p90_wait_min", "p95_wait_min"),
    QueryFormat.TIME_SERIES,
)

BREACH_TREND = Query(
    f"""
SELECT $__timeInterval(detected_at) AS time, {{text:kind}} AS kind, count() AS breaches
FROM {{db}}.sla_breaches FINAL
WHERE $__timeFilter(detected_at) AND {in_scope()}
GROUP BY time, kind
ORDER BY time, kind""",
    ("time", "kind", "breaches"),
    QueryFormat.TIME_SERIES,
    labels=("kind",),
)

# Hour of the office's local day: `$tz` is a hidden variable holding the office's time zone.
THROUGHPUT_BY_HOUR = Query(
    f"""
SELECT toHour(toTimeZone(ended_at, '${{tz}}')) AS hour,
       countIf(outcome != 'abandoned') AS completed,
       countIf(outcome = 'abandoned') AS abandoned
FROM {{db}}.tickets FINAL
WHERE $__timeFilter(ended_at) AND {in_scope()}
GROUP BY hour
ORDER BY hour""",
    ("hour", "completed", "abandoned"),
)

# Busy share per counter: service time over its working span (first call to last completion of each
# local day); idle is the rest of that span. Signal counts are NULL (empty), not 0, where a counter had
# none, and a mean lateness only where it opened late.
COUNTERS = Query(
    f"""
WITH s AS (
    SELECT counter_id,
           toNullable(countIf(kind = 'late_opening')) AS late_openings,
           if(countIf(kind = 'late_opening') = 0, NULL, avgIf(value, kind = 'late_opening')) AS avg_minutes_late,
           toNullable(countIf(kind = 'queue_jump')) AS queue_jumps
    FROM {{db}}.signals FINAL
    WHERE $__timeFilter(detected_at) AND kind IN ('late_opening', 'queue_jump') AND {offices_in_scope()}
    GROUP BY counter_id),
     d AS (
    SELECT tk.counter_id AS counter_id, toDate(toTimeZone(tk.ended_at, '${{tz}}')) AS day,
           count() AS completed, sum(tk.service_s) AS busy_s,
           dateDiff('second', min(ifNull(tk.called_at, tk.ended_at)), max(tk.ended_at)) AS span_s
    FROM {{db}}.tickets AS tk FINAL
    WHERE $__timeFilter(tk.ended_at) AND tk.outcome != 'abandoned' AND tk.counter_id != ''
      AND {in_scope("tk.office_id", "tk.service_code")}
    GROUP BY counter_id, day),
     w AS (
    SELECT counter_id, {nearest_rank("wait_s", 90)} / 60 AS p90_wait_min
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND outcome != 'abandoned' AND counter_id != '' AND {in_scope()}
    GROUP BY counter_id)
SELECT d.counter_id AS counter_id,
       sum(d.completed) AS completed,
       sum(d.busy_s) / nullIf(sum(d.completed), 0) / 60 AS mean_service_min,
       sum(d.busy_s) / nullIf(sum(d.span_s), 0) AS utilisation,
       greatest(sum(d.span_s) - sum(d.busy_s), 0) / 3600 AS idle_hours,
       any(w.p90_wait_min) AS p90_wait_min,
       any(s.late_openings) AS late_openings,
       any(s.avg_minutes_late) AS avg_minutes_late,
       any(s.queue_jumps) AS queue_jumps
FROM d
LEFT JOIN s ON s.counter_id = d.counter_id
LEFT JOIN w ON w.counter_id = d.counter_id
GROUP BY counter_id
ORDER BY counter_id""",
    (
        "counter_id", "completed", "mean_service_min", "utilisation", "idle_hours", "p90_wait_min", "late_openings",
        "avg_minutes_late", "queue_jumps",
    ),
)

LATE_OPENINGS = Query(
    f"""
SELECT detected_at AS opened_at, office_id, counter_id, round(value, 1) AS minutes_late
FROM {{db}}.signals FINAL
WHERE $__timeFilter(detected_at) AND kind = 'late_opening' AND {offices_in_scope()}
ORDER BY opened_at DESC
LIMIT 200""",
    ("opened_at", "office_id", "counter_id", "minutes_late"),
)

QUEUE_JUMPS = Query(
    f"""
SELECT detected_at AS taken_at, office_id, service_code, counter_id, subject_id AS ticket_id,
       value / 60 AS minutes_ahead, detail
FROM {{db}}.signals FINAL
WHERE $__timeFilter(detected_at) AND kind = 'queue_jump' AND {in_scope()}
ORDER BY taken_at DESC
LIMIT 200""",
    ("taken_at", "office_id", "service_code", "counter_id", "ticket_id", "minutes_ahead", "detail"),
)

PRIORITY_WAITS = Query(
    f"""
SELECT if(priority_group IN ('elderly', 'disability', 'pregnant', 'child'), priority_group, 'regular') AS grp,
       count() AS tickets,
       avg(wait_s) / 60 AS mean_wait_min,
       {nearest_rank("wait_s", 50)} / 60 AS p50_wait_min,
       {nearest_rank("wait_s", 90)} / 60 AS p90_wait_min
FROM {{db}}.tickets FINAL
WHERE $__timeFilter(ended_at) AND outcome != 'abandoned' AND wait_s IS NOT NULL AND {in_scope()}
GROUP BY grp
ORDER BY grp = 'regular' DESC, grp""",
    ("grp", "tickets", "mean_wait_min", "p50_wait_min", "p90_wait_min"),
)

# Fairness and punctuality per office, for the regional view and the report.
FAIRNESS_BY_OFFICE = Query(
    f"""
WITH s AS (
    SELECT office_id, countIf(kind = 'queue_jump') AS queue_jumps, countIf(kind = 'late_opening') AS late_openings
    FROM {{db}}.signals FINAL
    WHERE $__timeFilter(detected_at) AND kind IN ('queue_jump', 'late_opening') AND {offices_in_scope()}
    GROUP BY office_id),
     w AS (
    SELECT office_id,
           {nearest_rank("wait_s", 50, _PRIORITY_ONLY)} / 60 AS priority_p50_wait_min,
           {nearest_rank("wait_s", 50, _REGULAR_ONLY)} / 60 AS regular_p50_wait_min,
           countIf(outcome != 'abandoned') AS completed
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND outcome != 'abandoned' AND {in_scope()}
    GROUP BY office_id)
SELECT w.office_id AS office_id, w.completed AS completed, ifNull(s.queue_jumps, 0) AS queue_jumps,
       1000 * ifNull(s.queue_jumps, 0) / nullIf(w.completed, 0) AS queue_jumps_per_1000,
       ifNull(s.late_openings, 0) AS late_openings,
       w.priority_p50_wait_min AS priority_p50_wait_min, w.regular_p50_wait_min AS regular_p50_wait_min
FROM w LEFT JOIN s ON s.office_id = w.office_id
ORDER BY queue_jumps_per_1000 DESC""",
    (
        "office_id", "completed", "queue_jumps", "queue_jumps_per_1000", "late_openings", "priority_p50_wait_min",
        "regular_p50_wait_min",
    ),
)


WEEKDAY_COLUMNS = tuple(f"wd{day}" for day in range(1, 8))
"""Monday (wd1) .. Sunday (wd7), the office's local weekdays (ISO numbering, as `staffing.weekday`)."""

# Counters short per local weekday and hour: needed (Erlang C for the service's standard) minus open
# (mean counters serving), summed over the services in scope; empty where the office has no tickets.
STAFFING_GRID = Query(
    "SELECT hour, "
    + ", ".join(
        f"if(countIf(weekday = {day}) = 0, NULL, sumIf(toInt64(counters_needed) - toInt64(round(counters_open)), "
        f"weekday = {day})) AS wd{day}"
        for day in range(1, 8)
    )
    + f"""
FROM {{db}}.staffing FINAL
WHERE {in_scope()}
GROUP BY hour
ORDER BY hour""",
    ("hour", *WEEKDAY_COLUMNS),
)

# The hours an office is short of counters, worst first: the report's "Rekomendasi jumlah loket". The
# weekday and hour come as the labels the report prints (Senin, 09.00), in the office's local time.
STAFFING_SHORTFALLS = Query(
    f"""
SELECT st.office_id AS office_id, any(o.name) AS office, any(sv.name) AS service,
       arrayElement(['Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu', 'Minggu'], st.weekday) AS day,
       concat(leftPad(toString(st.hour), 2, '0'), '.00') AS hour_label,
       any(st.arrivals_per_hour) AS arrivals_per_hour, any(st.counters_open) AS counters_open,
       any(st.counters_needed) AS counters_needed, any(st.service_level_now) AS service_level_now,
       any(st.service_level_needed) AS service_level_needed
FROM {{db}}.staffing AS st FINAL
LEFT JOIN {OFFICE_NAMES} AS o ON o.office_id = st.office_id
LEFT JOIN (SELECT service_code, name FROM {{db}}.services FINAL) AS sv ON sv.service_code = st.service_code
WHERE st.counters_needed > round(st.counters_open) AND {in_scope("st.office_id", "st.service_code")}
GROUP BY st.office_id, st.service_code, st.weekday, st.hour
ORDER BY toInt64(counters_needed) - toInt64(round(counters_open)) DESC, office_id, service, st.weekday, st.hour
LIMIT 40""",
    (
        "office_id", "office", "service", "day", "hour_label", "arrivals_per_hour", "counters_open",
        "counters_needed", "service_level_now", "service_level_needed",
    ),
)


# Arrivals (tickets issued) against services completed, per bucket: where the first line stays above the
# second the queue grows.
ARRIVALS_VS_SERVED = Query(
    f"""
SELECT time, sum(arrived) AS arrivals, sum(served) AS served
FROM (
    SELECT $__timeInterval(issued_at) AS time, count() AS arrived, 0 AS served
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(issued_at) AND {in_scope()}
    GROUP BY time
    UNION ALL
    SELECT $__timeInterval(ended_at) AS time, 0, countIf(outcome != 'abandoned')
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND {in_scope()}
    GROUP BY time)
GROUP BY time
ORDER BY time""",
    ("time", "arrivals", "served"),
    QueryFormat.TIME_SERIES,
)

# p90 wait per local weekday (columns) and hour (rows), in the office's time zone: when waits pile up.
WAIT_HEATMAP = Query(
    "SELECT hour, "
    + ", ".join(
        f"{nearest_rank('wait_s', 90, f'weekday = {day}')} / 60 AS wait_wd{day}" for day in range(1, 8)
    )
    + f"""
FROM (
    SELECT toHour(toTimeZone(started_at, '${{tz}}')) AS hour, toDayOfWeek(toTimeZone(started_at, '${{tz}}')) AS weekday,
           wait_s
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND outcome != 'abandoned' AND started_at IS NOT NULL AND {in_scope()})
GROUP BY hour
ORDER BY hour""",
    ("hour", *(f"wait_wd{day}" for day in range(1, 8))),
)

# The office's citizens' voice on Detail Kantor: complaints in the range and the IKM of its local months.
VOICE = Query(
    f"""
WITH c AS (
    SELECT count() AS complaints, sum(response_overdue) AS overdue, sum(pungli) AS pungli
    FROM {{db}}.complaints FINAL
    WHERE $__timeFilter(filed_at) AND {in_scope()}),
     t AS (
    SELECT countIf(outcome != 'abandoned') AS completed
    FROM {{db}}.tickets FINAL
    WHERE $__timeFilter(ended_at) AND {in_scope()}),
     i AS (
    SELECT sum(ikm * respondents) / nullIf(sum(respondents), 0) AS ikm, sum(respondents) AS respondents_total
    FROM {{db}}.ikm FINAL
    WHERE period_kind = 'month' AND period >= toStartOfMonth({RANGE_FIRST_DAY}) AND period <= {RANGE_LAST_DAY}
      AND {offices_in_scope()})
SELECT c.complaints AS complaints, 1000 * c.complaints / nullIf(t.completed, 0) AS complaints_per_1000,
       c.overdue AS overdue, c.pungli AS pungli, round(i.ikm, 2) AS ikm,
       {MUTU_SQL.format(x="ifNull(i.ikm, 0)")} AS mutu, i.respondents_total AS respondents_total
FROM c CROSS JOIN t CROSS JOIN i""",
    ("complaints", "complaints_per_1000", "overdue", "pungli", "ikm", "mutu", "respondents_total"),
)
