"""Hypothesis strategies built from the event contract (CONTRACT §1) and the shipped catalog.

`valid_events` draws events that contract v1 accepts; `mutated_events` breaks one thing in such an
event; `json_values` and `hostile_payloads` are the input an office's broken or hostile system could
send. Timestamps of valid events stay within 2000-2100: the edges of Python's datetime range are
covered by their own test (see test_props_processor.py).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from pantau.catalog import Catalog, load_catalog

CATALOG: Catalog = load_catalog()
OFFICE_IDS = [office.id for office in CATALOG.offices]
SERVICE_CODES = [service.code for service in CATALOG.services]

# Fields each type requires beyond the common ones, and the values they take (CONTRACT §1).
REQUIRED: dict[str, tuple[str, ...]] = {
    "ticket.issued": ("ticket_id", "service_code"),
    "ticket.called": ("ticket_id", "counter_id"),
    "service.started": ("ticket_id", "counter_id"),
    "service.completed": ("ticket_id", "outcome"),
    "ticket.abandoned": ("ticket_id",),
    "complaint.filed": ("complaint_id", "category"),
    "complaint.responded": ("complaint_id",),
    "complaint.resolved": ("complaint_id",),
    "survey.submitted": ("survey_id", "service_code", "scores"),
    "counter.opened": ("counter_id",),
    "counter.closed": ("counter_id",),
}
COMMON_FIELDS = ("event_id", "type", "office_id", "occurred_at", "v")
# Required fields whose value is a plain identifier string (1-128 characters).
IDENTIFIER_FIELDS = frozenset({"event_id", "ticket_id", "counter_id", "complaint_id", "survey_id", "category"})

identifiers = st.text(min_size=1, max_size=128)
small_ids = st.sampled_from(["A001", "A002", "B001", "C1", "S1"])  # few ids, so events of one key collide
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59, 999999)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)


@st.composite
def timestamps(draw: st.DrawFn, moment: st.SearchStrategy[datetime] = moments) -> str:
    """An RFC 3339 text with an explicit offset, as offices' systems write it."""
    at = draw(moment).astimezone(draw(offsets))
    text = at.isoformat(timespec=draw(st.sampled_from(["seconds", "milliseconds", "microseconds"])))
    if at.utcoffset() == timedelta(0) and draw(st.booleans()):
        text = text[: -len("+00:00")] + "Z"
    return text


ANSWERS = st.integers(min_value=1, max_value=4)
ALL_TYPES = st.sampled_from(sorted(REQUIRED))
ALL_OFFICES = st.sampled_from(OFFICE_IDS)


def scores(values: st.SearchStrategy[int] = ANSWERS) -> st.SearchStrategy[dict[str, int]]:
    """The nine unsur answers."""
    return st.fixed_dictionaries({f"u{index}": values for index in range(1, 10)})


def _type_fields(event_type: str, ids: st.SearchStrategy[str], office_id: str) -> st.SearchStrategy[dict[str, Any]]:
    services = st.sampled_from(CATALOG.office(office_id).services)
    optional: dict[str, st.SearchStrategy[Any]] = {}
    required: dict[str, st.SearchStrategy[Any]]
    if event_type == "ticket.issued":
        required = {"ticket_id": ids, "service_code": services}
        optional = {
            "priority_group": st.sampled_from(["elderly", "disability", "pregnant", "child", "other"]),
            "channel": st.sampled_from(["walk_in", "online", "kiosk"]),
        }
    elif event_type == "ticket.called":
        required = {"ticket_id": ids, "counter_id": identifiers}
    elif event_type == "service.started":
        required = {"ticket_id": ids, "counter_id": identifiers}
        optional = {"officer_id": identifiers}
    elif event_type == "service.completed":
        required = {"ticket_id": ids, "outcome": st.sampled_from(["served", "rejected_incomplete", "referred"])}
    elif event_type == "ticket.abandoned":
        required = {"ticket_id": ids}
        optional = {"reason": st.sampled_from(["left", "no_show"])}
    elif event_type == "complaint.filed":
        required = {"complaint_id": ids, "category": st.sampled_from(["waktu", "pungli", "perilaku petugas"])}
        optional = {
            "channel": identifiers,
            "service_code": services,
            "reporter_nik": st.from_regex(r"\A3[0-9]{15}\Z"),
            "text": st.text(max_size=300),
        }
    elif event_type in {"complaint.responded", "complaint.resolved"}:
        required = {"complaint_id": ids}
    elif event_type == "survey.submitted":
        required = {"survey_id": ids, "service_code": services, "scores": scores()}
    else:
        required = {"counter_id": identifiers}
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def valid_events(
    draw: st.DrawFn,
    ids: st.SearchStrategy[str] = identifiers,
    moment: st.SearchStrategy[datetime] = moments,
    event_types: st.SearchStrategy[str] = ALL_TYPES,
    office_ids: st.SearchStrategy[str] = ALL_OFFICES,
    extras: bool = True,
) -> dict[str, Any]:
    """An event that contract v1 and the shipped catalog accept; with `extras`, sometimes an unknown field."""
    event_type = draw(event_types)
    office_id = draw(office_ids)
    event = {
        "event_id": draw(identifiers),
        "type": event_type,
        "office_id": office_id,
        "occurred_at": draw(timestamps(moment)),
        "v": 1,
    }
    event.update(draw(_type_fields(event_type, ids, office_id)))
    if extras and draw(st.booleans()):
        # Unknown fields are ignored whatever JSON they hold; NaN and Infinity are not JSON (see `dumps`).
        event["x_vendor_note"] = draw(json_values(non_finite=False))
    return event


