"""The contract validator under arbitrary, malformed and hostile input: it never raises, it explains.

Every input becomes either a typed event or a DeadLetter carrying a reason code from the closed set,
a human-readable reason and the raw text; over a batch, received = valid + dead-lettered, also as the
publisher counts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.contract import DeadLetter, EventValidator, ReasonCode
from pantau.contract.dead_letters import truncated
from pantau.contract.models import EVENT_TYPES
from pantau.kafka import topics
from pantau.privacy import redact_text
from producers.publisher import EventPublisher
from tests.reliability.strategies import (
    CATALOG,
    IDENTIFIER_FIELDS,
    REQUIRED,
    dumps,
    holds_non_finite,
    hostile_payloads,
    json_values,
    mutated_events,
    nested,
    valid_events,
    wrong_types_for,
)

VALIDATOR = EventValidator(CATALOG)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_outcome(raw: bytes | str | dict[str, Any]) -> Any:
    """Validate and check what every outcome must satisfy; returns the outcome."""
    result = VALIDATOR.validate(raw)
    if isinstance(result, DeadLetter):
        assert isinstance(result.reason.code, ReasonCode)
        assert str(result.reason), "a dead letter must say why"
        if isinstance(raw, bytes):
            assert result.raw == raw.decode("utf-8", errors="replace"), "the raw input is kept as it came"
        elif isinstance(raw, str):
            assert result.raw == raw
    else:
        assert result.type in EVENT_TYPES
    return result


@PROPERTY
@given(hostile_payloads())
def test_any_bytes_become_an_event_or_an_explained_dead_letter(raw: bytes) -> None:
    check_outcome(raw)


@PROPERTY
@given(json_values())
def test_any_json_document_that_is_not_an_object_is_refused_as_such(value: Any) -> None:
    result = check_outcome(dumps(value))

    if not isinstance(value, dict):
        assert isinstance(result, DeadLetter) and result.reason.code == ReasonCode.NOT_AN_OBJECT


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=50_000))
def test_deep_nesting_is_refused_not_a_crash(depth: int) -> None:
    result = check_outcome(nested(depth))

    assert isinstance(result, DeadLetter)


@PROPERTY
@given(valid_events())
def test_a_valid_event_is_accepted_from_bytes_text_and_mapping_alike(event: dict[str, Any]) -> None:
    results = [check_outcome(dumps(event)), check_outcome(dumps(event).decode("utf-8")), check_outcome(event)]

    for result in results:
        assert not isinstance(result, DeadLetter), result.reason
        assert (result.type, result.event_id) == (event["type"], event["event_id"])
        assert result.office_id == event["office_id"]
    assert results[0] == results[1] == results[2]


@PROPERTY
@given(mutated_events())
def test_a_mutated_event_is_refused_or_still_a_valid_event(event: dict[str, Any]) -> None:
    as_bytes = check_outcome(dumps(event))
    as_mapping = check_outcome(event)

    if holds_non_finite(event):
        # The text has a NaN or Infinity token, which is not JSON; the parsed mapping holds a float.
        assert isinstance(as_bytes, DeadLetter)
    else:
        # The same document judged the same way whether it arrives as text or as a parsed mapping.
        assert isinstance(as_bytes, DeadLetter) == isinstance(as_mapping, DeadLetter)
    if isinstance(as_bytes, DeadLetter) and isinstance(as_mapping, DeadLetter):
        assert as_bytes.reason.code == as_mapping.reason.code


@PROPERTY
@given(valid_events(), st.data())
def test_a_missing_required_field_is_named(event: dict[str, Any], data: st.DataObject) -> None:
    missing = data.draw(st.sampled_from(["event_id", "office_id", "occurred_at", "v", *REQUIRED[event["type"]]]))
    del event[missing]

    result = check_outcome(dumps(event))

    assert isinstance(result, DeadLetter)
    assert (result.reason.code, result.reason.field) == (ReasonCode.MISSING_FIELD, missing)


@PROPERTY
@given(valid_events(), st.data())
def test_a_wrongly_typed_identifier_is_a_wrong_type(event: dict[str, Any], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(IDENTIFIER_FIELDS & set(event))))
    event[name] = data.draw(wrong_types_for("str"))

    result = check_outcome(dumps(event))

    assert isinstance(result, DeadLetter)
    assert (result.reason.code, result.reason.field) == (ReasonCode.WRONG_TYPE, name)


@PROPERTY
@given(valid_events(event_types=st.just("survey.submitted")), st.data())
def test_a_score_outside_1_to_4_is_named(event: dict[str, Any], data: st.DataObject) -> None:
    unsur = data.draw(st.sampled_from(sorted(event["scores"])))
    event["scores"][unsur] = data.draw(st.integers(max_value=0) | st.integers(min_value=5, max_value=2**63 - 1))

    result = check_outcome(dumps(event))

    assert isinstance(result, DeadLetter)
    assert (result.reason.code, result.reason.field) == (ReasonCode.SCORE_OUT_OF_RANGE, f"scores.{unsur}")


@PROPERTY
@given(valid_events(), st.text(min_size=1, max_size=128))
def test_an_office_outside_the_catalog_is_unknown(event: dict[str, Any], office_id: str) -> None:
    event["office_id"] = office_id
    result = check_outcome(dumps(event))

    if CATALOG.has_office(office_id):
        assert not isinstance(result, DeadLetter)  # still a valid event if its services are offered
    else:
        assert isinstance(result, DeadLetter)
        assert (result.reason.code, result.reason.field) == (ReasonCode.UNKNOWN_OFFICE, "office_id")


@PROPERTY
@given(valid_events(), st.one_of(st.integers(), st.just(0), st.just(2)).filter(lambda v: v != 1))
def test_another_schema_version_is_unsupported(event: dict[str, Any], version: int) -> None:
    event["v"] = version
    result = check_outcome(dumps(event))

    assert isinstance(result, DeadLetter)
    assert (result.reason.code, result.reason.field) == (ReasonCode.UNSUPPORTED_VERSION, "v")


@PROPERTY
@given(valid_events(event_types=st.just("survey.submitted")), st.integers(min_value=2**64, max_value=2**1000))
def test_a_mapping_with_an_integer_beyond_64_bits_is_refused(event: dict[str, Any], huge: int) -> None:
    event["scores"]["u1"] = -huge  # a parsed document may hold any integer; orjson cannot write it back

    result = check_outcome(event)

    assert isinstance(result, DeadLetter) and result.reason.code == ReasonCode.SCORE_OUT_OF_RANGE


# Two hostile mappings that once made `validate` raise instead of returning a DeadLetter (issue #8):
# writing the raw text fell back to repr(), which Python refuses for them.
def test_a_mapping_holding_a_huge_integer_is_a_dead_letter() -> None:
    result = check_outcome({**_counter_opened(), "v": 10**5000})

    assert isinstance(result, DeadLetter)
    assert (result.reason.code, result.reason.field) == (ReasonCode.UNSUPPORTED_VERSION, "v")


def test_a_mapping_holding_a_deeply_nested_value_is_handled() -> None:
    deep: dict[str, Any] = {}
    for _ in range(5000):
        deep = {"x": deep}

    accepted = check_outcome({**_counter_opened(), "x_note": deep})
    refused = check_outcome({**_counter_opened(), "v": 2, "x_note": deep})

    assert not isinstance(accepted, DeadLetter)  # an unknown field is ignored, however deep
    assert isinstance(refused, DeadLetter) and refused.reason.code == ReasonCode.UNSUPPORTED_VERSION


def _counter_opened() -> dict[str, Any]:
    return {
        "event_id": "e1",
        "type": "counter.opened",
        "office_id": CATALOG.offices[0].id,
        "occurred_at": "2026-11-02T08:15:03.120+07:00",
        "v": 1,
        "counter_id": "L1",
    }


# -- reconciliation over a batch, as the publisher counts it --------------------------------------------


@dataclass
class _Sent:
    """What kafka-python's `send` returns: a future the publisher attaches its errback to."""

    def add_errback(self, callback: Any) -> None:
        return None


