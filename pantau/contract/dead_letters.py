"""Why an event was refused: a reason code, the field at fault and a human-readable detail.

Reason codes are a closed, documented set so dashboards can count dead letters by reason and a data
team can tell an office's broken integration from a typo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import orjson

from pantau.privacy import redact_text


class ReasonCode(StrEnum):
    """Every reason an event can be dead-lettered for."""

    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    INVALID_VALUE = "invalid_value"
    INVALID_TIMESTAMP = "invalid_timestamp"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_VERSION = "unsupported_version"
    UNKNOWN_OFFICE = "unknown_office"
    UNKNOWN_SERVICE = "unknown_service"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    OCCURRED_IN_FUTURE = "occurred_in_future"
    # Raised by the stream worker, which alone remembers which event_ids it has seen.
    CONFLICTING_DUPLICATE = "conflicting_duplicate"
    # Raised by producers and the gateway rather than by the validator itself.
    OFFICE_NOT_AUTHORIZED = "office_not_authorized"
    TOO_LARGE = "too_large"


@dataclass(frozen=True, slots=True)
class DeadLetterReason:
    """A reason code plus the offending field (dotted path, None for the whole message)."""

    code: ReasonCode
    field: str | None
    detail: str

    def __str__(self) -> str:
        where = f": {self.field}" if self.field else ""
        return f"{self.code.value}{where} ({self.detail})" if self.detail else f"{self.code.value}{where}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event Pantau refused, kept with its raw text so nothing is silently dropped."""

    raw: str
    reason: DeadLetterReason


def dead_letter_message(
    dead_letter: DeadLetter, source: str, position: str, received_at: datetime, office_id: str = ""
) -> bytes:
    """The JSON value Pantau writes to the dead-letter topic (the sink lands it in `dead_letters`).

    (source, position) identify where the input came from, e.g. ("file:day.jsonl", "17") or
    ("gateway:MPP-JKT-01", "<request id>/3"), so a replayed dead letter replaces itself instead of doubling.
    """
    return orjson.dumps(
        {
            "source": source,
            "position": position,
            # Redacted before it leaves the process: a refused complaint still carries a NIK and phone.
            "raw": redact_text(dead_letter.raw),
            "reason": redact_text(str(dead_letter.reason)),
            "reason_code": dead_letter.reason.code.value,
            "field": dead_letter.reason.field,
            "office_id": office_id or office_id_hint(dead_letter.raw),
            "received_at": received_at.astimezone(UTC).isoformat(timespec="milliseconds"),
        }
    )


KEPT_RAW_BYTES = 4096
"""How much of an oversized or unlandable input its dead letter keeps."""


def truncated(raw: bytes, keep: int = KEPT_RAW_BYTES) -> str:
    """The start of an oversized input as text, saying how much was cut."""
    if len(raw) <= keep:
        return raw.decode("utf-8", errors="replace")
    return raw[:keep].decode("utf-8", errors="replace") + f"... [{len(raw) - keep:,} more bytes not kept]"


def office_id_hint(raw: str) -> str:
    """The office_id of a refused event if it can still be read, so dead letters can be counted per office."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return ""
    office = document.get("office_id") if isinstance(document, dict) else None
    return office[:128] if isinstance(office, str) else ""
