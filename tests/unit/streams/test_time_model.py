"""The worker's time model: future events, repeated event_ids, small-window percentiles, complaint deadlines.

BASE is Monday 2026-11-02 08:00 WIB; KTP's waiting target is 30 minutes. Complaint deadlines are
3 working days for a first response (the end of Thursday 2026-11-05, WIB).
"""

from __future__ import annotations

from dataclasses import replace

import orjson

from pantau.kafka import topics
from streams.processor import EventProcessor, StreamOptions
from tests.unit.streams.factories import CATALOG, OFFICE, at, completed, event, issued, started
from tests.unit.streams.processing import Run, durable, latest, new_stores, rows

DAY = 1440


def raw(**fields: object) -> bytes:
    body = {"event_id": "e1", "type": "ticket.issued", "office_id": OFFICE, "v": 1, "ticket_id": "T1"}
    body.update(service_code="KTP", occurred_at=at(0).isoformat())
    body.update(fields)
    return orjson.dumps(body)


def test_an_event_beyond_the_tolerance_after_its_receipt_is_a_dead_letter_and_moves_no_clock() -> None:
    processor = EventProcessor(CATALOG, b"k", "test")
    stores = new_stores()

    [letter] = processor.process(raw(occurred_at=at(0).replace(year=2031).isoformat()), "0/1", stores, at(0))
    within = processor.process(raw(event_id="e2", ticket_id="T2", occurred_at=at(9).isoformat()), "0/2", stores, at(0))

    assert letter.topic == topics.DEAD_LETTERS
    assert isinstance(letter.value, bytes)
    body = orjson.loads(letter.value)
    assert body["reason_code"] == "occurred_in_future" and body["field"] == "occurred_at"
    assert "tolerance 10 min" in body["reason"]
    assert [o for o in within if o.topic == topics.DEAD_LETTERS] == []  # 9 minutes ahead: within tolerance
    assert durable(stores.clocks, OFFICE)["latest"].startswith("2026-11-02T01:09")  # the 2031 event moved nothing


def test_the_tolerance_is_configurable() -> None:
    processor = EventProcessor(CATALOG, b"k", "test", replace(StreamOptions(), future_tolerance_s=60.0))
    [letter] = processor.process(raw(occurred_at=at(2).isoformat()), "0/1", new_stores(), at(0))
    assert letter.topic == topics.DEAD_LETTERS


def test_a_repeated_event_id_with_other_content_is_refused_and_the_first_stands() -> None:
    processor = EventProcessor(CATALOG, b"k", "test")
    stores = new_stores()
    processor.process(raw(), "0/1", stores, at(60))

    outputs = [processor.process(raw(ticket_id=f"T{n}"), f"0/{n}", stores, at(60)) for n in (2, 3)]
    same = processor.process(orjson.dumps(orjson.loads(raw())), "0/4", stores, at(60))  # an identical repeat

    reasons = [orjson.loads(out.value)["reason_code"] for batch in outputs for out in batch]  # type: ignore[arg-type]
    assert reasons == ["conflicting_duplicate", "conflicting_duplicate"]
    assert "first received at 0/1" in orjson.loads(outputs[0][0].value)["reason"]  # type: ignore[arg-type]
    assert [o for o in same if o.topic == topics.DEAD_LETTERS] == []
    assert set(stores.tickets) == {f"{OFFICE}|T1"}


def test_the_p90_of_a_small_window_is_its_nearest_rank_value() -> None:
    run = Run()
    run.feed(issued("A", 0), started("A", 10, counter="L1"), completed("A", 12))  # waits of 600, 660 and 690 s
    run.feed(issued("B", 0), started("B", 11, counter="L2"), completed("B", 13))
    run.feed(issued("C", 0.0), started("C", 11.5, counter="L3"), completed("C", 14))

    five_minute = [row for row in latest(run.outputs, topics.WINDOW_METRICS).values() if row["window_s"] == 300]
    [window] = five_minute
    assert window["served"] == 3
    assert (window["wait_p50_s"], window["wait_p90_s"]) == (660.0, 690.0)  # exact: ranks 2 and 3 of 600, 660, 690


def test_an_unanswered_complaint_turns_overdue_without_another_event_of_it() -> None:
    run = Run()
    filed = event("complaint.filed", "c1", at(0), complaint_id="ADU-1", category="waktu")
    [first] = rows(run.feed(filed), topics.COMPLAINTS)
    assert first["response_overdue"] == 0

    later = run.feed(issued("T1", 3 * DAY + 60))  # Thursday: still within 3 working days
    assert rows(later, topics.COMPLAINTS) == []
    friday = run.feed(issued("T2", 4 * DAY + 60))

    [again] = rows(friday, topics.COMPLAINTS)
    assert (again["response_overdue"], again["_version"]) == (1, first["_version"] + 1)


def test_a_resolved_complaint_leaves_the_state_after_the_keep_time() -> None:
    run = Run(replace(StreamOptions(), complaint_keep_s=2 * 86400.0))
    run.feed(event("complaint.filed", "c1", at(0), complaint_id="ADU-1", category="waktu"))
    run.feed(event("complaint.resolved", "c2", at(60), complaint_id="ADU-1"))

    run.feed(issued("T1", 2 * DAY))
    assert f"{OFFICE}|ADU-1" in run.stores.complaints
    run.feed(issued("T2", 2 * DAY + 180))
    assert f"{OFFICE}|ADU-1" not in run.stores.complaints


def test_a_late_complaint_is_as_overdue_as_the_office_clock_says() -> None:
    """A complaint filed on Monday that arrives on Friday is overdue at once, not on time by its own date."""
    run = Run()
    run.feed(issued("T1", 4 * DAY + 60))

    [row] = rows(
        run.feed(event("complaint.filed", "c1", at(0), complaint_id="ADU-1", category="waktu")), topics.COMPLAINTS
    )

    assert row["response_overdue"] == 1
    assert row["filed_at"] == at(0)
