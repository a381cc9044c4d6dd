"""The one entry point that turns raw input into a contract-v1 event or a dead letter.

Everything that accepts events (replay, the gateway, the simulator's self-check, the stream worker)
calls `EventValidator.validate`, so an event is judged the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import orjson
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails, from_json

from pantau.contract.dead_letters import DeadLetter, DeadLetterReason, ReasonCode
from pantau.contract.models import EVENT_TYPES, ComplaintFiled, Event, SurveySubmitted, TicketIssued

_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

DEFAULT_FUTURE_TOLERANCE = timedelta(minutes=10)
"""How far after its receipt an event may say it occurred (clocks of kiosks and servers drift a little)."""

_WRONG_TYPE_ERRORS = frozenset(
    {
        "string_type",
        "int_type",
        "dict_type",
        "model_type",
        "bool_type",
        "float_type",
        "list_type",
        "int_from_float",
        "datetime_type",
    }
)


class KnownCodes(Protocol):
    """What validation needs from the catalog: which offices and services exist."""

    def has_office(self, office_id: str) -> bool: ...

    def has_service(self, service_code: str) -> bool: ...


class EventValidator:
    """Validates raw events against contract v1 and, when given, the catalog's offices and services."""

    def __init__(self, catalog: KnownCodes | None, future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE) -> None:
        """`future_tolerance`: PANTAU_FUTURE_TOLERANCE_MIN; how far after its receipt an event may occur."""
        self._catalog = catalog
        self._future_tolerance = future_tolerance

    def validate(self, raw: bytes | str | Mapping[str, Any], received_at: datetime | None = None) -> Event | DeadLetter:
        """Return the typed event, or a `DeadLetter` whose reason names the offending field.

        With `received_at` (aware), an event that occurred more than the tolerance after it was
        received is `occurred_in_future` (a kiosk with a wrong clock): accepting it would move its
        office's event-time clock years ahead and make every later real event look late. Every entry
        passes its own receipt time: the replay and the gateway their wall clock when they read the
        event, the worker and the sink the Kafka timestamp of the message (the broker's append time
        on Pantau's events topic), so all of them judge a message alike, also when it is re-read.

        Never raises on bad input: bad data is an expected outcome, not an exception. The raw text
        is only rendered for a dead letter, so valid events pay nothing for it.
        """
        try:
            if isinstance(raw, Mapping):
                event = _EVENT_ADAPTER.validate_python(dict(raw))
            else:
                event = _EVENT_ADAPTER.validate_json(raw)
        except ValidationError as exc:
            return DeadLetter(raw=_raw_text(raw), reason=_reason_from(exc.errors(include_url=False)))
        reason = _non_finite_reason(raw) or self._catalog_reason(event) or self._future_reason(event, received_at)
        if reason is not None:
            return DeadLetter(raw=_raw_text(raw), reason=reason)
        return event

    def _future_reason(self, event: Event, received_at: datetime | None) -> DeadLetterReason | None:
        if received_at is None or event.occurred_at - received_at <= self._future_tolerance:
            return None
        ahead = event.occurred_at - received_at
        return DeadLetterReason(
            ReasonCode.OCCURRED_IN_FUTURE,
            "occurred_at",
            f"{_describe(ahead)} after it was received at {received_at.isoformat(timespec='seconds')} "
            f"(tolerance {_describe(self._future_tolerance)})",
        )

    def _catalog_reason(self, event: Event) -> DeadLetterReason | None:
        if self._catalog is None:
            return None
        if not self._catalog.has_office(event.office_id):
            return DeadLetterReason(
                ReasonCode.UNKNOWN_OFFICE, "office_id", f"{event.office_id!r} is not in the catalog"
            )
        service_code = _service_code_of(event)
        if service_code is not None and not self._catalog.has_service(service_code):
            return DeadLetterReason(
                ReasonCode.UNKNOWN_SERVICE, "service_code", f"{service_code!r} is not in the catalog"
            )
        return None


def _describe(span: timedelta) -> str:
    """A duration in the largest unit that keeps it readable: "3 days", "25 min", "40 s"."""
    seconds = span.total_seconds()
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _service_code_of(event: Event) -> str | None:
    if isinstance(event, TicketIssued | SurveySubmitted | ComplaintFiled):
        return event.service_code
    return None


