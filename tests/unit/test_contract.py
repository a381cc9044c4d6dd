"""Contract v1 validation: every event type, every required field, every dead-letter reason."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from pantau.catalog import load_catalog
from pantau.contract import DeadLetter, EventValidator, ReasonCode
from pantau.contract.models import EVENT_TYPES

COMMON = {"event_id": "ev-1", "office_id": "MPP-JKT-01", "occurred_at": "2026-11-02T08:15:03.120+07:00", "v": 1}
SCORES = {f"u{i}": 3 for i in range(1, 10)}

# One valid example per type, and the fields each type requires beyond the common ones.
VALID: dict[str, dict[str, Any]] = {
    "ticket.issued": {"ticket_id": "A001", "service_code": "KTP", "priority_group": "elderly", "channel": "kiosk"},
    "ticket.called": {"ticket_id": "A001", "counter_id": "L1"},
    "service.started": {"ticket_id": "A001", "counter_id": "L1", "officer_id": "NIP-1"},
    "service.completed": {"ticket_id": "A001", "outcome": "served"},
    "ticket.abandoned": {"ticket_id": "A001", "reason": "left"},
    "complaint.filed": {
        "complaint_id": "C1",
        "category": "waktu",
        "channel": "lapor",
        "service_code": "KTP",
        "reporter_nik": "3171234567890123",
        "text": "Antrean terlalu lama",
    },
    "complaint.responded": {"complaint_id": "C1"},
    "complaint.resolved": {"complaint_id": "C1"},
    "survey.submitted": {"survey_id": "S1", "service_code": "KTP", "scores": SCORES},
    "counter.opened": {"counter_id": "L1"},
    "counter.closed": {"counter_id": "L1"},
}
REQUIRED: dict[str, list[str]] = {
    "ticket.issued": ["ticket_id", "service_code"],
    "ticket.called": ["ticket_id", "counter_id"],
    "service.started": ["ticket_id", "counter_id"],
    "service.completed": ["ticket_id", "outcome"],
    "ticket.abandoned": ["ticket_id"],
    "complaint.filed": ["complaint_id", "category"],
    "complaint.responded": ["complaint_id"],
    "complaint.resolved": ["complaint_id"],
    "survey.submitted": ["survey_id", "service_code", "scores"],
    "counter.opened": ["counter_id"],
    "counter.closed": ["counter_id"],
}
OPTIONAL: dict[str, list[str]] = {
    "ticket.issued": ["priority_group", "channel"],
    "service.started": ["officer_id"],
    "ticket.abandoned": ["reason"],
    "complaint.filed": ["channel", "service_code", "reporter_nik", "text"],
}


def event(event_type: str, **overrides: Any) -> dict[str, Any]:
    body = {**COMMON, "type": event_type, **copy.deepcopy(VALID[event_type])}
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
def validator() -> EventValidator:
    return EventValidator(load_catalog())


def reason_of(result: object) -> tuple[ReasonCode, str | None]:
    assert isinstance(result, DeadLetter), f"expected a dead letter, got {result!r}"
    return result.reason.code, result.reason.field


def test_the_examples_cover_every_v1_type() -> None:
    assert set(VALID) == EVENT_TYPES == set(REQUIRED)


@pytest.mark.parametrize("event_type", sorted(VALID))
def test_a_valid_event_of_each_type_validates_from_bytes_and_from_a_mapping(
    validator: EventValidator, event_type: str
) -> None:
    body = event(event_type)
    from_bytes = validator.validate(orjson.dumps(body))
    from_mapping = validator.validate(body)
    assert not isinstance(from_bytes, DeadLetter), from_bytes
    assert from_bytes == from_mapping
    assert from_bytes.type == event_type
    assert from_bytes.occurred_at.utcoffset() is not None


@pytest.mark.parametrize("event_type", sorted(OPTIONAL))
def test_optional_fields_may_be_left_out(validator: EventValidator, event_type: str) -> None:
    body = event(event_type)
    for name in OPTIONAL[event_type]:
        del body[name]
    assert not isinstance(validator.validate(body), DeadLetter)


@pytest.mark.parametrize(
    ("event_type", "field"),
    [(t, f) for t in sorted(VALID) for f in [*COMMON, "type", *REQUIRED[t]]],
)
def test_every_missing_required_field_is_named(validator: EventValidator, event_type: str, field: str) -> None:
    body = event(event_type)
    del body[field]
    assert reason_of(validator.validate(body)) == (ReasonCode.MISSING_FIELD, field)


@pytest.mark.parametrize(
    ("event_type", "field", "value"),
    [(t, f, 12345) for t in sorted(VALID) for f in ["event_id", "office_id", *REQUIRED[t]] if f != "scores"]
    + [("survey.submitted", "scores", [3, 3, 3]), ("ticket.issued", "priority_group", 1)],
)
def test_a_wrong_type_is_named(validator: EventValidator, event_type: str, field: str, value: Any) -> None:
    code, named = reason_of(validator.validate(event(event_type, **{field: value})))
    assert named == field
    assert code in (ReasonCode.WRONG_TYPE, ReasonCode.INVALID_VALUE)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"v": 2}, (ReasonCode.UNSUPPORTED_VERSION, "v")),
        ({"v": "1"}, (ReasonCode.WRONG_TYPE, "v")),
        ({"v": True}, (ReasonCode.WRONG_TYPE, "v")),
        ({"type": "ticket.teleported"}, (ReasonCode.UNKNOWN_TYPE, "type")),
        ({"event_id": ""}, (ReasonCode.INVALID_VALUE, "event_id")),
        ({"event_id": "x" * 129}, (ReasonCode.INVALID_VALUE, "event_id")),
        ({"occurred_at": "2026-11-02T08:15:03"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": "2026-11-02"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": "2026-13-02T08:15:03+07:00"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": 1793600000}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": "1970-01-01T00:00:00Z"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": "0001-01-01T00:00:00+07:00"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": "9999-12-31T23:59:59-05:00"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"occurred_at": "2100-01-01T00:00:00Z"}, (ReasonCode.INVALID_TIMESTAMP, "occurred_at")),
        ({"office_id": "NOWHERE-01"}, (ReasonCode.UNKNOWN_OFFICE, "office_id")),
        ({"service_code": "SIHIR"}, (ReasonCode.UNKNOWN_SERVICE, "service_code")),
        ({"priority_group": "vip"}, (ReasonCode.INVALID_VALUE, "priority_group")),
        ({"channel": "pigeon"}, (ReasonCode.INVALID_VALUE, "channel")),
    ],
)
def test_ticket_issued_dead_letter_reasons(
    validator: EventValidator, overrides: dict[str, Any], expected: tuple[ReasonCode, str]
) -> None:
    assert reason_of(validator.validate(event("ticket.issued", **overrides))) == expected


@pytest.mark.parametrize("score", [0, 5, -1, 100])
def test_a_score_outside_1_to_4_is_out_of_range(validator: EventValidator, score: int) -> None:
    scores = {**SCORES, "u7": score}
    result = validator.validate(event("survey.submitted", scores=scores))
    assert reason_of(result) == (ReasonCode.SCORE_OUT_OF_RANGE, "scores.u7")


def test_survey_scores_must_be_integers_and_complete(validator: EventValidator) -> None:
    assert reason_of(validator.validate(event("survey.submitted", scores={**SCORES, "u2": 2.5}))) == (
        ReasonCode.WRONG_TYPE,
        "scores.u2",
    )
    incomplete = {key: value for key, value in SCORES.items() if key != "u9"}
    assert reason_of(validator.validate(event("survey.submitted", scores=incomplete))) == (
        ReasonCode.MISSING_FIELD,
        "scores.u9",
    )
    assert reason_of(validator.validate(event("survey.submitted", scores={**SCORES, "u10": 4}))) == (
        ReasonCode.INVALID_VALUE,
        "scores.u10",
    )


def test_unknown_service_on_surveys_and_complaints(validator: EventValidator) -> None:
    assert reason_of(validator.validate(event("survey.submitted", service_code="X"))) == (
        ReasonCode.UNKNOWN_SERVICE,
        "service_code",
    )
    assert reason_of(validator.validate(event("complaint.filed", service_code="X"))) == (
        ReasonCode.UNKNOWN_SERVICE,
        "service_code",
    )


def test_service_completed_outcome_must_be_one_of_three(validator: EventValidator) -> None:
    assert reason_of(validator.validate(event("service.completed", outcome="done"))) == (
        ReasonCode.INVALID_VALUE,
        "outcome",
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", ReasonCode.INVALID_JSON),
        (b"", ReasonCode.INVALID_JSON),
        (b"\xff\xfe", ReasonCode.INVALID_JSON),
        (b"[1, 2]", ReasonCode.NOT_AN_OBJECT),
        (b"null", ReasonCode.NOT_AN_OBJECT),
        (b'"ticket.issued"', ReasonCode.NOT_AN_OBJECT),
        (orjson.dumps(event("counter.opened"))[:-1] + b',"x":NaN}', ReasonCode.INVALID_JSON),
        (orjson.dumps(event("counter.opened"))[:-1] + b',"x":[-Infinity]}', ReasonCode.INVALID_JSON),
    ],
)
def test_input_that_is_not_an_event_object(validator: EventValidator, raw: bytes, code: ReasonCode) -> None:
    result = validator.validate(raw)
    assert isinstance(result, DeadLetter)
    assert result.reason.code == code
    assert result.reason.field is None


def test_a_dead_letter_keeps_the_raw_text_and_a_readable_reason(validator: EventValidator) -> None:
    raw = orjson.dumps(event("ticket.called", counter_id=7))
    result = validator.validate(raw)
    assert isinstance(result, DeadLetter)
    assert result.raw == raw.decode()
    assert str(result.reason).startswith("wrong_type: counter_id")


def test_extra_fields_are_ignored_so_producers_can_add_optional_data(validator: EventValidator) -> None:
    result = validator.validate(event("counter.opened", firmware="2.1"))
    assert not isinstance(result, DeadLetter)


def test_utc_z_and_nanosecond_timestamps_are_accepted(validator: EventValidator) -> None:
    for stamp in ("2026-11-02T01:15:03Z", "2026-11-02T08:15:03.123456789+07:00"):
        result = validator.validate(event("counter.opened", occurred_at=stamp))
        assert not isinstance(result, DeadLetter), stamp
        assert result.occurred_at.utcoffset() is not None


def test_the_accepted_time_range_is_2000_to_2100_utc(validator: EventValidator) -> None:
    for stamp in ("2000-01-01T07:00:00+07:00", "2099-12-31T23:59:59.999Z"):
        assert not isinstance(validator.validate(event("counter.opened", occurred_at=stamp)), DeadLetter), stamp
    result = validator.validate(event("counter.opened", occurred_at="2000-01-01T06:59:59+07:00"))
    assert reason_of(result) == (ReasonCode.INVALID_TIMESTAMP, "occurred_at")
    assert isinstance(result, DeadLetter) and "outside the accepted range" in result.reason.detail


def test_without_a_catalog_only_the_shape_is_checked() -> None:
    result = EventValidator(None).validate(event("ticket.issued", office_id="ANY", service_code="ANY"))
    assert not isinstance(result, DeadLetter)
