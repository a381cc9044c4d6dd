"""Stale tickets leave the state after the TTL on their office's clock; windows leave after their grace.

TTL is the default 24 h. T1 issued at minute 0 (01:00 UTC) is due at 01:00 UTC next day; sweeps run
by the hour, so it goes with the first event at or after 02:00 UTC next day (minute 1500).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import orjson

from pantau.kafka import topics
from streams.processor import StreamOptions
from tests.unit.streams.factories import OFFICE, at, called, completed, issued, started
from tests.unit.streams.processing import Run, rows


def test_a_ticket_that_never_ends_is_expired_and_reported() -> None:
    run = Run()
    run.feed(issued("T1", 0))

    before = run.feed(issued("T8", 1499))
    swept = run.feed(issued("T9", 1500))

    assert rows(before, topics.SIGNALS) == []
    [signal] = rows(swept, topics.SIGNALS)
    assert signal == {
        "signal_id": f"ticket_expired:{OFFICE}:T1:{int(at(0).timestamp())}",
        "kind": "ticket_expired",
        "office_id": OFFICE,
        "service_code": "KTP",
        "counter_id": "",
        "subject_id": "T1",
        "detected_at": at(1500).astimezone(UTC),
        "value": 1500 * 60.0,
        "threshold": 86400.0,
        "severity": "warn",
        "detail": "ticket has not ended (no service.completed or ticket.abandoned); events: issued",
        "_version": 1,
    }
    assert f"{OFFICE}|T1" not in run.stores.tickets
    assert "T1" not in run.stores.waiting[OFFICE]["tickets"]


def test_an_ended_ticket_leaves_quietly_with_its_windows() -> None:
    run = Run()
    run.feed(issued("T1", 0), started("T1", 5), completed("T1", 10), issued("T2", 0), called("T2", 1000))

    swept = run.feed(issued("T9", 1500))

    assert rows(swept, topics.SIGNALS) == []
    assert set(run.stores.tickets) == {f"{OFFICE}|T2", f"{OFFICE}|T9"}  # T2 had news at minute 1000
    assert run.stores.windows == {} and run.stores.late == {}


def test_a_ticket_without_its_issue_is_reported_with_what_is_known() -> None:
    run = Run(replace(StreamOptions(), ticket_ttl_s=3600))
    run.feed(started("T1", 0, counter="L4"))

    [signal] = rows(run.feed(issued("T9", 120)), topics.SIGNALS)

    assert (signal["counter_id"], signal["service_code"], signal["value"], signal["threshold"]) == (
        "L4",
        "",
        7200.0,
        3600.0,
    )
    assert signal["detail"] == "ticket has not ended (no service.completed or ticket.abandoned); events: started"


def test_an_event_after_its_ticket_expired_never_writes_a_wrong_row_and_goes_at_once() -> None:
    run = Run(replace(StreamOptions(), ticket_ttl_s=3600))
    [first] = rows(run.feed(issued("T1", 0), issued("T9", 300)), topics.SIGNALS)

    late = run.feed(completed("T1", 20))  # 280 minutes behind the office clock

    [again] = rows(late, topics.SIGNALS)
    assert rows(late, topics.TICKETS) == []  # its ticket.issued is gone with the expired state
    assert (first["signal_id"], again["signal_id"]) == (
        f"ticket_expired:{OFFICE}:T1:{int(at(0).timestamp())}",
        f"ticket_expired:{OFFICE}:T1:{int(at(20).timestamp())}",
    )
    assert again["detail"] == "ticket ended but its ticket.issued never arrived; events: completed"
    assert f"{OFFICE}|T1" not in run.stores.tickets


def test_the_state_stays_small_and_json_over_many_days() -> None:
    run = Run()
    for day in range(5):
        for index in range(20):
            ticket, minute = f"D{day}-{index}", day * 1440 + index * 10
            run.feed(issued(ticket, minute), started(ticket, minute + 5), completed(ticket, minute + 8))
        run.feed(issued(f"D{day}-lost", day * 1440))  # never ends

    assert len(run.stores.tickets) <= 2 * 21
    assert all(key.startswith(f"{OFFICE}|") or key == OFFICE for store in vars(run.stores).values() for key in store)
    for store in vars(run.stores).values():
        orjson.dumps(dict(store))
    assert len(rows(run.outputs, topics.SIGNALS, "ticket_expired")) == 4  # days 0..3; day 4's is not due yet
