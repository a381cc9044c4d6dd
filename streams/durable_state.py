"""The worker's state, made durable one whole event at a time through one changelog.

A kill -9 must never leave half an event in the state: with a changelog message per store write
(Faust's tables), some writes of the event at the kill reached Kafka and others did not, and the
redelivered event then found itself "already applied" while a counter had missed it. Here instead:

- All stores live in one in-memory dict (a Faust table's storage), under "<store>|<key>", and all
  durable writes go to that table's one changelog topic, to the partition of the event that caused
  them. Kafka keeps a partition in order, so what survives a crash is a prefix of what was sent.
- For each event, one *journal record* (key "~journal|<partition>|<offset>") carries the values of
  every key the event wrote and the output messages it caused. One message: all or nothing.
- `flush_base` (every second or so) writes the current value of every key written since the last
  flush, once each however often it changed; once those are in Kafka, `seal` writes an *applied
  marker* ("~applied|<partition>": the last offset flushed) and deletes the journal records the
  flushed values cover.

Recovery (`recover`, at the first event of a partition after an assignment, when Faust has
restored the table) applies the journal records still present in offset order over the flushed
values, which gives the state after the last event whose record survived, complete; the marker and
the records say which offset that is, so the agent skips events up to it (streams/offset_gate.py),
and the records' outputs are sent again, since those of events after the last flush may have been
lost (the sink keeps one row per key and version, so sending twice is harmless).

Why the prefix gives whole events: a journal record is sent after the event's own writes are done
in memory and before any flush that could include them; a flushed value is sent after the records
of every event it reflects; the marker and deletions are sent after the flushed values are in
Kafka. Any prefix therefore holds, for each key, either its flushed value and every later record
that touched it, or records from before the flush that cover it.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from streams.state import Stores

JOURNAL_PREFIX = "~journal|"
APPLIED_PREFIX = "~applied|"


class Changelog(Protocol):
    """Sends one changelog message (None: a deletion) to a partition, in call order."""

    def send(self, partition: int, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class JournaledOutput:
    """An output message as the journal keeps it: topic name, key, and the encoded value."""

    topic: str
    key: str
    value: bytes

    def to_json(self) -> list[str]:
        return [self.topic, self.key, self.value.decode()]

    @classmethod
    def from_json(cls, item: list[str]) -> JournaledOutput:
        topic, key, value = item
        return cls(topic, key, value.encode())


@dataclass
class _Ledger:
    """What the worker knows of one partition's durable state."""

    applied: int | None = None
    sent: int | None = None
    """The last offset whose outputs were all handed to the producer: a flush covers no further."""
    journaled: list[int] = field(default_factory=list)
    """Offsets whose journal records are in the changelog and not yet deleted."""
    dirty: dict[str, None] = field(default_factory=dict)
    """Keys written since the last flush (insertion ordered, no duplicates)."""


@dataclass(frozen=True)
class FlushPlan:
    """Partitions whose dirty values went out in `flush_base`, each with the last offset they cover."""

    through: dict[int, int]


def journal_key(partition: int, offset: int) -> str:
    return f"{JOURNAL_PREFIX}{partition}|{offset:020d}"


def applied_key(partition: int) -> str:
    return f"{APPLIED_PREFIX}{partition}"


