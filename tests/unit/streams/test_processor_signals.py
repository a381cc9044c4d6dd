"""signals from the processor: queue jumps, late counter openings (office time zone), compliance burn rates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pantau.catalog import Catalog
from pantau.kafka import topics
from streams.logic.sla import BurnRatePolicy
from streams.processor import StreamOptions
from tests.unit.streams.factories import CATALOG, OFFICE, at, called, completed, event, issued, started
from tests.unit.streams.processing import Run, latest, rows

WIT_OFFICE = "SAMSAT-JYP-01"
WIT_CATALOG = Catalog.model_validate(
    {
        **CATALOG.model_dump(),
        "offices": [
            *CATALOG.model_dump()["offices"],
            {
                "id": WIT_OFFICE,
                "name": "Samsat Jayapura",
                "region": "Papua",
                "district": "Kota Jayapura",
                "timezone": "Asia/Jayapura",
                "services": ["KTP"],
                "hours": {"mon": "08:00-15:00", "tue": "08:00-15:00"},
            },
        ],
    }
)


def opened(counter: str, when: datetime, office_id: str = OFFICE) -> Any:
    return event(
        "counter.opened", f"{office_id}-{counter}-{when:%j%H%M}", when, office_id=office_id, counter_id=counter
    )


def test_a_queue_jump_is_signalled_per_office_and_counter() -> None:
    run = Run()
    run.feed(issued("A", 0), issued("B", 1), issued("C", 2), called("C", 10, counter="L3"))

    decided = run.feed(called("A", 20))  # the next event past the 5 s tolerance decides the jump

    assert rows(decided, topics.SIGNALS) == [
        {
            "signal_id": f"queue_jump:{OFFICE}:C",
            "kind": "queue_jump",
            "office_id": OFFICE,
            "service_code": "KTP",
            "counter_id": "L3",
            "subject_id": "C",
            "detected_at": at(10).astimezone(UTC),
            "value": 120.0,  # C was issued 2 minutes after A, the first ticket it skipped
            "threshold": 0.0,
            "severity": "warn",
            "detail": "skipped 2",
            "_version": 1,
        }
    ]
    assert [o.key for o in decided if o.topic == topics.SIGNALS] == [f"{OFFICE}|queue_jump|C"]


def test_calls_in_issue_order_priority_groups_and_other_services_are_no_jumps() -> None:
    run = Run()
    run.feed(
        issued("A", 0),
        issued("E", 1, priority_group="elderly"),
        issued("K", 2, service="KK"),
        issued("B", 3),
        called("E", 5),
        called("K", 6),
        called("A", 7),
        called("B", 8),
        issued("Z", 30),
    )

    assert rows(run.outputs, topics.SIGNALS, "queue_jump") == []


def test_an_issue_arriving_after_the_call_does_not_make_a_ghost_in_the_queue() -> None:
    run = Run()
    run.feed(called("A", 5), issued("A", 0), issued("B", 6), called("B", 10), issued("Z", 30))

    assert rows(run.outputs, topics.SIGNALS, "queue_jump") == []


def test_a_late_opening_is_judged_in_the_office_time_zone_on_its_local_day() -> None:
    run = Run(catalog=WIT_CATALOG)
    # 23:15 UTC on Sunday is 08:15 WIT on Monday 2 November: 15 minutes past the 08:00 opening
    late = run.feed(opened("L1", datetime(2026, 11, 1, 23, 15, tzinfo=UTC), WIT_OFFICE))
    on_time = run.feed(opened("L2", datetime(2026, 11, 1, 23, 4, tzinfo=UTC), WIT_OFFICE))  # within 5 min grace
    reopened = run.feed(opened("L1", datetime(2026, 11, 2, 5, 0, tzinfo=UTC), WIT_OFFICE))  # after lunch

    assert rows(late, topics.SIGNALS) == [
        {
            "signal_id": f"late_opening:{WIT_OFFICE}:L1:2026-11-02",
            "kind": "late_opening",
            "office_id": WIT_OFFICE,
            "service_code": "",
            "counter_id": "L1",
            "subject_id": "",
            "detected_at": datetime(2026, 11, 1, 23, 15, tzinfo=UTC),
            "value": 15.0,
            "threshold": 5.0,
            "severity": "warn",
            "detail": "scheduled 08:00",
            "_version": 1,
        }
    ]
    assert on_time == [] and reopened == []


def test_an_opening_on_a_day_without_hours_is_not_judged() -> None:
    run = Run()
    wednesday_noon_wib = datetime(2026, 11, 4, 5, 0, tzinfo=UTC)  # the office has no Wednesday hours

    assert run.feed(opened("L1", wednesday_noon_wib)) == []


def serve(run: Run, ticket: str, issued_minute: float, started_minute: float) -> list[Any]:
    """A KTP ticket issued, started and completed a moment later."""
    run.feed(issued(ticket, issued_minute))
    return run.feed(started(ticket, started_minute), completed(ticket, started_minute + 0.1))


def test_compliance_burn_warns_then_pages_once_per_hour_above_the_volume_guard() -> None:
    # KTP: target_within 0.90, so the error budget is 0.10; warn at 3x, page at 6.2x (to stay clear of 6.0)
    options = replace(StreamOptions(), burn=BurnRatePolicy(page_burn=6.2, warn_burn=3.0, min_long_volume=10))
    run = Run(options)
    quiet: list[Any] = []
    for index in range(6):  # six within target (20 to 26 minutes) ...
        quiet += serve(run, f"G{index}", 20 + index, 40 + index * 0.5)
    for index in range(3):  # ... and three late: 9 tickets, below the volume guard of 10
        quiet += serve(run, f"B{index}", 0, 43 + index * 0.5)
    tenth = serve(run, "B3", 0, 44.5)  # 4 of 10 late: burn 4.0 in the hour and in the 5-minute bucket
    more = [serve(run, f"B{index}", 0, 45 + index * 0.5) for index in range(4, 10)]

    assert rows(quiet, topics.SIGNALS, "compliance_burn") == []
    [warn] = rows(tenth, topics.SIGNALS, "compliance_burn")
    assert warn["signal_id"] == f"compliance_burn:{OFFICE}:KTP:{int(datetime(2026, 11, 2, 1, tzinfo=UTC).timestamp())}"
    assert (warn["severity"], warn["threshold"], warn["_version"]) == ("warn", 3.0, 1)
    assert round(warn["value"], 6) == 4.0 and warn["detail"] == "1h 4/10 over target, 5m 4/10"
    # B4..B8 keep the hour at warn (5.0 .. 6.0); B9 makes it 10 of 16: 6.25, a page
    assert [rows(batch, topics.SIGNALS, "compliance_burn") for batch in more[:5]] == [[]] * 5
    [page] = rows(more[5], topics.SIGNALS, "compliance_burn")
    assert (page["signal_id"], page["severity"], page["threshold"], page["_version"]) == (
        warn["signal_id"],
        "page",
        6.2,
        2,
    )
    assert round(page["value"], 6) == 6.25


def test_a_small_office_does_not_signal_on_a_few_slow_tickets() -> None:
    run = Run()
    for index in range(3):
        serve(run, f"B{index}", 0, 40 + index)

    assert rows(run.outputs, topics.SIGNALS) == []


def test_replaying_every_event_sends_no_new_signal_rows() -> None:
    run = Run()
    events = [issued("A", 0), issued("B", 1), issued("C", 2), called("C", 10, counter="L3"), called("A", 20)]
    run.feed(*events, opened("L1", at(12)))
    before = latest(run.outputs, topics.SIGNALS)

    again = run.feed(*events, opened("L1", at(12)))

    assert rows(again, topics.SIGNALS) == [] and set(before) == {
        f"{OFFICE}|queue_jump|C",
        f"{OFFICE}|late_opening|L1|2026-11-02",
    }
