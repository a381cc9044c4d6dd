"""Late events: within the late horizon they update their window; later they are counted, not applied.

The horizon here is 3600 s (the default is 7 days, tested at the end). T1's wait starts at minute 10
(01:10 UTC): its 5-minute window [01:10, 01:15) takes updates until 02:15 UTC (minute 75), its hour
[01:00, 02:00) until 03:00 (minute 120).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pantau.kafka import topics
from streams.processor import StreamOptions
from tests.unit.streams.factories import OFFICE, completed, issued, started
from tests.unit.streams.processing import Run, latest, rows

FIVE_MIN = f"{OFFICE}|KTP|300|{int(datetime(2026, 11, 2, 1, 10, tzinfo=UTC).timestamp())}"
HOUR = f"{OFFICE}|KTP|3600|{int(datetime(2026, 11, 2, 1, tzinfo=UTC).timestamp())}"
HOUR_HORIZON = replace(StreamOptions(), late_horizon_s=3600.0)


def served_by_window(run: Run) -> dict[str, int]:
    return {key: row["served"] for key, row in latest(run.outputs, topics.WINDOW_METRICS).items()}


def test_a_late_event_within_grace_updates_its_windows() -> None:
    run = Run(HOUR_HORIZON)
    run.feed(issued("T1", 0), started("T1", 10), completed("T1", 15), issued("T9", 70))

    late = run.feed(issued("T2", 5), started("T2", 12), completed("T2", 14))

    assert served_by_window(run) == {FIVE_MIN: 2, HOUR: 2}
    assert {o.key for o in late if o.topic == topics.WINDOW_METRICS} == {FIVE_MIN, HOUR}
    assert rows(run.outputs, topics.SIGNALS, "late_event") == []


def test_beyond_grace_the_window_keeps_its_row_and_counts_the_late_update() -> None:
    run = Run(HOUR_HORIZON)
    run.feed(issued("T1", 0), started("T1", 10), completed("T1", 15), issued("T9", 100))  # 02:40 UTC

    late = run.feed(issued("T2", 5), started("T2", 12), completed("T2", 14))

    assert served_by_window(run) == {FIVE_MIN: 1, HOUR: 2}  # the 5-minute window closed at 02:15
    [ticket] = rows(late, topics.TICKETS)
    assert (ticket["ticket_id"], ticket["wait_s"]) == ("T2", 420.0)  # the fact is right all the same
    [signal] = rows(late, topics.SIGNALS, "late_event")
    assert signal == {
        "signal_id": f"late_event:{OFFICE}:KTP:300:{FIVE_MIN.rsplit('|', 1)[1]}",
        "kind": "late_event",
        "office_id": OFFICE,
        "service_code": "KTP",
        "counter_id": "",
        "subject_id": "2026-11-02T01:10:00+00:00",
        "detected_at": datetime(2026, 11, 2, 2, 40, tzinfo=UTC),
        "value": 1.0,
        "threshold": 3600.0,
        "severity": "info",
        "detail": "1 update(s) after the 300 s window from 2026-11-02T01:10Z closed",
        "_version": 1,
    }


def test_each_further_late_update_raises_the_count_and_version_and_duplicates_do_not() -> None:
    run = Run(HOUR_HORIZON)
    run.feed(issued("T1", 0), started("T1", 10), completed("T1", 15), issued("T9", 200))
    run.feed(issued("T2", 5), started("T2", 12), completed("T2", 14))

    run.feed(issued("T3", 6), started("T3", 11), completed("T3", 13))
    run.feed(started("T3", 11), completed("T3", 13))  # sent twice

    late = latest(run.outputs, topics.SIGNALS)
    assert {key: (row["value"], row["_version"]) for key, row in late.items()} == {
        f"{OFFICE}|late_event|KTP|300|{FIVE_MIN.rsplit('|', 1)[1]}": (2.0, 2),
        f"{OFFICE}|late_event|KTP|3600|{HOUR.rsplit('|', 1)[1]}": (2.0, 2),
    }
    assert served_by_window(run) == {FIVE_MIN: 1, HOUR: 1}


def test_out_of_order_events_of_one_ticket_within_grace_give_the_in_order_windows() -> None:
    events = [issued("T1", 0), issued("T2", 3), started("T1", 10), started("T2", 12), completed("T1", 15)]
    events += [completed("T2", 40), issued("T3", 41)]
    in_order, shuffled = Run(HOUR_HORIZON), Run(HOUR_HORIZON)
    in_order.feed(*events)

    shuffled.feed(*reversed(events), events[2])

    windows = latest(in_order.outputs, topics.WINDOW_METRICS)
    assert latest(shuffled.outputs, topics.WINDOW_METRICS).keys() == windows.keys()
    for key, row in latest(shuffled.outputs, topics.WINDOW_METRICS).items():
        assert (row["served"], row["wait_sum_s"], row["breaches"]) == (
            windows[key]["served"],
            windows[key]["wait_sum_s"],
            windows[key]["breaches"],
        )


def test_by_default_a_day_late_ticket_still_lands_in_its_windows() -> None:
    """A file exported per ticket, or a day sent a day later, is within the default 7-day horizon."""
    run = Run()
    run.feed(issued("T1", 0), started("T1", 10), completed("T1", 15), issued("T9", 1500))

    run.feed(issued("T2", 5), started("T2", 12), completed("T2", 14))

    assert served_by_window(run) == {FIVE_MIN: 2, HOUR: 2}
    assert rows(run.outputs, topics.SIGNALS, "late_event") == []
