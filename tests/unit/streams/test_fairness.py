"""Queue jumps per office, service and counter; waits per priority group; late counter openings."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from streams.logic.fairness import PriorityWaitAccumulator, QueueJump, QueueJumpDetector
from streams.logic.punctuality import CounterPunctuality
from streams.logic.working_days import WorkingDayCalendar
from tests.unit.streams.factories import CATALOG, OFFICE, abandoned, at, called, completed, event, issued, started

WIB = timezone(timedelta(hours=7))


def jumps_of(events: list[Any], tolerance_s: float = 5.0, track_limit_s: float = 12 * 3600) -> list[QueueJump]:
    detector = QueueJumpDetector(OFFICE, tolerance_s, track_limit_s)
    found: list[QueueJump] = []
    for item in events:
        found += detector.apply(item)
    return found + detector.flush()


def test_a_later_ticket_called_first_is_a_jump_attributed_to_its_counter() -> None:
    events = [issued("A", 0), issued("B", 1), issued("C", 2), called("C", 10, counter="L3"), called("A", 20)]

    (jump,) = jumps_of(events)

    assert (jump.ticket_id, jump.counter_id, jump.skipped, jump.first_skipped_ticket_id) == ("C", "L3", 2, "A")
    assert jump.taken_at == at(10) and jump.first_skipped_issued_at == at(0)


def test_serving_in_issue_order_is_no_jump() -> None:
    events = [issued("A", 0), issued("B", 1), called("A", 5), started("A", 6), called("B", 7), started("B", 8)]

    assert jumps_of(events) == []


def test_priority_groups_may_go_first_and_are_never_jumped() -> None:
    events = [
        issued("A", 0, priority_group="elderly"),
        issued("B", 1),
        issued("C", 2, priority_group="pregnant"),
        called("C", 5),  # priority ahead of regular B: allowed
        called("B", 6),  # regular ahead of elderly A: A is not in the regular queue
    ]

    assert jumps_of(events) == []


def test_other_counts_as_regular() -> None:
    (jump,) = jumps_of([issued("A", 0, priority_group="other"), issued("B", 1), called("B", 5)])

    assert jump.ticket_id == "B"


def test_services_have_separate_queues() -> None:
    assert jumps_of([issued("A", 0, service="KK"), issued("B", 1), called("B", 5)]) == []


def test_a_skipped_ticket_that_had_already_left_is_no_jump() -> None:
    assert jumps_of([issued("A", 0), issued("B", 1), abandoned("A", 3), called("B", 5)]) == []


def test_two_counters_calling_at_the_same_moment_is_no_jump() -> None:
    events = [issued("A", 0), issued("B", 1), called("B", 5, counter="L2"), called("A", 5.05, counter="L1")]

    assert jumps_of(events, tolerance_s=5) == []
    assert len(jumps_of(events, tolerance_s=0)) == 1


def test_a_start_without_a_call_takes_the_ticket_and_a_start_after_a_call_does_not_count_twice() -> None:
    events = [issued("A", 0), issued("B", 1), started("B", 5, counter="L2"), called("A", 6), started("A", 7)]

    (jump,) = jumps_of(events)

    assert (jump.ticket_id, jump.counter_id) == ("B", "L2")


def test_a_duplicate_issue_after_the_call_does_not_requeue_the_ticket() -> None:
    events = [issued("A", 0), called("A", 2), issued("A", 0), issued("B", 3), called("B", 5)]

    assert jumps_of(events) == []


def test_jumps_are_decided_once_the_tolerance_has_passed_on_the_office_clock() -> None:
    detector = QueueJumpDetector(OFFICE, tolerance_s=60)
    for item in (issued("A", 0), issued("B", 1)):
        detector.apply(item)

    at_call = detector.apply(called("B", 5))
    within = detector.apply(completed("X", 5.5))
    after = detector.apply(completed("Y", 7))

    assert at_call == [] and within == [] and [jump.ticket_id for jump in after] == ["B"]


def test_memory_is_bounded_by_the_track_limit() -> None:
    detector = QueueJumpDetector(OFFICE, track_limit_s=3600)
    for index in range(200):  # one ticket a minute, nobody ever served
        detector.apply(issued(f"T{index}", index))
    assert detector.waiting_count <= 60 + 10  # the last hour, plus up to 10 minutes until the next purge

    detector.apply(completed("Z", 200 + 61))

    assert detector.waiting_count == 0


def test_waiting_time_per_priority_group() -> None:
    waits = PriorityWaitAccumulator()
    for group, wait in [(None, 1200.0), ("other", 1800.0), ("elderly", 300.0), ("elderly", 500.0)]:
        waits.add(group, wait)

    summary = {row["group"]: row for row in PriorityWaitAccumulator.from_dict(waits.to_dict()).summary()}

    assert list(summary) == ["regular", "elderly"]
    assert (summary["regular"]["tickets"], summary["regular"]["wait_mean_s"]) == (2, 1500.0)
    assert summary["elderly"]["wait_p50_s"] == pytest.approx(300.0, rel=0.01)


def opened(counter: str, when: datetime, suffix: str = "") -> Any:
    return event("counter.opened", f"{counter}-{when:%j%H%M}{suffix}", when, counter_id=counter)


OFFICE_HOURS = CATALOG.office(OFFICE)  # opens 08:00 WIB on Mon, Tue and Fri


def test_a_counter_opening_past_schedule_and_grace_is_late() -> None:
    punctuality = CounterPunctuality(OFFICE_HOURS)

    late = punctuality.apply(opened("L1", datetime(2026, 11, 2, 8, 12, tzinfo=WIB)))
    reopened = punctuality.apply(opened("L1", datetime(2026, 11, 2, 13, 0, tzinfo=WIB)))
    on_time = punctuality.apply(opened("L2", datetime(2026, 11, 2, 8, 4, tzinfo=WIB)))

    assert late is not None and (late.counter_id, late.local_date, late.minutes_late) == ("L1", date(2026, 11, 2), 12.0)
    assert late.scheduled_at == datetime(2026, 11, 2, 8, 0, tzinfo=WIB)
    assert reopened is None and on_time is None


def test_days_without_hours_and_holidays_are_not_judged() -> None:
    punctuality = CounterPunctuality(OFFICE_HOURS, calendar=WorkingDayCalendar(extra_holidays=[date(2026, 11, 3)]))

    wednesday = punctuality.apply(opened("L1", datetime(2026, 11, 4, 11, 0, tzinfo=WIB)))  # no hours on Wednesday
    holiday = punctuality.apply(opened("L1", datetime(2026, 11, 3, 11, 0, tzinfo=WIB)))

    assert wednesday is None and holiday is None


def test_a_detector_restored_mid_stream_finds_the_same_jumps() -> None:
    events = [issued("A", 0), issued("B", 1), issued("C", 2), called("C", 10, counter="L3"), called("B", 10.01)]
    detector = QueueJumpDetector(OFFICE)
    found = [jump for item in events[:4] for jump in detector.apply(item)]

    restored = QueueJumpDetector.from_dict(json.loads(json.dumps(detector.to_dict())))
    found += [jump for item in events[4:] for jump in restored.apply(item)] + restored.flush()

    assert found == jumps_of(events)
    # C skipped A and B, but B was called within the tolerance; B itself then skipped A.
    assert [(jump.ticket_id, jump.skipped) for jump in found] == [("C", 1), ("B", 1)]


def test_a_short_departed_memory_restored_at_every_event_finds_the_same_jumps() -> None:
    events = [issued("A", 0), issued("B", 1), issued("C", 2), called("C", 10, counter="L3"), called("B", 10.01)]
    events += [called("A", 20), started("A", 21), issued("D", 30), issued("E", 31), called("E", 45), called("D", 50)]
    detector = QueueJumpDetector(OFFICE, departed_memory_s=300)
    found: list[QueueJump] = []
    for item in events:
        detector = QueueJumpDetector.from_dict(json.loads(json.dumps(detector.to_dict())))
        found += detector.apply(item)

    assert found + detector.flush() == jumps_of(events)
    assert len(detector.to_dict()["departed"]) < len(events)  # the tickets of the first half are forgotten