def _non_finite_reason(raw: bytes | str | Mapping[str, Any]) -> DeadLetterReason | None:
    """INVALID_JSON if text that pydantic accepted holds a NaN, Infinity or -Infinity token.

    pydantic's JSON parser accepts these tokens, but they are not JSON (RFC 8259): strict readers
    downstream (orjson in the sink, other teams' tools) cannot read such an event, so it is a dead letter
    (CONTRACT section 1). The substring test keeps the strict re-parse off the path of ordinary events;
    a string value that merely contains "NaN" costs one extra parse and passes.
    """
    if isinstance(raw, Mapping):
        return None  # already parsed: whatever produced it decided what a number is
    if isinstance(raw, str) and "NaN" not in raw and "Infinity" not in raw:
        return None
    if isinstance(raw, bytes | bytearray) and b"NaN" not in raw and b"Infinity" not in raw:
        return None
    try:
        from_json(raw, allow_inf_nan=False)
    except ValueError as exc:  # the text parsed with the tokens allowed, so they are what failed
        return DeadLetterReason(
            ReasonCode.INVALID_JSON, None, f"NaN, Infinity and -Infinity are not JSON numbers ({exc})"
        )
    return None


def _raw_text(raw: bytes | str | Mapping[str, Any]) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes | bytearray):
        return bytes(raw).decode("utf-8", errors="replace")
    try:
        return orjson.dumps(dict(raw), default=str).decode()
    except TypeError:
        pass  # an integer beyond 64 bits, nesting deeper than orjson writes, or a non-JSON value
    try:
        return repr(raw)
    except (ValueError, RecursionError) as exc:
        # repr refuses integers beyond sys.get_int_max_str_digits() and recurses on deep nesting; a
        # dead letter must still be produced, so it says what could not be kept instead of crashing.
        return f"<a mapping that cannot be written out: {type(exc).__name__}: {exc}>"[:1000]


def _safe_repr(value: object, limit: int = 200) -> str:
    """repr() for a reason detail: bounded, and never raising on huge integers or deep nesting."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else text[:limit] + "..."


def _reason_from(errors: list[ErrorDetails]) -> DeadLetterReason:
    """Map pydantic's first error to a contract reason; the first is the most basic problem."""
    error = errors[0]
    kind = error["type"]
    loc = [str(part) for part in error["loc"]]
    if loc and loc[0] in EVENT_TYPES:  # the discriminated union prefixes the event type
        loc = loc[1:]
    field = ".".join(loc) or None
    message = error["msg"]

    if kind == "json_invalid":
        return DeadLetterReason(ReasonCode.INVALID_JSON, None, message)
    if kind in {"model_attributes_type", "model_type", "dict_type"} and field is None:
        return DeadLetterReason(ReasonCode.NOT_AN_OBJECT, None, "an event must be a JSON object")
    if kind == "union_tag_not_found":
        return DeadLetterReason(ReasonCode.MISSING_FIELD, "type", "field required")
    if kind == "union_tag_invalid":
        return DeadLetterReason(
            ReasonCode.UNKNOWN_TYPE, "type", f"not a v1 event type: {_safe_repr(_ctx(error, 'tag'))}"
        )
    if kind == "missing":
        return DeadLetterReason(ReasonCode.MISSING_FIELD, field, "field required")
    if field == "v" and kind not in _WRONG_TYPE_ERRORS:
        return DeadLetterReason(
            ReasonCode.UNSUPPORTED_VERSION, "v", f"expected 1, got {_safe_repr(error.get('input'))}"
        )
    if field is not None and field.startswith("scores.") and kind in {"greater_than_equal", "less_than_equal"}:
        return DeadLetterReason(ReasonCode.SCORE_OUT_OF_RANGE, field, f"{_safe_repr(error.get('input'))} is not 1-4")
    if field == "occurred_at":
        return DeadLetterReason(ReasonCode.INVALID_TIMESTAMP, field, _strip_prefix(message))
    if kind in _WRONG_TYPE_ERRORS:
        return DeadLetterReason(ReasonCode.WRONG_TYPE, field, message)
    if kind == "extra_forbidden":
        return DeadLetterReason(ReasonCode.INVALID_VALUE, field, "unexpected field")
    return DeadLetterReason(ReasonCode.INVALID_VALUE, field, message)


def _ctx(error: ErrorDetails, key: str) -> object:
    context = error.get("ctx") or {}
    return context.get(key)


def _strip_prefix(message: str) -> str:
    for prefix in ("Value error, ", "Type error, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
