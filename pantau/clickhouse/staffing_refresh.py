"""Filling `staffing`: measured arrivals and service times per weekday and hour, turned into a counter plan.

ClickHouse measures, per office, service, local weekday and local hour over the last N weeks of
tickets (counted back from the newest ticket, so a replayed fortnight from last year is advised on
too): arrivals per open hour (tickets issued that hour / days of that weekday the office had any
ticket), the mean service time of the service at the office (all its served tickets: an hour holds
too few for a stable mean), and the counters open (distinct counters that started a ticket of the
service that hour, averaged over those days). Python then applies Erlang C (streams/logic/staffing.py)
against the service's published target wait and share (`services`). Local time comes from the
office's zone; ClickHouse wants constant zones, hence one branch per Indonesian zone (another zone
is counted in WIB, as the rollups do).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from clickhouse_connect.driver.client import Client

from streams.logic.staffing import counters_needed, offered_load, service_level

COLUMNS = [
    "office_id", "service_code", "weekday", "hour", "weeks", "arrivals_per_hour", "mean_service_s",
    "counters_open", "counters_needed", "service_level_now", "service_level_needed", "computed_at",
]  # fmt: skip


def _local(function: str, column: str, *args: str) -> str:
    extra = "".join(f"{arg}, " for arg in args)
    return (
        f"multiIf(o.timezone = 'Asia/Makassar', {function}({column}, {extra}'Asia/Makassar'), "
        f"o.timezone = 'Asia/Jayapura', {function}({column}, {extra}'Asia/Jayapura'), "
        f"{function}({column}, {extra}'Asia/Jakarta'))"
    )


_CELLS = f"""
WITH local AS (
    SELECT t.office_id AS office_id, t.service_code AS service_code, t.counter_id AS counter_id,
           t.outcome AS outcome, t.service_s AS service_s, t.started_at IS NOT NULL AS started,
           {_local("toDayOfWeek", "t.issued_at", "0")} AS weekday,
           {_local("toHour", "t.issued_at")} AS hour,
           {_local("toDate", "t.issued_at")} AS day,
           {_local("toDayOfWeek", "ifNull(t.started_at, t.issued_at)", "0")} AS started_weekday,
           {_local("toHour", "ifNull(t.started_at, t.issued_at)")} AS started_hour,
           {_local("toDate", "ifNull(t.started_at, t.issued_at)")} AS started_day
    FROM {{db}}.tickets AS t FINAL
    LEFT JOIN (SELECT office_id, argMax(timezone, _version) AS timezone FROM {{db}}.offices GROUP BY office_id) AS o
        ON o.office_id = t.office_id
    WHERE t.issued_at > (SELECT max(issued_at) FROM {{db}}.tickets) - INTERVAL {{weeks}} WEEK
)
SELECT a.office_id, a.service_code, a.weekday, a.hour,
       a.issued / d.days AS arrivals_per_hour,
       s.mean_service_s AS mean_service_s,
       c.counter_hours / d.days AS counters_open,
       sv.target_wait_s AS target_wait_s, sv.target_within AS target_within
FROM (SELECT office_id, service_code, weekday, hour, count() AS issued FROM local
      GROUP BY office_id, service_code, weekday, hour) AS a
INNER JOIN (SELECT office_id, weekday, uniqExact(day) AS days FROM local GROUP BY office_id, weekday) AS d
    ON d.office_id = a.office_id AND d.weekday = a.weekday
INNER JOIN (SELECT office_id, service_code,
                   avgIf(service_s, outcome != 'abandoned' AND service_s IS NOT NULL) AS mean_service_s
            FROM local GROUP BY office_id, service_code) AS s
    ON s.office_id = a.office_id AND s.service_code = a.service_code
LEFT JOIN (SELECT office_id, service_code, started_weekday, started_hour, count() AS counter_hours
           FROM (SELECT DISTINCT office_id, service_code, started_day, started_weekday, started_hour, counter_id
                 FROM local WHERE started AND counter_id != '')
           GROUP BY office_id, service_code, started_weekday, started_hour) AS c
    ON c.office_id = a.office_id AND c.service_code = a.service_code
       AND c.started_weekday = a.weekday AND c.started_hour = a.hour
INNER JOIN (SELECT service_code, argMax(target_wait_s, _version) AS target_wait_s,
                   argMax(target_within, _version) AS target_within
            FROM {{db}}.services GROUP BY service_code) AS sv
    ON sv.service_code = a.service_code
ORDER BY a.office_id, a.service_code, a.weekday, a.hour
"""


@dataclass(frozen=True)
class StaffingRefresh:
    """What a refresh wrote: cells advised, and cells left out for want of a served ticket to time."""

    cells: int
    without_service_time: int
    understaffed: int
    """Cells whose open counters fall short of the advice."""
    computed_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "cells": self.cells,
            "without_service_time": self.without_service_time,
            "understaffed": self.understaffed,
            "computed_at": self.computed_at.isoformat(timespec="milliseconds"),
        }


def refresh_staffing(client: Client, database: str, weeks: int, now: datetime | None = None) -> StaffingRefresh:
    """Recompute every cell of `staffing` from the last `weeks` weeks of `tickets`, with one computed_at."""
    if weeks < 1:
        raise ValueError("staffing needs at least one week of tickets")
    moment = now or datetime.now(UTC)
    computed_at = moment.replace(microsecond=moment.microsecond // 1000 * 1000)  # as DateTime64(3) keeps it
    result = client.query(_CELLS.format(db=database, weeks=int(weeks)))
    rows = []
    untimed = understaffed = 0
    for office, service, weekday, hour, arrivals, service_s, counters_open, target_wait_s, within in result.result_rows:
        if service_s is None or not math.isfinite(service_s) or service_s <= 0:
            untimed += 1  # no served ticket of this service at this office yet: no service time to plan with
            continue
        load = offered_load(arrivals, service_s)
        needed = counters_needed(load, target_wait_s, service_s, within)
        now_level = 1.0 if load == 0 else service_level(load, round(counters_open), target_wait_s, service_s)
        advised_level = 1.0 if load == 0 else service_level(load, needed, target_wait_s, service_s)
        understaffed += int(needed > round(counters_open))
        rows.append(
            [office, service, weekday, hour, weeks, float(arrivals), float(service_s), float(counters_open),
             needed, now_level, advised_level, computed_at]
        )  # fmt: skip
    if rows:
        client.insert(f"{database}.staffing", rows, column_names=COLUMNS)
    # The advice is this refresh's cells only: a cell with no tickets in its weeks any more (an hour
    # the office stopped opening) must not keep showing an old plan. Lightweight delete: older rows only.
    client.command(
        f"DELETE FROM {database}.staffing WHERE computed_at < {{computed_at:DateTime64(3, 'UTC')}}",
        parameters={"computed_at": computed_at},
    )
    return StaffingRefresh(len(rows), untimed, understaffed, computed_at)
