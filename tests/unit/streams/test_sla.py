"""Live breaches once per ticket on the office clock; compliance; burn rate with volume guard."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from streams.logic.sla import (
    BurnRatePolicy,
    LiveWaitMonitor,
    RollingCounts,
    WindowCounts,
    compliance,
    evaluate_burn,
    wait_targets,
)
from tests.unit.streams.factories import CATALOG, OFFICE, abandoned, at, called, issued, started, table_columns

TARGETS = wait_targets(CATALOG)  # KTP 30 min, KK 20 min


def test_a_ticket_waiting_past_target_is_reported_once() -> None:
    monitor = LiveWaitMonitor(OFFICE)
    monitor.apply(issued("T1", 0))
    monitor.apply(issued("T2", 10))

    before = monitor.check(at(30), TARGETS)
    first = monitor.check(at(31), TARGETS)
    again = monitor.check(at(40), TARGETS)  # T2 crosses its target only at minute 40

    assert before == [] and again == []
    assert first == [
        {
            "breach_id": f"live:{OFFICE}:T1",
            "office_id": OFFICE,
            "service_code": "KTP",
            "ticket_id": "T1",
            "kind": "live_wait",
            "detected_at": at(31).astimezone(UTC),
            "threshold_s": 1800.0,
            "observed_s": 1860.0,
        }
    ]
    assert list(first[0]) == table_columns("sla_breaches")


def test_started_or_abandoned_tickets_stop_waiting_but_called_ones_do_not() -> None:
    monitor = LiveWaitMonitor(OFFICE)
    for event in (issued("T1", 0), issued("T2", 0), issued("T3", 0, service="KK")):
        monitor.apply(event)
    monitor.apply(started("T1", 5))
    monitor.apply(abandoned("T2", 6))
    monitor.apply(called("T3", 7))

    rows = monitor.check(at(25), TARGETS)

    assert [row["ticket_id"] for row in rows] == ["T3"]


def test_a_late_issue_after_the_start_does_not_requeue_the_ticket() -> None:
    monitor = LiveWaitMonitor(OFFICE)

    monitor.apply(started("T1", 5))
    monitor.apply(issued("T1", 0))

    assert monitor.waiting == [] and monitor.check(at(60), TARGETS) == []


def test_old_tickets_are_forgotten_so_memory_stays_bounded() -> None:
    monitor = LiveWaitMonitor(OFFICE, track_limit_s=3600)
    monitor.apply(issued("T1", 0))

    monitor.check(at(61), TARGETS)

    assert monitor.waiting == []


@pytest.mark.parametrize(
    ("within", "total", "share", "met"),
    [(9, 10, 0.9, True), (8, 10, 0.8, False), (0, 0, None, None)],
)
def test_compliance_against_target_within(within: int, total: int, share: float | None, met: bool | None) -> None:
    status = compliance(within, total, target_within=0.9)

    assert (status.share, status.met) == (share, met)


@pytest.mark.parametrize(
    ("long", "short", "severity", "reason"),
    [
        (WindowCounts(100, 80), WindowCounts(10, 8), "page", "page"),  # target 0.95: burn 16 and 16
        (WindowCounts(100, 40), WindowCounts(10, 4), "warn", "warn"),  # burn 8 and 8
        (WindowCounts(100, 80), WindowCounts(10, 0), None, "not_confirmed"),  # recovered in the last 5 min
        (WindowCounts(100, 80), WindowCounts(0, 0), None, "not_confirmed"),  # nobody in the last 5 min
        (WindowCounts(3, 3), WindowCounts(1, 1), None, "low_volume"),  # 3 tickets an hour: never pages
        (WindowCounts(100, 10), WindowCounts(10, 1), None, "below_threshold"),
    ],
)
def test_burn_rate_needs_volume_and_both_windows(
    long: WindowCounts, short: WindowCounts, severity: str | None, reason: str
) -> None:
    signal = evaluate_burn(long, short, target_within=0.95)

    assert (signal.severity, signal.reason) == (severity, reason)


def test_burn_is_bad_share_over_budget_and_capped_by_the_target() -> None:
    signal = evaluate_burn(WindowCounts(20, 20), WindowCounts(5, 5), target_within=0.9)

    assert signal.long_burn == pytest.approx(10.0) and signal.max_burn == pytest.approx(10.0)
    assert signal.severity == "warn"  # 14.4 is out of reach with a 10% budget; 6 is not
    lenient = evaluate_burn(WindowCounts(20, 20), WindowCounts(5, 5), 0.9, BurnRatePolicy(page_burn=9.0))
    assert lenient.severity == "page"


def test_a_hundred_percent_target_burns_infinitely_on_any_breach() -> None:
    signal = evaluate_burn(WindowCounts(10, 1), WindowCounts(2, 1), target_within=1.0)

    assert signal.long_burn == math.inf and signal.severity == "page"


def test_rolling_counts_give_the_long_and_short_windows() -> None:
    counts = RollingCounts(bucket_s=300, keep_s=3600)
    start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    for minute in range(0, 90, 3):
        counts.add(start + timedelta(minutes=minute), bad=minute >= 80)

    now = start + timedelta(minutes=89)
    long, short = counts.counts(now, 3600), counts.counts(now, 300)

    assert long == WindowCounts(total=20, bad=3)  # buckets 00:30..01:25 hold minutes 30, 33, ..., 87
    assert short == WindowCounts(total=1, bad=1)  # bucket 01:25 holds minute 87 only


def test_a_monitor_restored_from_json_remembers_waiting_departed_and_reported() -> None:
    monitor = LiveWaitMonitor(OFFICE)
    for item in (issued("T1", 0), issued("T2", 20), started("T3", 1)):
        monitor.apply(item)
    monitor.check(at(31), TARGETS)

    restored = LiveWaitMonitor.from_dict(json.loads(json.dumps(monitor.to_dict())))
    restored.apply(issued("T3", 0))

    assert [row["ticket_id"] for row in restored.check(at(55), TARGETS)] == ["T2"]