class JournaledStore(MutableMapping[str, Any]):
    """One of the processor's stores: a view of the shared dict under "<name>|", recording each write."""

    __slots__ = ("_data", "_prefix", "_state")

    def __init__(self, name: str, state: DurableState) -> None:
        self._prefix = f"{name}|"
        self._data = state.data
        self._state = state

    def __getitem__(self, key: str) -> Any:
        return self._data[self._prefix + key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(self._prefix + key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._prefix + key in self._data

    def __setitem__(self, key: str, value: Any) -> None:
        full = self._prefix + key
        self._data[full] = value
        self._state.written(full, value)

    def __delitem__(self, key: str) -> None:
        full = self._prefix + key
        del self._data[full]
        self._state.written(full, None)

    def __iter__(self) -> Iterator[str]:
        size = len(self._prefix)
        return iter([key[size:] for key in self._data if key.startswith(self._prefix)])

    def __len__(self) -> int:
        return sum(1 for key in self._data if key.startswith(self._prefix))


class DurableState:
    """The stores over one dict, a journal record per event, and flushes that keep the changelog small."""

    def __init__(
        self,
        data: MutableMapping[str, Any],
        changelog: Changelog,
        key_partition: MutableMapping[str, int] | None = None,
    ) -> None:
        """`key_partition`: where Faust's memory store notes each key's partition, so it can drop the
        keys of partitions that moved to another worker; None when nothing needs it (tests)."""
        self.data = data
        self._changelog = changelog
        self._key_partition = key_partition
        self._ledgers: dict[int, _Ledger] = {}
        self._recovered: set[int] = set()
        self._writes: dict[str, Any] = {}
        self.stores = Stores(**{store.name: JournaledStore(store.name, self) for store in fields(Stores)})

    def written(self, key: str, value: Any) -> None:
        """Called by the stores: `key` now holds `value` (None: deleted) for the event being applied."""
        self._writes[key] = value

    def needs_recovery(self, partition: int) -> bool:
        return partition not in self._recovered

    def applied(self, partition: int) -> int | None:
        """The last offset of `partition` whose event is in the state (None: never any)."""
        ledger = self._ledgers.get(partition)
        return None if ledger is None else ledger.applied

    def recover(self, partition: int) -> list[JournaledOutput]:
        """Complete the state of `partition` from its journal; returns the journaled outputs to send again."""
        ledger = self._ledgers.setdefault(partition, _Ledger())
        marker = self.data.get(applied_key(partition))
        if marker is not None and (ledger.applied is None or marker["o"] > ledger.applied):
            ledger.applied = int(marker["o"])
        prefix = f"{JOURNAL_PREFIX}{partition}|"
        outputs: list[JournaledOutput] = []
        journaled = set(ledger.journaled)
        for key in sorted(key for key in self.data if key.startswith(prefix)):
            record = self.data.pop(key)
            for written, value in record["w"].items():
                self._apply(partition, written, value)
            outputs += [JournaledOutput.from_json(item) for item in record["out"]]
            offset = int(record["o"])
            journaled.add(offset)
            if ledger.applied is None or offset > ledger.applied:
                ledger.applied = offset
        ledger.journaled = sorted(journaled)
        ledger.sent = ledger.applied  # the caller sends the returned outputs before the next event
        self._recovered.add(partition)
        return outputs

    def _apply(self, partition: int, key: str, value: Any) -> None:
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value
        self._ledgers[partition].dirty[key] = None

    def forget(self, partitions: set[int]) -> None:
        """Partitions revoked: recover them again if they come back (Faust may have restored them anew)."""
        self._recovered -= partitions

    def begin(self) -> None:
        """Start applying an event: its writes are collected from here."""
        self._writes = {}

    def finish(self, partition: int, offset: int, outputs: list[JournaledOutput]) -> None:
        """The event at `offset` is applied: send its journal record, before anything that depends on it."""
        ledger = self._ledgers.setdefault(partition, _Ledger())
        writes, self._writes = self._writes, {}
        record = {"o": offset, "w": writes, "out": [output.to_json() for output in outputs]}
        self._changelog.send(partition, journal_key(partition, offset), record)
        ledger.applied = offset
        ledger.journaled.append(offset)
        ledger.dirty.update(dict.fromkeys(writes))
        if self._key_partition is not None:
            for key in writes:
                self._key_partition[key] = partition

    def sent(self, partition: int, offset: int) -> None:
        """Every output of the event at `offset` is with the producer: a flush may now cover it."""
        self._ledgers[partition].sent = offset

    def pending_records(self) -> int:
        """Journal records not yet covered by a flush."""
        return sum(len(ledger.journaled) for ledger in self._ledgers.values())

    def flush_base(self) -> FlushPlan:
        """Send the current value of every key written since the last flush; `seal` once they are in Kafka."""
        through = {}
        for partition, ledger in self._ledgers.items():
            if not ledger.journaled or ledger.sent is None:
                continue
            for key in ledger.dirty:
                self._changelog.send(partition, key, self.data.get(key))
            ledger.dirty = {}
            through[partition] = ledger.sent
        return FlushPlan(through)

    def seal(self, plan: FlushPlan) -> None:
        """The flushed values are in Kafka: mark their offsets applied and delete the records they cover."""
        for partition, offset in plan.through.items():
            ledger = self._ledgers[partition]
            self.data[applied_key(partition)] = {"o": offset}
            self._changelog.send(partition, applied_key(partition), {"o": offset})
            if self._key_partition is not None:
                self._key_partition[applied_key(partition)] = partition
            covered = [journaled for journaled in ledger.journaled if journaled <= offset]
            for journaled in covered:
                self._changelog.send(partition, journal_key(partition, journaled), None)
            ledger.journaled = ledger.journaled[len(covered) :]