@dataclass
class RecordingProducer:
    """Stands in for KafkaProducer: records every message, acknowledges all."""

    messages: list[tuple[str, bytes, bytes, dict[str, bytes]]] = field(default_factory=list)

    def send(self, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> _Sent:
        self.messages.append((topic, key, value, dict(headers)))
        return _Sent()

    def flush(self, timeout: float | None = None) -> None:
        return None

    def close(self, timeout: float | None = None) -> None:
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_payloads(), max_size=30))
def test_a_batch_reconciles_received_valid_and_dead_lettered(batch: list[bytes]) -> None:
    producer = RecordingProducer()
    publisher = EventPublisher(producer, VALIDATOR, "prop", "file:prop.jsonl")
    for position, raw in enumerate(batch):
        publisher.publish(raw, str(position))
    publisher.close()

    received = datetime.now(UTC)  # what the publisher judged future events by, to the second
    expected_valid = sum(not isinstance(VALIDATOR.validate(raw, received_at=received), DeadLetter) for raw in batch)
    events = [message for message in producer.messages if message[0] == topics.EVENTS.name("prop")]
    dead = [message for message in producer.messages if message[0] == topics.DEAD_LETTERS.name("prop")]
    counts = publisher.counts
    assert counts.received == len(batch) == counts.accepted + counts.dead_lettered
    assert (counts.accepted, counts.dead_lettered) == (expected_valid, len(batch) - expected_valid)
    assert (len(events), len(dead)) == (counts.accepted, counts.dead_lettered)
    assert sum(counts.reasons.values()) == counts.dead_lettered
    for _topic, _key, value, headers in dead:
        letter = orjson.loads(value)
        assert letter["reason_code"] in {code.value for code in ReasonCode} and letter["reason"]
        assert letter["position"] == headers["pantau-position"].decode()
        sent = batch[int(letter["position"])]
        # an oversized line keeps only its start (pantau.contract.dead_letters.truncated), redacted
        too_large = letter["reason_code"] == ReasonCode.TOO_LARGE.value
        kept = truncated(sent) if too_large else sent.decode("utf-8", "replace")
        assert letter["raw"] == redact_text(kept)


@pytest.mark.parametrize("token", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_is_not_json(token: bytes) -> None:
    raw = orjson.dumps(_counter_opened())[:-1] + b',"x_note":' + token + b"}"

    result = check_outcome(raw)

    # RFC 8259 has no such numbers, and strict readers downstream (orjson in the sink) refuse them.
    assert isinstance(result, DeadLetter) and result.reason.code == ReasonCode.INVALID_JSON
    assert "not JSON numbers" in result.reason.detail


def test_nan_inside_a_string_is_just_text() -> None:
    raw = orjson.dumps({**_counter_opened(), "counter_id": "NaN-Infinity"})

    result = check_outcome(raw)

    assert not isinstance(result, DeadLetter) and result.counter_id == "NaN-Infinity"
