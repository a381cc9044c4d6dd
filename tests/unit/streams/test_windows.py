"""Tumbling windows: epoch alignment, lateness, and window_metrics rows from ticket facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from streams.logic.quantiles import QuantileSketch
from streams.logic.windows import (
    Watermarks,
    WindowAccumulator,
    classify_lateness,
    update_for_complaint,
    updates_for_ticket,
    window_closed,
    window_start,
)
from tests.unit.streams.factories import WIB, table_columns


@pytest.mark.parametrize(
    ("ts", "window_s", "expected"),
    [
        (datetime(2026, 11, 2, 8, 17, 3, tzinfo=WIB), 300, datetime(2026, 11, 2, 1, 15, tzinfo=UTC)),
        (datetime(2026, 11, 2, 8, 17, 3, tzinfo=WIB), 3600, datetime(2026, 11, 2, 1, 0, tzinfo=UTC)),
        (datetime(2026, 11, 2, 1, 20, tzinfo=UTC), 300, datetime(2026, 11, 2, 1, 20, tzinfo=UTC)),  # on the edge
        (datetime(2026, 11, 2, 1, 19, 59, 999999, tzinfo=UTC), 300, datetime(2026, 11, 2, 1, 15, tzinfo=UTC)),
    ],
)
def test_windows_align_to_utc_epoch_multiples(ts: datetime, window_s: int, expected: datetime) -> None:
    assert window_start(ts, window_s) == expected


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        window_start(datetime(2026, 11, 2, 8, 0), 300)


@pytest.mark.parametrize(
    ("watermark_minute", "expected"),
    [
        (None, "on_time"),
        (4, "on_time"),  # window 01:00-01:05 still open
        (5, "late_within_grace"),  # closed at 01:05, grace 2 min
        (6, "late_within_grace"),
        (7, "too_late"),
    ],
)
def test_lateness_against_the_office_watermark(watermark_minute: int | None, expected: str) -> None:
    event_time = datetime(2026, 11, 2, 1, 3, tzinfo=UTC)
    watermark = None if watermark_minute is None else datetime(2026, 11, 2, 1, watermark_minute, tzinfo=UTC)

    assert classify_lateness(event_time, watermark, 300, grace_s=120) == expected


def test_a_window_closes_after_its_grace() -> None:
    start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)

    assert not window_closed(start, 300, datetime(2026, 11, 2, 1, 6, tzinfo=UTC), grace_s=120)
    assert window_closed(start, 300, datetime(2026, 11, 2, 1, 7, tzinfo=UTC), grace_s=120)


def test_watermarks_are_per_office_and_never_go_back() -> None:
    marks = Watermarks()
    early, late = datetime(2026, 11, 2, 1, 0, tzinfo=UTC), datetime(2026, 11, 2, 2, 0, tzinfo=UTC)

    marks.observe("A", late)
    marks.observe("A", early)
    marks.observe("B", early)

    assert (marks.get("A"), marks.get("B"), marks.get("C")) == (late, early, None)


def test_an_empty_window_has_no_percentiles_and_exactly_the_table_columns() -> None:
    row = WindowAccumulator().to_row("MPP-JKT-01", "KTP", datetime(2026, 11, 2, 1, 0, tzinfo=UTC), 300)

    assert list(row) == table_columns("window_metrics")
    assert (row["served"], row["wait_p50_s"], row["wait_p95_s"], row["wait_mean_s"]) == (0, None, None, None)


def test_a_window_row_reports_percentiles_mean_and_the_sketch() -> None:
    window = WindowAccumulator()
    for minutes in range(1, 11):  # waits of 1..10 minutes, two past a 8.5-minute target
        window.add_wait(minutes * 60.0, breached=minutes > 8.5)
    window.add_abandoned()
    window.add_complaint()

    row = window.to_row("MPP-JKT-01", "KTP", datetime(2026, 11, 2, 1, 0, tzinfo=UTC), 300)

    assert (row["served"], row["abandoned"], row["breaches"], row["complaints"]) == (10, 1, 2, 1)
    assert row["wait_p50_s"] == pytest.approx(300.0, rel=0.01)
    assert row["wait_p90_s"] == pytest.approx(540.0, rel=0.01)
    assert row["wait_mean_s"] == 330.0 and row["wait_sum_s"] == 3300.0
    assert QuantileSketch.from_base64(row["wait_sketch"]).count == 10


def test_merged_windows_equal_one_window_of_everything() -> None:
    first, second, both = WindowAccumulator(), WindowAccumulator(), WindowAccumulator()
    for wait in (30.0, 90.0):
        first.add_wait(wait, breached=False)
        both.add_wait(wait, breached=False)
    for wait in (600.0, 1900.0):
        second.add_wait(wait, breached=wait > 1800)
        both.add_wait(wait, breached=wait > 1800)
    second.add_abandoned()
    both.add_abandoned()

    first.merge(second)

    start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    assert first.to_row("O", "KTP", start, 3600) == both.to_row("O", "KTP", start, 3600)


def test_a_served_fact_updates_the_window_of_its_start_and_can_be_taken_back() -> None:
    fact = {
        "office_id": "O",
        "service_code": "KTP",
        "started_at": datetime(2026, 11, 2, 1, 7, tzinfo=UTC),
        "ended_at": datetime(2026, 11, 2, 1, 20, tzinfo=UTC),
        "wait_s": 2000.0,
        "wait_breached": 1,
        "outcome": "served",
    }

    (update,) = updates_for_ticket(fact, 300)
    window = WindowAccumulator()
    window.apply(update)
    served_row = window.to_row("O", "KTP", update.window_start, 300)
    window.apply(update, sign=-1)

    assert update.key == ("O", "KTP", datetime(2026, 11, 2, 1, 5, tzinfo=UTC), 300)
    assert (served_row["served"], served_row["breaches"], served_row["wait_mean_s"]) == (1, 1, 2000.0)
    assert window.to_row("O", "KTP", update.window_start, 300) == WindowAccumulator().to_row(
        "O", "KTP", update.window_start, 300
    )


def test_an_abandoned_fact_counts_at_its_end_and_a_complaint_at_its_filing() -> None:
    fact = {
        "office_id": "O",
        "service_code": "KTP",
        "started_at": None,
        "ended_at": datetime(2026, 11, 2, 1, 59, tzinfo=UTC),
        "wait_s": None,
        "outcome": "abandoned",
    }

    (update,) = updates_for_ticket(fact, 3600)
    complaint = update_for_complaint("O", None, datetime(2026, 11, 2, 2, 1, tzinfo=UTC), 3600)

    assert (update.window_start, update.abandoned, update.wait_s) == (datetime(2026, 11, 2, 1, tzinfo=UTC), 1, None)
    assert (complaint.service_code, complaint.window_start, complaint.complaints) == (
        "",
        datetime(2026, 11, 2, 2, tzinfo=UTC),
        1,
    )


def test_accumulator_state_round_trips_through_a_plain_dict() -> None:
    window = WindowAccumulator()
    window.add_wait(125.5, breached=False)
    window.add_complaint(2)

    restored = WindowAccumulator.from_dict(window.to_dict())

    start = datetime(2026, 11, 2, tzinfo=UTC) + timedelta(hours=1)
    assert restored.to_row("O", "KK", start, 300) == window.to_row("O", "KK", start, 300)
