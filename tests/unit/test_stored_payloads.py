"""Nothing raw at rest: stored event payloads and dead letters hold no NIK or phone in any field or shape."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import orjson

from pantau.contract import DeadLetter, DeadLetterReason, ReasonCode, dead_letter_message
from pantau.privacy import MAX_DEPTH, TOO_DEEP, redact_document
from sinks.privacy_filter import PrivacyFilter

NIK = "3171012345670080"
PHONE = "81234560080"


def leaks(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return NIK in digits or PHONE in digits


def test_every_field_of_a_stored_event_is_redacted_but_its_identifiers() -> None:
    document = {
        "event_id": "e-1",
        "type": "ticket.issued",
        "office_id": "MPP-JKT-01",
        "occurred_at": "2026-11-02T08:00:00+07:00",
        "v": 1,
        "ticket_id": "KTP-20261102-0001",
        "service_code": "KTP",
        "citizen_nik": "3171/0123/4567/0080",
        "nik_pelapor": int(NIK),
        "reporter": {"nik": "3171  0123  4567  0080", "phone": "+62 812 3456 0080", "alt": ["(0812) 3456-0080"]},
        "note": "hubungi 0812.3456.0080",
        "NIK 3171.0123.4567.0080": "a top-level key that is personal data",
        "0812-3456-0080": {"3171 0123 4567 0080": "nested keys too"},
    }

    stored = redact_document(document)

    assert not leaks(orjson.dumps(stored).decode())
    assert {key: stored[key] for key in ("event_id", "ticket_id", "occurred_at", "v")} == {
        key: document[key] for key in ("event_id", "ticket_id", "occurred_at", "v")
    }


def test_nesting_beyond_the_limit_is_cut_not_walked() -> None:
    deep: dict[str, object] = {"nik": NIK}
    for _ in range(MAX_DEPTH + 5):
        deep = {"x": deep}

    stored = orjson.dumps(redact_document({"type": "ticket.issued", "extra": deep})).decode()

    assert TOO_DEEP in stored and not leaks(stored)


def test_a_dead_letter_is_redacted_before_it_is_sent() -> None:
    raw = '{"type": "complaint.filed", "reporter_nik": "3171012345670080", "text": "hp 0812-3456-0080", "v": 9'
    reason = DeadLetterReason(ReasonCode.INVALID_VALUE, "reporter_nik", f"{NIK} is not allowed here")

    message = orjson.loads(dead_letter_message(DeadLetter(raw, reason), "file:x.jsonl", "1", datetime.now(UTC)))

    assert not leaks(message["raw"]) and not leaks(message["reason"])
    assert "[NIK]" in message["raw"] and "[TELEPON]" in message["raw"]


def test_a_nik_without_digits_gives_no_pseudonym_and_no_failure() -> None:
    complaint = {"type": "complaint.filed", "complaint_id": "C1", "reporter_nik": "tidak ada", "text": "lama"}

    stored = PrivacyFilter(b"key").scrub_event(complaint)

    assert "reporter_nik" not in stored and "reporter_ref" not in stored and stored["text"] == "lama"


def test_a_nik_like_reporter_ref_from_a_foreign_producer_is_pseudonymized() -> None:
    complaint = {"type": "complaint.filed", "complaint_id": "C1", "reporter_ref": "3171 0123 4567 0080"}

    stored = PrivacyFilter(b"key").scrub_event(complaint)

    assert stored["reporter_ref"].startswith("nik_") and not leaks(orjson.dumps(stored).decode())
