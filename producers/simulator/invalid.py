"""Deliberately broken lines for dead-letter testing, each a mistake real office systems make.

Most are mutations of the valid event they are sent next to (so they look like the real stream):
truncated or non-JSON text, an array instead of an object, a missing required field, an unknown
office or service, a score outside 1-4, a wrong type, a timestamp without offset, an unknown event
type, schema version 2, bytes that are not UTF-8, an empty message. Every one must be refused by the
contract validator; `KINDS` lists them so tests can check the variety.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from producers.simulator.options import SimulatedRecord

_FAKE_OFFICES = ("KANTOR-FIKTIF-01", "MPP-XXX-99", "DUKCAPIL-TEST")
_ID_FIELDS = ("ticket_id", "complaint_id", "survey_id", "counter_id")
_UNKNOWN_TYPES = ("ticket.printed", "queue.reset", "TICKET_ISSUED")

Mutated = tuple[dict[str, Any] | bytes, str | None]  # the broken line, and the key when it changes


class InvalidLines:
    """Makes invalid records next to valid ones; `services` maps office ids to their service codes."""

    def __init__(self, rng: random.Random, services: Mapping[str, tuple[str, ...]], known_services: set[str]) -> None:
        self._rng = rng
        self._services = services
        self._known_services = known_services
        self._count = 0

    def next_to(self, neighbour: SimulatedRecord) -> SimulatedRecord:
        """An invalid record keyed and timed like `neighbour` (the key follows a changed office_id)."""
        self._count += 1
        event: dict[str, Any] = orjson.loads(neighbour.payload)
        event["event_id"] = f"{event['event_id']}-bad{self._count}"
        kind = self._rng.choice(KINDS)
        result, key = _MUTATIONS[kind](self, event)
        payload = result if isinstance(result, bytes) else bytes(memoryview(orjson.dumps(result)))
        return SimulatedRecord(key or neighbour.key, payload, neighbour.occurred_at, valid_expected=False)

    def _truncated(self, event: dict[str, Any]) -> Mutated:
        line = orjson.dumps(event)
        return line[: self._rng.randint(1, len(line) - 1)], None

    def _not_json(self, event: dict[str, Any]) -> Mutated:
        fields = (event["event_id"], event["type"], event["office_id"], event["occurred_at"])
        return ";".join(str(field) for field in fields).encode(), None

    def _array(self, event: dict[str, Any]) -> Mutated:
        return b"[" + orjson.dumps(event) + b"]", None

    def _missing_field(self, event: dict[str, Any]) -> Mutated:
        required = ["event_id", "type", "office_id", "occurred_at", "v"]
        required += [field for field in _ID_FIELDS if field in event]
        del event[self._rng.choice(required)]
        return event, None

    def _unknown_office(self, event: dict[str, Any]) -> Mutated:
        event["office_id"] = self._rng.choice(_FAKE_OFFICES)
        return event, event["office_id"]

    def _unknown_service(self, event: dict[str, Any]) -> Mutated:
        code = "LAYANAN-LAMA"
        while code in self._known_services:
            code += "-X"
        if event["type"] not in ("ticket.issued", "survey.submitted", "complaint.filed"):
            event = self._as_ticket_issued(event)
        event["service_code"] = code
        return event, None

    def _score_out_of_range(self, event: dict[str, Any]) -> Mutated:
        if event["type"] != "survey.submitted":
            services = self._services.get(event["office_id"]) or ("KTP",)
            base = {key: event[key] for key in ("event_id", "office_id", "occurred_at", "v")}
            event = {**base, "type": "survey.submitted", "survey_id": f"SKM-X{self._count}"}
            event["service_code"] = self._rng.choice(services)
            event["scores"] = {f"u{unsur}": self._rng.randint(1, 4) for unsur in range(1, 10)}
        event["scores"][f"u{self._rng.randint(1, 9)}"] = self._rng.choice((0, 5, 10))
        return event, None

    def _wrong_type(self, event: dict[str, Any]) -> Mutated:
        ids = [field for field in _ID_FIELDS if field in event]
        if ids and self._rng.random() < 0.5:
            event[self._rng.choice(ids)] = self._rng.randint(1, 9999)
        else:
            event["v"] = "1"
        return event, None

    def _naive_timestamp(self, event: dict[str, Any]) -> Mutated:
        local = str(event["occurred_at"])[:19]  # drops milliseconds and offset
        if self._rng.random() < 0.5:
            event["occurred_at"] = local.replace("T", " ")
        else:
            event["occurred_at"] = f"{local[8:10]}/{local[5:7]}/{local[0:4]} {local[11:16]}"
        return event, None

    def _unknown_type(self, event: dict[str, Any]) -> Mutated:
        event["type"] = self._rng.choice(_UNKNOWN_TYPES)
        return event, None

    def _version_two(self, event: dict[str, Any]) -> Mutated:
        event["v"] = 2
        return event, None

    def _not_utf8(self, event: dict[str, Any]) -> Mutated:
        return b"\xff\xfe" + orjson.dumps(event)[:40], None

    def _empty(self, event: dict[str, Any]) -> Mutated:
        return b"", None

    def _as_ticket_issued(self, event: dict[str, Any]) -> dict[str, Any]:
        base = {key: event[key] for key in ("event_id", "office_id", "occurred_at", "v")}
        return {**base, "type": "ticket.issued", "ticket_id": f"X-{self._count:04d}"}


_MUTATIONS: dict[str, Callable[[InvalidLines, dict[str, Any]], Mutated]] = {
    "truncated_json": InvalidLines._truncated,
    "not_json": InvalidLines._not_json,
    "array": InvalidLines._array,
    "missing_field": InvalidLines._missing_field,
    "unknown_office": InvalidLines._unknown_office,
    "unknown_service": InvalidLines._unknown_service,
    "score_out_of_range": InvalidLines._score_out_of_range,
    "wrong_type": InvalidLines._wrong_type,
    "naive_timestamp": InvalidLines._naive_timestamp,
    "unknown_type": InvalidLines._unknown_type,
    "version_two": InvalidLines._version_two,
    "not_utf8": InvalidLines._not_utf8,
    "empty": InvalidLines._empty,
}
KINDS: tuple[str, ...] = tuple(_MUTATIONS)
