"""sla_breaches from the processor: live on the office clock or the wall clock, completed from ticket rows.

KTP's target is 30 minutes, KK's 20; BASE is Monday 2026-11-02 08:00 WIB (01:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pantau.kafka import topics
from tests.unit.streams.factories import OFFICE, abandoned, at, completed, issued, started
from tests.unit.streams.processing import Run, durable_stores, latest, rows

LIVE = timedelta(0)
"""Events received the moment they occur: an office sending live."""


def live_row(ticket: str, service: str, issued_minute: float, target_s: float) -> dict[str, object]:
    return {
        "breach_id": f"live:{OFFICE}:{ticket}",
        "office_id": OFFICE,
        "service_code": service,
        "ticket_id": ticket,
        "kind": "live_wait",
        "detected_at": at(issued_minute + target_s / 60).astimezone(UTC),
        "threshold_s": target_s,
        "observed_s": target_s,
        "_version": 1,
    }


def test_office_events_raise_a_live_breach_once_when_the_clock_passes_the_target() -> None:
    run = Run()
    run.feed(issued("T1", 0), issued("T2", 10))

    at_30 = run.feed(issued("T3", 30))  # T1 waited exactly 30 min: not past target
    at_31 = run.feed(issued("T4", 31))
    at_35 = run.feed(issued("T5", 35))
    at_41 = run.feed(issued("T6", 41))

    assert rows(at_30, topics.SLA_BREACHES) == [] and rows(at_35, topics.SLA_BREACHES) == []
    assert rows(at_31, topics.SLA_BREACHES) == [live_row("T1", "KTP", 0, 1800.0)]
    assert rows(at_41, topics.SLA_BREACHES) == [live_row("T2", "KTP", 10, 1800.0)]
    assert [o.key for o in at_31 if o.topic == topics.SLA_BREACHES] == [f"{OFFICE}|T1|live"]


def test_a_served_late_ticket_gets_a_completed_breach_versioned_with_its_row() -> None:
    run = Run()
    run.feed(issued("T1", 0), started("T1", 45), completed("T1", 50))

    breaches = latest(run.outputs, topics.SLA_BREACHES)

    assert breaches[f"{OFFICE}|T1|completed"] == {
        "breach_id": f"done:{OFFICE}:T1",
        "office_id": OFFICE,
        "service_code": "KTP",
        "ticket_id": "T1",
        "kind": "completed_wait",
        "detected_at": at(45).astimezone(UTC),
        "threshold_s": 1800.0,
        "observed_s": 2700.0,
        "_version": 1,
    }
    # noticed by the clock at started (minute 45) and again by the ended row: the same row both times
    assert rows(run.outputs, topics.SLA_BREACHES, "live_wait") == [live_row("T1", "KTP", 0, 1800.0)] * 2


def test_a_ticket_served_within_target_has_no_breach() -> None:
    run = Run()
    run.feed(issued("T1", 0), started("T1", 30), completed("T1", 40))

    assert rows(run.outputs, topics.SLA_BREACHES) == []


def test_out_of_order_events_give_the_same_breach_rows() -> None:
    in_order, shuffled = Run(), Run()
    in_order.feed(issued("T1", 0, service="KK"), started("T1", 25), completed("T1", 30))
    shuffled.feed(completed("T1", 30), started("T1", 25), issued("T1", 0, service="KK"))

    expected = latest(in_order.outputs, topics.SLA_BREACHES)
    assert latest(shuffled.outputs, topics.SLA_BREACHES) == expected
    assert expected[f"{OFFICE}|T1|live"] == live_row("T1", "KK", 0, 1200.0)
    assert expected[f"{OFFICE}|T1|completed"]["observed_s"] == 1500.0


def test_a_ticket_abandoned_after_its_target_was_a_live_breach() -> None:
    run = Run()
    run.feed(issued("T1", 0), abandoned("T1", 35))

    assert latest(run.outputs, topics.SLA_BREACHES) == {f"{OFFICE}|T1|live": live_row("T1", "KTP", 0, 1800.0)}


def test_replayed_events_resend_identical_breach_rows_or_none() -> None:
    run = Run()
    events = [issued("T1", 0), issued("T2", 1), started("T1", 40), issued("T3", 41), completed("T1", 42)]
    first = run.feed(*events)

    again = run.feed(*events)

    sent = {(o.key, repr(o.value)) for o in first if o.topic == topics.SLA_BREACHES}
    resent = {(o.key, repr(o.value)) for o in again if o.topic == topics.SLA_BREACHES}
    assert resent and resent <= sent


def test_tick_finds_breaches_by_the_wall_clock_without_writing_the_stores() -> None:
    run = Run(received_after=LIVE)  # a quiet office: nothing after minute 5
    run.feed(issued("T1", 0), issued("T2", 5, service="KK"))
    before = durable_stores(run.stores)

    at_26 = run.processor.tick(at(26), run.stores)
    at_31 = run.processor.tick(at(31), run.stores)
    at_40 = run.processor.tick(at(40), run.stores)

    assert rows(at_26, topics.SLA_BREACHES) == [live_row("T2", "KK", 5, 1200.0)]
    assert rows(at_31, topics.SLA_BREACHES) == [live_row("T1", "KTP", 0, 1800.0)]
    assert at_40 == []
    assert durable_stores(run.stores) == before


def test_tick_skips_tickets_served_or_reported_by_the_event_path() -> None:
    run = Run(received_after=LIVE)
    run.feed(issued("T1", 0), issued("T2", 1), issued("T3", 2), started("T2", 10))
    run.feed(issued("T4", 31))  # the office clock reports T1

    assert rows(run.processor.tick(at(33), run.stores), topics.SLA_BREACHES) == [live_row("T3", "KTP", 2, 1800.0)]


def test_a_restarted_ticker_sends_the_same_rows_again() -> None:
    first, restarted = Run(received_after=LIVE), Run(received_after=LIVE)
    first.feed(issued("T1", 0))
    sent = first.processor.tick(at(31), first.stores)
    assert sent

    again = restarted.processor.tick(datetime(2026, 11, 2, 1, 45, tzinfo=UTC), first.stores)

    assert [(o.key, o.value) for o in again] == [(o.key, o.value) for o in sent]


def test_tick_leaves_a_replayed_office_to_its_own_clock() -> None:
    """A replay runs weeks behind the wall clock: its waiting tickets are not breaches by today's date."""
    replayed, live = Run(received_after=timedelta(days=21)), Run(received_after=LIVE)
    for run in (replayed, live):
        run.feed(issued("T1", 0), issued("T2", 20))

    assert replayed.processor.tick(at(0) + timedelta(days=21), replayed.stores) == []
    assert replayed.processor.tick(at(31), replayed.stores) == []
    assert rows(live.processor.tick(at(31), live.stores), topics.SLA_BREACHES) == [live_row("T1", "KTP", 0, 1800.0)]


def test_a_backfill_into_a_live_office_leaves_it_live() -> None:
    run = Run(received_after=LIVE)
    run.feed(issued("T1", 0))
    run.processor.apply(issued("OLD", -600), run.stores, at(1))  # yesterday's ticket, received now

    assert rows(run.processor.tick(at(31), run.stores), topics.SLA_BREACHES) == [live_row("T1", "KTP", 0, 1800.0)]


def test_tick_ignores_tickets_left_in_the_queue_on_an_earlier_day() -> None:
    """A ticket whose end event was lost yesterday is stale data, not a citizen waiting 20 hours."""
    run = Run(received_after=LIVE)
    run.feed(issued("YESTERDAY", -20 * 60), issued("T1", 0))

    found = rows(run.processor.tick(at(31), run.stores), topics.SLA_BREACHES)

    assert [row["ticket_id"] for row in found] == ["T1"]
