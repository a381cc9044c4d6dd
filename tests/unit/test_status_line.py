"""The status line of `pantau up`: pure formatting and the smoothed rate."""

from __future__ import annotations

from datetime import UTC, datetime

from pantau.runtime.status import PipelineStatus, RateWindow, format_status


def test_the_line_says_since_start_with_units_clock_and_restarts() -> None:
    status = PipelineStatus(
        events=12_345,
        events_per_s=46.04,
        worker_lag=1_234,
        sink_lag=0,
        dead_letters=7,
        simulated_clock=datetime(2026, 12, 1, 2, 30, tzinfo=UTC),
        restarts={"worker": 2, "sink": 0},
    )
    assert format_status(status) == (
        "since start: events 12,345 (46.0/s, 30 s avg) | worker lag 1,234 events | sink lag 0 events | "
        "dead letters 7 | simulated clock 2026-12-01 09:30 WIB | restarts worker 2"
    )


def test_without_a_worker_group_or_simulation_those_parts_are_plain() -> None:
    line = format_status(PipelineStatus(0, 0.0, None, 3, 0))
    assert line == "since start: events 0 (0.0/s, 30 s avg) | worker lag - | sink lag 3 events | dead letters 0"


def test_the_rate_is_smoothed_over_the_window() -> None:
    window = RateWindow(window_s=30)
    assert window.add(0, 0) == 0.0
    # A burst of 100 events then silence: one-sample rates would read 50/s then 0/s.
    assert window.add(2, 100) == 50.0
    assert window.add(4, 100) == 25.0
    assert window.add(10, 100) == 10.0


def test_samples_older_than_the_window_drop_out() -> None:
    window = RateWindow(window_s=30)
    window.add(0, 0)
    window.add(10, 1000)
    window.add(40, 1000)
    assert window.add(42, 1060) == 60 / 32  # from the sample at 10 s: the one at 0 s left the window
