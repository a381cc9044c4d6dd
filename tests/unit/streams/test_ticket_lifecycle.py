"""Ticket lifecycle: any order, any repetition, one row; holds ends without issue; revises late changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.logic.ticket_lifecycle import MAX_SEEN_EVENT_IDS, TicketState
from tests.unit.streams.factories import (
    CATALOG,
    OFFICE,
    abandoned,
    at,
    called,
    completed,
    issued,
    started,
    table_columns,
)

SERVED = [
    issued("T1", 0, priority_group="elderly", channel="kiosk"),
    called("T1", 34, counter="L2"),
    started("T1", 35, counter="L2", officer_id="ASN-7"),
    completed("T1", 47),
]


def run(events: list[Any]) -> TicketState:
    state = TicketState(OFFICE, "T1")
    for event in events:
        state.apply(event)
    return state


def test_a_served_ticket_becomes_one_row_with_every_tickets_column() -> None:
    row = run(SERVED).fact(CATALOG)

    assert row is not None
    assert list(row) == table_columns("tickets")
    assert row == {
        "office_id": OFFICE,
        "ticket_id": "T1",
        "service_code": "KTP",
        "priority_group": "elderly",
        "channel": "kiosk",
        "counter_id": "L2",
        "officer_id": "ASN-7",
        "issued_at": datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
        "called_at": datetime(2026, 11, 2, 1, 34, tzinfo=UTC),
        "started_at": datetime(2026, 11, 2, 1, 35, tzinfo=UTC),
        "ended_at": datetime(2026, 11, 2, 1, 47, tzinfo=UTC),
        "wait_s": 2100.0,
        "service_s": 720.0,
        "outcome": "served",
        "abandon_reason": "",
        "target_wait_s": 1800.0,
        "wait_breached": 1,
    }


@settings(max_examples=80, deadline=None)
@given(st.permutations(SERVED + SERVED[1:3]), st.lists(st.sampled_from(SERVED), max_size=4))
def test_order_and_repetition_do_not_change_the_row(order: list[Any], repeats: list[Any]) -> None:
    assert run(order + repeats).fact(CATALOG) == run(SERVED).fact(CATALOG)


def test_a_duplicate_event_changes_nothing() -> None:
    state = run(SERVED)

    assert state.apply(SERVED[2]) is False
    assert state.emit(CATALOG) is not None
    assert state.apply(SERVED[3]) is False
    assert state.emit(CATALOG) is None


def test_an_end_before_the_issue_is_held_until_the_issue_arrives() -> None:
    state = run([started("T1", 5), completed("T1", 12)])

    held = state.emit(CATALOG)
    reason = state.pending_reason()
    state.apply(issued("T1", 0))
    emission = state.emit(CATALOG)

    assert held is None and reason == "ticket ended but its ticket.issued never arrived"
    assert emission is not None and emission.revision == 1 and emission.previous is None
    assert emission.row["wait_s"] == 300.0 and emission.row["service_s"] == 420.0


def test_a_late_event_revises_the_emitted_row_with_a_higher_revision() -> None:
    state = run([issued("T1", 0), started("T1", 10), completed("T1", 20)])
    first = state.emit(CATALOG)

    state.apply(called("T1", 9, counter="L4"))
    revised = state.emit(CATALOG)

    assert first is not None and revised is not None
    assert (first.revision, revised.revision) == (1, 2)
    assert revised.previous == first.row
    assert revised.row["called_at"] == datetime(2026, 11, 2, 1, 9, tzinfo=UTC)
    assert state.emit(CATALOG) is None


def test_an_abandoned_ticket_has_no_wait_and_keeps_its_reason() -> None:
    row = run([issued("T1", 0), called("T1", 50), abandoned("T1", 52, reason="no_show")]).fact(CATALOG)

    assert row is not None
    assert (row["outcome"], row["abandon_reason"], row["wait_s"], row["wait_breached"]) == (
        "abandoned",
        "no_show",
        None,
        0,
    )
    assert row["counter_id"] == "L1" and row["ended_at"] == at(52).astimezone(UTC)


def test_a_completion_wins_over_an_abandonment() -> None:
    events = [issued("T1", 0), abandoned("T1", 20, reason="no_show"), started("T1", 25), completed("T1", 30)]

    row = run(events).fact(CATALOG)

    assert row is not None and (row["outcome"], row["wait_s"]) == ("served", 1500.0)


def test_the_latest_completion_wins_and_the_first_start_ends_the_wait() -> None:
    events = [
        issued("T1", 0),
        started("T1", 5),
        completed("T1", 10, outcome="rejected_incomplete"),
        completed("T1", 11, outcome="referred", suffix="2"),
    ]

    row = run(events).fact(CATALOG)

    assert row is not None and (row["outcome"], row["wait_s"], row["service_s"]) == ("referred", 300.0, 360.0)


def test_a_rejection_at_reception_without_start_has_no_wait() -> None:
    row = run([issued("T1", 0), completed("T1", 3, outcome="rejected_incomplete")]).fact(CATALOG)

    assert row is not None and (row["wait_s"], row["service_s"], row["wait_breached"]) == (None, None, 0)


def test_a_start_before_the_issue_from_skewed_clocks_is_clamped_to_zero_wait() -> None:
    row = run([issued("T1", 5), started("T1", 4), completed("T1", 9)]).fact(CATALOG)

    assert row is not None and (row["wait_s"], row["service_s"]) == (0.0, 300.0)


def test_a_ticket_that_has_not_ended_has_no_row() -> None:
    state = run([issued("T1", 0), called("T1", 3)])

    assert state.fact(CATALOG) is None and state.waiting
    assert state.pending_reason() == "ticket has not ended (no service.completed or ticket.abandoned)"


def test_state_round_trips_through_json_and_remembers_what_was_emitted() -> None:
    state = run(SERVED)
    emitted = state.emit(CATALOG)

    restored = TicketState.from_dict(json.loads(json.dumps(state.to_dict())))

    assert emitted is not None
    assert restored.fact(CATALOG) == emitted.row
    assert restored.emit(CATALOG) is None and restored.revision == 1
    assert restored.apply(SERVED[0]) is False


def test_seen_event_ids_stay_bounded() -> None:
    state = run([issued("T1", 0)])
    for index in range(50):  # each call earlier than the last: the earliest call wins, so each is news
        assert state.apply(called("T1", 60 - index, suffix=str(index))) is True

    assert len(state.seen_event_ids) == MAX_SEEN_EVENT_IDS
    assert state.fact(CATALOG) is None and state.events["called"].event_id == "T1-c49"


def test_a_losing_event_changes_nothing() -> None:
    """A state held in the store itself (streams/typed_state.py) is saved only when `apply` says it changed."""
    state = run([issued("T1", 0), called("T1", 5)])
    before = state.to_dict()

    assert state.apply(called("T1", 9, suffix="later")) is False  # a later call loses to the first
    assert state.apply(called("T1", 5)) is False  # the same event again

    assert state.to_dict() == before


def test_staleness_is_measured_from_the_last_event() -> None:
    state = run([issued("T1", 0), called("T1", 10)])

    assert not state.is_stale(at(10 + 59), ttl_s=3600)
    assert state.is_stale(at(10 + 61), ttl_s=3600)


def test_an_event_of_another_ticket_is_refused() -> None:
    with pytest.raises(ValueError, match="not MPP-JKT-01/T1"):
        TicketState(OFFICE, "T1").apply(issued("T2", 0))
