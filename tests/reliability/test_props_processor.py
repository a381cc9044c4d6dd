"""The stream processor over any mix of valid and invalid events, with dict stores instead of Faust tables.

It never raises; every invalid input yields exactly one dead letter and nothing else; every valid
one yields none; everything it emits can be serialized as the worker does, under a key of its office;
and the final ticket rows and window counts do not depend on the order the events arrived in.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.contract import DeadLetter, EventValidator
from pantau.kafka import topics
from pantau.privacy import redact_text
from streams.event_ids import content_digest
from streams.processor import EventProcessor, Output, Stores
from streams.typed_state import dumps as durable_dumps
from tests.reliability.strategies import CATALOG, OFFICE_IDS, dumps, hostile_payloads, small_ids, valid_events

NOW = datetime(2026, 11, 5, tzinfo=UTC)
SOURCE = "kafka:prop.events"
VALIDATOR = EventValidator(CATALOG)
# A few offices, ids and days, so events of one ticket, window and period meet.
busy_moments = st.datetimes(min_value=datetime(2026, 11, 2, 0), max_value=datetime(2026, 11, 4, 12)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
colliding_events = valid_events(
    ids=small_ids, moment=busy_moments, office_ids=st.sampled_from(OFFICE_IDS[:2]), extras=False
)
# Within one hour of office time no window passes its grace and no ticket its expiry (streams/options.py:
# window_grace_s, ticket_ttl_s), the range where arrival order must not matter. Beyond it, lateness and
# expiry depend on order by design (streams/windowing.py, streams/housekeeping.py) and are tested there.
hour_moments = st.datetimes(min_value=datetime(2026, 11, 2, 1, 0), max_value=datetime(2026, 11, 2, 1, 59, 59)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
ticket_events = valid_events(
    ids=small_ids,
    moment=hour_moments,
    office_ids=st.just(OFFICE_IDS[0]),
    event_types=st.sampled_from(
        ["ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned"]
    ),
    extras=False,
)
mixed_inputs = st.lists(colliding_events.map(dumps) | hostile_payloads(), min_size=1, max_size=40)


def new_stores() -> Stores:
    return Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})


def run(processor: EventProcessor, payloads: list[bytes], stores: Stores) -> list[list[Output]]:
    return [processor.process(raw, str(position), stores, NOW) for position, raw in enumerate(payloads)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_inputs)
def test_every_invalid_event_yields_exactly_one_dead_letter_and_valid_ones_none(payloads: list[bytes]) -> None:
    processor = EventProcessor(CATALOG, b"prop-key", SOURCE)
    stores = new_stores()

    results = run(processor, payloads, stores)

    offices: set[str] = set()
    first_seen: dict[tuple[str, str], str] = {}  # (office, event_id) -> content digest of its first version
    conflicting = 0
    for position, (raw, outputs) in enumerate(zip(payloads, results, strict=True)):
        dead = [output for output in outputs if output.topic == topics.DEAD_LETTERS]
        event = VALIDATOR.validate(raw, received_at=NOW)
        digest = None if isinstance(event, DeadLetter) else content_digest(event)
        seen = (
            None if isinstance(event, DeadLetter) else first_seen.setdefault((event.office_id, event.event_id), digest)
        )
        if isinstance(event, DeadLetter) or seen != digest:
            assert len(outputs) == len(dead) == 1
            letter = orjson.loads(dead[0].value)  # type: ignore[arg-type]
            assert (letter["source"], letter["position"]) == (SOURCE, str(position))
            assert letter["raw"] == redact_text(raw.decode("utf-8", errors="replace")) and letter["reason_code"]
            if not isinstance(event, DeadLetter):  # the same event_id as an earlier event, other content
                assert letter["reason_code"] == "conflicting_duplicate"
                conflicting += 1
        else:
            assert not dead
            office_id = json.loads(raw)["office_id"]  # json, not orjson: see test_nan_is_not_json
            offices.add(office_id)
            for output in outputs:
                assert output.key.startswith(f"{office_id}|"), "state and rows stay on the office's partition"
        for output in outputs:
            # what streams/app.py sends: bytes as they are, rows through orjson
            assert output.value if isinstance(output.value, bytes) else orjson.dumps(output.value)
    dead_letters = sum(output.topic == topics.DEAD_LETTERS for outputs in results for output in outputs)
    invalid = sum(isinstance(VALIDATOR.validate(raw, received_at=NOW), DeadLetter) for raw in payloads)
    assert dead_letters == invalid + conflicting
    for store in (stores.tickets, stores.windows, stores.complaints, stores.ikm, stores.surveys_seen):
        assert all(key.split("|")[0] in offices for key in store)
        assert orjson.loads(durable_dumps(store)).keys() == set(store)  # every value has a durable JSON form


def final_rows(outputs: list[list[Output]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Newest ticket row per key (without `_version`) and the order-independent counts of each window."""
    tickets: dict[str, Any] = {}
    windows: dict[str, Any] = {}
    for output in (output for batch in outputs for output in batch):
        if output.topic == topics.TICKETS and isinstance(output.value, dict):
            tickets[output.key] = {key: value for key, value in output.value.items() if key != "_version"}
        elif output.topic == topics.WINDOW_METRICS and isinstance(output.value, dict):
            row = output.value
            windows[output.key] = (
                row["served"],
                row["abandoned"],
                row["breaches"],
                row["wait_p50_s"],
                row["wait_p90_s"],
                row["wait_p95_s"],
            )
    empty = (0, 0, 0, None, None, None)
    return tickets, {key: counts for key, counts in windows.items() if counts != empty}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ticket_events, min_size=1, max_size=25, unique_by=lambda event: event["event_id"]),  # CONTRACT §1
    st.randoms(use_true_random=False),
)
def test_final_ticket_rows_and_windows_do_not_depend_on_arrival_order_or_duplicates(
    events: list[dict[str, Any]], random: Any
) -> None:
    payloads = [dumps(event) for event in events]
    shuffled = payloads + random.sample(payloads, k=len(payloads) // 2)  # duplicates, then shuffled
    random.shuffle(shuffled)

    in_order = final_rows(run(EventProcessor(CATALOG, b"k", SOURCE), payloads, new_stores()))
    reordered = final_rows(run(EventProcessor(CATALOG, b"k", SOURCE), shuffled, new_stores()))

    assert reordered == in_order


# Once a poison pill (issue #8): in UTC or in the office's zone these leave Python's datetime range, and
# EventProcessor.process raised OverflowError. The contract now refuses times outside 2000-2100 UTC.
@pytest.mark.parametrize(
    "occurred_at",
    [
        "0001-01-01T00:00:00+07:00",
        "9999-12-31T23:59:59-05:00",
        "1970-01-01T00:00:00Z",  # a clock reset to the Unix epoch
        "1999-12-31T23:59:59.999-00:00",
        "2100-01-01T06:59:59+07:00",  # 2099-12-31T23:59:59Z in UTC: the last accepted second
        "2100-01-01T00:00:00Z",
    ],
)
def test_an_event_at_the_edge_of_the_calendar_is_processed_or_dead_lettered(occurred_at: str) -> None:
    survey = {
        "event_id": "e1",
        "type": "survey.submitted",
        "office_id": CATALOG.offices[0].id,
        "occurred_at": occurred_at,
        "v": 1,
        "survey_id": "S1",
        "service_code": CATALOG.offices[0].services[0],
        "scores": {f"u{index}": 3 for index in range(1, 10)},
    }
    # Received at the end of the calendar too, so only the calendar decides (not occurred_in_future).
    received = datetime(2100, 1, 1, tzinfo=UTC)
    outputs = EventProcessor(CATALOG, b"k", SOURCE).process(dumps(survey), "0", new_stores(), received)

    dead = [orjson.loads(output.value) for output in outputs if output.topic == topics.DEAD_LETTERS]  # type: ignore[arg-type]
    if occurred_at.startswith("2100-01-01T06"):
        assert outputs and not dead  # a survey row and its IKM periods
    else:
        assert len(outputs) == len(dead) == 1
        assert (dead[0]["reason_code"], dead[0]["field"]) == ("invalid_timestamp", "occurred_at")
        assert "outside the accepted range" in dead[0]["reason"]
