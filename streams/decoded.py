"""Objects decoded from store values, kept while the store still holds the very value they were saved as.

The stores hold plain JSON values (they are what the journal and the changelog carry), and the hot
per-office objects (an office's waiting index, a service's queue-jump detector) were decoded from
them on every event: about a sixth of the processor's time (cProfile, benchmarks/RESULTS.md). A
`DecodedCache` hands back the object it saved last for a key as long as the store's value for that
key is the same object (`is`), so a value the store got from anywhere else (a recovery, a sweep, a
test) is decoded afresh. The saved value is always encoded from the object, so the store, the
journal and the changelog see exactly what they saw without the cache.

The rule that keeps it exact: an object taken from the cache is either left unchanged or saved back
in the same event (`save`); the callers in streams/breaches.py and streams/signals.py do so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from streams.state import Store

T = TypeVar("T")


class DecodedCache(Generic[T]):
    """One decoded object per store key, valid while the store holds the value it was saved as.

    Without `limit` it holds one entry per key saved, for keys bounded by the catalog (offices,
    office|service); with `limit` (keys that grow with time, such as tickets) the keys saved least
    recently are dropped beyond it, and are decoded again if they come back.
    """

    __slots__ = ("_decode", "_encode", "_entries", "_limit")

    def __init__(self, decode: Callable[[Any], T], encode: Callable[[T], Any], limit: int | None = None) -> None:
        """`decode(None)` gives the object of a key the store does not hold."""
        self._decode = decode
        self._encode = encode
        self._entries: dict[str, tuple[Any, T]] = {}
        self._limit = limit

    def load(self, store: Store, key: str) -> T:
        """The object for `key`: the one saved last if the store still holds its value, else decoded."""
        stored = store.get(key)
        entry = self._entries.get(key)
        if entry is not None and stored is not None and entry[0] is stored:
            return entry[1]
        return self._decode(stored)

    def save(self, store: Store, key: str, value: T) -> Any:
        """Write `value` encoded to the store, and keep it for the next `load` of `key`; returns the encoded value."""
        encoded = self._encode(value)
        store[key] = encoded
        if self._limit is not None:
            self._entries.pop(key, None)  # re-inserted last: the dict's order is the order of saves
            if len(self._entries) >= self._limit:
                del self._entries[next(iter(self._entries))]
        self._entries[key] = (encoded, value)
        return encoded

    def forget(self, key: str) -> None:
        """Drop the object of `key`, for one that was changed and will not be saved (the next load decodes)."""
        self._entries.pop(key, None)
