"""Tickets leave the queue after the TTL of their office's clock and the state after the late horizon.

TTL is the default 24 h. T1 issued at minute 0 (01:00 UTC) is due at 01:00 UTC next day; sweeps run
by the hour, so it leaves the queue with the first event at or after 02:00 UTC next day (minute 1500).
Both steps count from the office clock at the ticket's last arrival, not from its events' own times.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from pantau.kafka import topics
from streams.processor import StreamOptions
from tests.unit.streams.factories import OFFICE, at, called, completed, issued, started
from tests.unit.streams.processing import Run, durable, durable_stores, rows

DAY = 1440
HORIZON = 7 * DAY


def test_a_ticket_that_never_ends_leaves_the_queue_is_reported_and_is_kept_until_the_horizon() -> None:
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
    assert "T1" not in durable(run.stores.waiting, OFFICE)["tickets"]
    assert durable(run.stores.tickets, f"{OFFICE}|T1")["expired"] is True

    run.feed(issued("T10", HORIZON + 59))
    assert f"{OFFICE}|T1" in run.stores.tickets  # 7 days after its arrival, within the sweep hour
    run.feed(issued("T11", HORIZON + 60))
    assert f"{OFFICE}|T1" not in run.stores.tickets


def test_an_end_event_after_the_ticket_left_the_queue_still_produces_its_fact() -> None:
    run = Run(replace(StreamOptions(), ticket_ttl_s=3600))
    [expired] = rows(run.feed(issued("T1", 0), issued("T9", 300)), topics.SIGNALS)

    late = run.feed(started("T1", 10), completed("T1", 20))  # 280 minutes behind the office clock

    [row] = [r for r in rows(late, topics.TICKETS) if r["ticket_id"] == "T1"]
    assert (row["outcome"], row["wait_s"], row["service_s"]) == ("served", 600.0, 600.0)
    assert rows(late, topics.SIGNALS, "ticket_expired") == []
    assert expired["signal_id"] == f"ticket_expired:{OFFICE}:T1:{int(at(0).timestamp())}"
    assert "T1" not in durable(run.stores.waiting, OFFICE)["tickets"]  # an expired ticket never rejoins the queue


def test_a_backfilled_ticket_is_not_expired_on_arrival() -> None:
    """Yesterday's ticket arriving after today's events lives from its arrival, and gets its row."""
    run = Run()
    run.feed(issued("TODAY", 2 * DAY), started("TODAY", 2 * DAY + 5))

    outputs = run.feed(issued("OLD", 0), started("OLD", 7), completed("OLD", 12))

    [row] = [r for r in rows(outputs, topics.TICKETS) if r["ticket_id"] == "OLD"]
    assert row["wait_s"] == 7 * 60.0
    assert rows(outputs, topics.SIGNALS, "ticket_expired") == []


def test_an_ended_ticket_and_its_windows_leave_after_the_horizon() -> None:
    run = Run()
    run.feed(issued("T1", 0), started("T1", 5), completed("T1", 10), issued("T2", 0), called("T2", 1000))

    swept = run.feed(issued("T9", 1500))
    assert rows(swept, topics.SIGNALS) == []
    assert f"{OFFICE}|T1" in run.stores.tickets and run.stores.windows  # late facts still land for a week

    run.feed(issued("T99", HORIZON + 1500))
    assert f"{OFFICE}|T1" not in run.stores.tickets
    assert not any(key.split("|")[3] == str(int(at(0).timestamp())) for key in run.stores.windows)


def test_the_state_stays_bounded_and_json_over_many_days() -> None:
    horizon_days = 2
    run = Run(replace(StreamOptions(), late_horizon_s=horizon_days * 86400.0))
    for day in range(6):
        for index in range(20):
            ticket, minute = f"D{day}-{index}", day * DAY + index * 10
            run.feed(issued(ticket, minute), started(ticket, minute + 5), completed(ticket, minute + 8))
        run.feed(issued(f"D{day}-lost", day * DAY))  # never ends

    assert len(run.stores.tickets) <= (horizon_days + 1) * 21
    assert len(run.stores.event_ids) <= (horizon_days + 1) * 61
    assert all(key.startswith(f"{OFFICE}|") or key == OFFICE for store in vars(run.stores).values() for key in store)
    durable_stores(run.stores)  # every value has a JSON form for the changelog
    # days 0..3: day 4's lost ticket arrived after that day's other tickets, so it is due a day after them
    assert len(rows(run.outputs, topics.SIGNALS, "ticket_expired")) == 4
