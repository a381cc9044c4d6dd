"""Store values kept as typed objects between checkpoints; their JSON is made once, when made durable.

The stores' durable form is plain JSON (the checkpoint, the flushed values and the changelog carry
it, and a restarted worker reads it back). Encoding an office's queue, a service's queue-jump
detector or a window to JSON after every event that changed it was about a fifth of the
processor's time, and a batch changes the same few keys hundreds of times. So a `TypedStore` puts
the object itself into the store, wrapped in a `Live`, and the checkpoint (streams/durable_state.py)
encodes each key a batch changed once, from its final object (`dumps`, `durable_json`).

A store value is therefore either JSON (what recovery and older code put there) or a `Live`;
`TypedStore.load` takes either. The rule that keeps it exact: an object loaded from a store is
either left unchanged or saved back (`save`) in the same event, since the store holds that very
object and only a `save` records the key as written for the checkpoint. Every caller (the
processor, streams/breaches.py, streams/signals.py, streams/windowing.py, streams/housekeeping.py,
and the office clock in streams/state.py) does so; tests/unit/streams/test_processor_equivalence.py
holds the durable form byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, Generic, TypeVar

import orjson

from streams.logic.ticket_lifecycle import TicketState

Store = MutableMapping[str, Any]

T = TypeVar("T")


class Live:
    """A store value held as its object; `to_json` gives its durable form.

    Deliberately a plain class with slots, not a dataclass: orjson would serialize a dataclass by
    its fields, and must call `dumps`'s default hook instead.
    """

    __slots__ = ("_encode", "value")

    def __init__(self, value: Any, encode: Callable[[Any], Any]) -> None:
        self.value = value
        self._encode = encode

    def to_json(self) -> Any:
        return self._encode(self.value)

    def __repr__(self) -> str:
        return f"Live({self.value!r})"


def durable_json(stored: Any) -> Any:
    """The JSON form of a store value: a `Live`'s encoding, anything else as it is."""
    return stored.to_json() if isinstance(stored, Live) else stored


def _default(value: Any) -> Any:
    if isinstance(value, Live):
        return value.to_json()
    raise TypeError(f"{type(value).__name__} is not a store value")


def dumps(value: Any) -> bytes:
    """orjson.dumps of a value that may hold `Live` store values (each encoded once, here)."""
    return orjson.dumps(value, default=_default)


class TypedStore(Generic[T]):
    """Reads and writes one store's values as objects of one type.

    `decode(None)` gives the object of a key the store does not hold; `encode` gives the durable
    JSON of an object (called at checkpoints, never per event).
    """

    __slots__ = ("_decode", "_encode")

    def __init__(self, decode: Callable[[Any], T], encode: Callable[[T], Any]) -> None:
        self._decode = decode
        self._encode = encode

    def load(self, store: Store, key: str) -> T:
        """The object of `key`: the one the store holds, or decoded from its JSON (None if absent)."""
        stored = store.get(key)
        if isinstance(stored, Live):
            value: T = stored.value
            return value
        return self._decode(stored)

    def save(self, store: Store, key: str, value: T) -> None:
        """Put `value` in the store as the key's value, and record the key as written."""
        store[key] = Live(value, self._encode)

    def encode(self, value: T) -> Any:
        """The durable JSON of `value` (for a caller that needs it now, e.g. a row sharing an encoding)."""
        return self._encode(value)


TICKETS = TypedStore(TicketState.from_dict, TicketState.to_dict)
"""The tickets store (office|ticket -> TicketState), shared by the processor and the sweeps."""
