"""Run contract events through the EventProcessor with dict stores, and pick rows out of its outputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

import orjson

from pantau.catalog import Catalog
from pantau.kafka import topics
from streams.processor import EventProcessor, Output, Stores, StreamOptions
from streams.typed_state import dumps
from tests.unit.streams.factories import CATALOG


def new_stores() -> Stores:
    return Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})


def durable(store: Mapping[str, Any], key: str) -> Any:
    """A store value as a checkpoint writes it: JSON (an object kept in the store is encoded)."""
    return orjson.loads(dumps(store[key]))


def durable_stores(stores: Stores) -> dict[str, dict[str, Any]]:
    """Every store as a checkpoint writes it."""
    return {
        field.name: {key: durable(getattr(stores, field.name), key) for key in getattr(stores, field.name)}
        for field in fields(stores)
    }


class Run:
    """One processor and its stores; `feed` returns what the events caused.

    `received_after`: when given, each event is received that long after it occurred (zero: an
    office sending live); None feeds without a receipt time, as history.
    """

    def __init__(
        self,
        options: StreamOptions | None = None,
        catalog: Catalog = CATALOG,
        received_after: timedelta | None = None,
    ) -> None:
        self.processor = EventProcessor(catalog, b"test-key", "test", options)
        self.stores = new_stores()
        self.outputs: list[Output] = []
        self._received_after = received_after

    def feed(self, *events: Any) -> list[Output]:
        produced = [
            output for event in events for output in self.processor.apply(event, self.stores, self._received(event))
        ]
        self.outputs += produced
        return produced

    def _received(self, event: Any) -> datetime | None:
        return event.occurred_at + self._received_after if self._received_after is not None else None


def rows(outputs: Iterable[Output], topic: topics.TopicSpec, kind: str | None = None) -> list[dict[str, Any]]:
    """Row values sent to `topic` (optionally of one `kind`), in order."""
    found = []
    for output in outputs:
        value = output.value
        if output.topic == topic and isinstance(value, dict) and (kind is None or value.get("kind") == kind):
            found.append(value)
    return found


def latest(outputs: Iterable[Output], topic: topics.TopicSpec) -> dict[str, dict[str, Any]]:
    """The newest row per key, as the sink's FINAL would keep it."""
    newest: dict[str, dict[str, Any]] = {}
    for output in outputs:
        if output.topic == topic and isinstance(output.value, dict):
            current = newest.get(output.key)
            if current is None or output.value["_version"] >= current["_version"]:
                newest[output.key] = output.value
    return newest
