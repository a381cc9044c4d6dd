"""The whole pipeline through the CLI, checked against an independent computation from the input file."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pantau.catalog import load_catalog
from streams.logic.quantiles import DEFAULT_RELATIVE_ACCURACY
from streams.logic.windows import EXACT_LIMIT
from tests.e2e.cli import summary_values
from tests.e2e.conftest import CleanRun, SimulatedInput
from tests.e2e.oracle import floor

pytestmark = pytest.mark.e2e


def utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_replay_wait_prints_reconciled_counts(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    values = summary_values(clean_run.replay_stdout)
    expected_dead = len(simulated_input.expected.dead_positions)
    assert int(values["received"]) == len(simulated_input.lines)
    assert int(values["dead_lettered"]) == expected_dead > 0
    assert int(values["sent"]) == len(simulated_input.lines) - expected_dead
    assert values["dead_lettered_by_worker"] == "0"
    assert int(values["processed"]) == int(values["sent"])
    assert values["reconciled"].startswith("yes")
    assert "stream worker" in clean_run.replay_stdout and "ClickHouse sink" in clean_run.replay_stdout


def test_every_ticket_lands_with_its_outcome_and_wait(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    landed = {
        (row["office_id"], row["ticket_id"]): (
            row["outcome"],
            None if row["wait_s"] is None else round(row["wait_s"], 3),
        )
        for row in clean_run.tables["tickets"]
    }
    expected = {key: (t.outcome, t.wait_s) for key, t in simulated_input.expected.tickets.items()}
    assert len(expected) > 300
    assert landed == expected


def test_window_counts_match_the_tickets_and_complaints(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    expected = simulated_input.expected
    for window_s in (300, 3600):
        rows = [row for row in clean_run.tables["window_metrics"] if row["window_s"] == window_s]
        # Windows a ticket reached after their grace keep the on-time count by design; compared apart.
        late = expected.late_windows(window_s)
        assert len(late) <= 0.05 * len(rows)
        for column, counts in (
            ("served", expected.window_served(window_s)),
            ("abandoned", expected.window_abandoned(window_s)),
        ):
            landed = Counter(
                {window_key(row): row[column] for row in rows if row[column] and window_key(row) not in late}
            )
            assert landed == Counter({key: n for key, n in counts.items() if key not in late}), (window_s, column)
            landed_late = sum(row[column] for row in rows if window_key(row) in late)
            assert landed_late <= sum(counts[key] for key in late), (window_s, column)
    rows = [row for row in clean_run.tables["window_metrics"] if row["window_s"] == 300]
    late_complaints = expected.late_complaint_windows
    complaints = Counter(
        {
            window_key(row): row["complaints"]
            for row in rows
            if row["complaints"] and window_key(row) not in late_complaints
        }
    )
    assert complaints == Counter(
        {key: n for key, n in expected.complaint_windows.items() if key not in late_complaints}
    )


def window_key(row: dict[str, Any]) -> tuple[str, str, datetime]:
    return (row["office_id"], row["service_code"], utc(row["window_start"]))


def test_ikm_per_office_to_two_decimals(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    landed = {
        row["office_id"]: (row["respondents"], round(row["ikm"], 2))
        for row in clean_run.tables["ikm"]
        if row["period_kind"] == "month" and row["period"] == "2026-11-01"
    }
    assert landed == simulated_input.expected.ikm()
    assert all(row["mutu"] in "ABCD" for row in clean_run.tables["ikm"])


def test_complaint_rate_per_thousand_services(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    # The SCHEMA.md query for data teams, run through `pantau sql` on the landed tables.
    rows = clean_run.pipeline.sql(
        "SELECT c.office_id AS office_id, round(1000 * c.complaints / s.completed, 2) AS per_1000 "
        "FROM (SELECT office_id, count() AS complaints FROM pantau.complaints FINAL GROUP BY office_id) AS c "
        "JOIN (SELECT office_id, countIf(outcome != 'abandoned') AS completed FROM pantau.tickets FINAL "
        "GROUP BY office_id) AS s USING (office_id)"
    )
    expected = simulated_input.expected.complaint_rate_per_1000()
    assert expected and all(rate > 0 for rate in expected.values())
    assert {row["office_id"]: row["per_1000"] for row in rows} == expected


def test_dead_letters_with_their_positions_and_reasons(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    rows = clean_run.tables["dead_letters"]
    assert {row["source"] for row in rows} == {"file:day.jsonl"}
    assert {row["position"] for row in rows} == simulated_input.expected.dead_positions
    reasons = {row["position"]: row["reason_code"] for row in rows}
    derivable = simulated_input.expected.dead_reasons
    assert len(derivable) >= 5
    assert {position: reasons[position] for position in derivable} == derivable
    values = summary_values(clean_run.replay_stdout)
    assert int(values["dead_lettered"]) == len(rows)


def test_raw_events_are_kept_once_with_a_ttl(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    landed = {(row["office_id"], row["event_id"]) for row in clean_run.tables["events"]}
    assert landed == simulated_input.expected.valid_event_keys
    assert len(clean_run.tables["events"]) == len(landed)  # duplicates delivered, one row each
    [table] = clean_run.pipeline.sql(
        "SELECT engine_full FROM system.tables WHERE database = 'pantau' AND name = 'events'"
    )
    assert "PARTITION BY toYYYYMM(occurred_at)" in table["engine_full"]
    assert "TTL toDateTime(occurred_at) + toIntervalDay(400)" in table["engine_full"]


def test_dead_letters_expire_30_days_after_they_were_stored(clean_run: CleanRun) -> None:
    [table] = clean_run.pipeline.sql(
        "SELECT engine_full FROM system.tables WHERE database = 'pantau' AND name = 'dead_letters'"
    )
    assert "TTL landed_at + toIntervalDay(30)" in table["engine_full"]
    [stored] = clean_run.pipeline.sql(
        "SELECT count() AS n, min(landed_at) >= now() - INTERVAL 1 DAY AS recent FROM pantau.dead_letters"
    )
    assert int(stored["n"]) > 0 and int(stored["recent"]) == 1


def test_daily_rollup_counts_each_local_day(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    zones = {office.id: ZoneInfo(office.timezone) for office in load_catalog().offices}
    rows = clean_run.pipeline.sql(
        "SELECT office_id, service_code, day, served, breaches FROM pantau.window_metrics_daily"
    )
    landed = Counter({(r["office_id"], r["service_code"], date.fromisoformat(r["day"])): r["served"] for r in rows})
    hourly: Counter[tuple[str, str, date]] = Counter()
    for row in clean_run.tables["window_metrics"]:
        if row["window_s"] == 3600:
            hourly[
                (
                    row["office_id"],
                    row["service_code"],
                    utc(row["window_start"]).astimezone(zones[row["office_id"]]).date(),
                )
            ] += row["served"]
    assert +landed == +hourly
    # Against the tickets themselves: equal but for the tickets that reached their hour too late.
    expected = simulated_input.expected.served_per_local_day({o: str(z) for o, z in zones.items()})
    late = len(simulated_input.expected.late_windows(3600))
    assert sum(expected.values()) - late <= sum(landed.values()) <= sum(expected.values())
    [month] = clean_run.pipeline.sql("SELECT sum(served) AS served FROM pantau.window_metrics_monthly")
    assert month["served"] == sum(landed.values())


def test_window_p90_is_the_nearest_rank_p90(clean_run: CleanRun, simulated_input: SimulatedInput) -> None:
    """The p90 is the value of rank ceil(0.9 n) (DOMAIN.md): exact up to 64 waits, else within the sketch's 1%."""
    expected = simulated_input.expected
    waits: dict[tuple[str, str, datetime], list[float]] = {}
    late = expected.late_windows(3600)
    for ticket in expected.tickets.values():
        if ticket.wait_s is not None and ticket.started_at is not None:
            waits.setdefault((ticket.office_id, ticket.service_code, floor(ticket.started_at, 3600)), []).append(
                ticket.wait_s
            )
    checked = 0
    for row in clean_run.tables["window_metrics"]:
        key = window_key(row)
        if row["window_s"] != 3600 or key in late or key not in waits:
            continue
        ordered = sorted(waits[key])
        exact = ordered[-(-9 * len(ordered) // 10) - 1]
        allowed = 1e-6 if len(ordered) <= EXACT_LIMIT else DEFAULT_RELATIVE_ACCURACY * exact + 1e-6
        assert abs(row["wait_p90_s"] - exact) <= allowed, (key, len(ordered), row["wait_p90_s"], exact)
        checked += 1
    assert checked > 20