def json_values(max_leaves: int = 20, non_finite: bool = True) -> st.SearchStrategy[Any]:
    """Any JSON value, with the awkward scalars: huge and negative integers, long text and, with
    `non_finite`, NaN and infinities (which `dumps` writes as the non-JSON tokens lenient producers send)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.integers(min_value=-(2**200), max_value=2**200)
        | st.floats(allow_nan=non_finite, allow_infinity=non_finite)
        | st.text()
        | st.text(min_size=129, max_size=20_000).filter(bool)
    )
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=max_leaves,
    )


def wrong_types_for(value_kind: str) -> st.SearchStrategy[Any]:
    """Values of any JSON type other than `value_kind` ("str", "int" or "object")."""
    choices = {
        "str": st.none() | st.booleans() | st.integers() | st.floats() | st.lists(st.integers(), max_size=2),
        "int": st.text(max_size=5) | st.floats(allow_nan=True) | st.booleans() | st.lists(st.integers(), max_size=2),
        "object": st.integers() | st.text(max_size=5) | st.lists(st.integers(), max_size=2),
    }
    return choices[value_kind]


def dumps(value: Any) -> bytes:
    """JSON text as a lenient producer writes it: NaN and Infinity as bare tokens, non-ASCII as is."""
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", errors="surrogatepass")


@st.composite
def mutated_events(draw: st.DrawFn) -> dict[str, Any]:
    """A valid event with one field deleted, retyped or replaced by an arbitrary JSON value."""
    event = draw(valid_events())
    field = draw(st.sampled_from(sorted(event)))
    mutation = draw(st.sampled_from(["delete", "arbitrary", "long_string", "nan", "huge_int"]))
    if mutation == "delete":
        del event[field]
    elif mutation == "arbitrary":
        event[field] = draw(json_values(max_leaves=5))
    elif mutation == "long_string":
        event[field] = "x" * draw(st.integers(min_value=129, max_value=100_000))
    elif mutation == "nan":
        event[field] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    else:
        event[field] = draw(st.integers(min_value=2**63, max_value=2**512)) * draw(st.sampled_from([1, -1]))
    return event


def holds_non_finite(value: Any) -> bool:
    """Whether a parsed document holds NaN or an infinity anywhere (which `dumps` writes as non-JSON tokens)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(holds_non_finite(item) for item in value.values())
    if isinstance(value, list):
        return any(holds_non_finite(item) for item in value)
    return False


def nested(depth: int, leaf: Any = 0) -> bytes:
    """A JSON array nested `depth` deep, written directly (json.dumps would hit Python's recursion limit)."""
    return b"[" * depth + dumps(leaf) + b"]" * depth


def hostile_payloads() -> st.SearchStrategy[bytes]:
    """Raw Kafka message values: random bytes, arbitrary JSON, deep nesting, mutated and valid events."""
    return st.one_of(
        st.binary(max_size=512),
        st.text().map(lambda text: text.encode("utf-8")),
        json_values().map(dumps),
        st.integers(min_value=1, max_value=20_000).map(nested),
        mutated_events().map(dumps),
        valid_events().map(dumps),
        valid_events().map(lambda event: dumps(event)[: len(dumps(event)) // 2]),  # cut short
    )
