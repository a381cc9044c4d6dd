"""The worker's state over one dict and one changelog, made durable one whole batch at a time.

The protocol that uses it (when a checkpoint is written, sent, flushed) is streams/checkpoint.py;
this module is the storage and its record format.

- All stores live in one in-memory dict (a Faust table's storage), under "<store>|<key>", and all
  durable writes go to that table's one changelog topic, to the partition of the events that caused
  them. Kafka keeps a partition in order, so what survives a crash is a prefix of what was sent.
- A *checkpoint* (`finish`) covers one partition's events of one batch: the final value of every key
  the batch wrote and the (coalesced) output messages it caused, up to its last offset. It is one
  changelog message, or, when that would pass `MAX_RECORD_BYTES`, a few *chunks* sent back to back
  (key "~journal|<partition>|<offset>|<index>", each saying how many there are). Recovery applies a
  checkpoint only when all its chunks survived, so a checkpoint is all or nothing.
- `flush_base` (every second or so) writes the current value of every key written since the last
  flush, once each however often it changed; once those are in Kafka, `seal` writes an *applied
  marker* ("~applied|<partition>": the last offset flushed) and deletes the checkpoint records the
  flushed values cover, which keeps the changelog compact.

Recovery (`recover`, at the first batch of a partition after an assignment, when Faust has restored
the table) applies the complete checkpoints still present in offset order over the flushed values,
which gives the state after the last batch whose checkpoint survived, whole; the marker and the
checkpoints say which offset that is, and their outputs are sent again, since outputs sent after the
last flush may have been lost (the sink keeps one row per key and version, so twice is harmless).

Why the prefix gives whole batches: a checkpoint is sent after its batch's writes are done in
memory and before any flush that could include them; a flushed value is sent after the checkpoints
of every batch it reflects; the marker and deletions are sent after the flushed values are in Kafka.
Any prefix therefore holds, for each key, either its flushed value and every later checkpoint that
touched it, or checkpoints from before the flush that cover it.

Record format (version 2, JSON): {"v": 2, "o": last offset, "i": chunk index, "n": chunk count,
"w": {key: value or null}, "out": [[topic, key, value as a JSON document], ...]}. Records without
"v" are the per-event journal of earlier releases ("out" values as strings, one chunk): recovery
still reads them, so a worker upgraded in place continues from its changelog.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

import orjson

from streams.state import Stores
from streams.typed_state import dumps

JOURNAL_PREFIX = "~journal|"
APPLIED_PREFIX = "~applied|"
RECORD_VERSION = 2
MAX_RECORD_BYTES = 512 * 1024
"""A checkpoint larger than this is sent in chunks: Kafka refuses messages over 1 MiB by default."""


class Changelog(Protocol):
    """Sends one changelog message to a partition, in call order.

    `value`: bytes (an encoded checkpoint record, sent as is), None (a deletion), or a JSON value.
    """

    def send(self, partition: int, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class JournaledOutput:
    """An output message as a checkpoint keeps it: topic name, key, and the encoded value."""

    topic: str
    key: str
    value: bytes


@dataclass
class _Ledger:
    """What the worker knows of one partition's durable state."""

    applied: int | None = None
    sent: int | None = None
    """The last offset whose outputs were all handed to the producer: a flush covers no further."""
    journaled: list[tuple[int, int]] = field(default_factory=list)
    """(last offset, chunk count) of the checkpoints in the changelog and not yet deleted."""
    dirty: dict[str, bytes | None] = field(default_factory=dict)
    """Keys written since the last flush, each with its current value as encoded by the checkpoint
    that wrote it last (None: deleted); a flush sends these bytes, so no value is encoded twice."""


@dataclass(frozen=True)
class FlushPlan:
    """Partitions whose dirty values went out in `flush_base`, each with the last offset they cover."""

    through: dict[int, int]


def journal_key(partition: int, offset: int, chunk: int = 0) -> str:
    return f"{JOURNAL_PREFIX}{partition}|{offset:020d}|{chunk:04d}"


def legacy_journal_key(partition: int, offset: int) -> str:
    """The key of a per-event record of earlier releases (no chunk index)."""
    return f"{JOURNAL_PREFIX}{partition}|{offset:020d}"


def applied_key(partition: int) -> str:
    return f"{APPLIED_PREFIX}{partition}"


def encode_writes(writes: dict[str, Any]) -> dict[str, bytes | None]:
    """Each written value as JSON (None: deleted); values kept as objects (streams/typed_state.py)
    are encoded here, the one time per checkpoint."""
    return {key: None if value is None else dumps(value) for key, value in writes.items()}


def encode_checkpoint(
    offset: int, writes: dict[str, bytes | None], outputs: Sequence[JournaledOutput], limit: int = MAX_RECORD_BYTES
) -> list[bytes]:
    """The chunks of one checkpoint, each at most `limit` bytes unless a single item is larger.

    `writes`: as `encode_writes` gives them. Values are embedded as the JSON they already are
    (orjson.Fragment: no second encoding, no string escaping).
    """
    items = [(key, None if value is None else orjson.Fragment(value)) for key, value in writes.items()]
    total = len(items) + len(outputs)
    # A first guess from the sizes already known (each item costs its bytes plus a little framing),
    # so a large checkpoint is usually encoded once rather than once per doubling.
    size = sum(len(key) + len(value or b"") + 8 for key, value in writes.items())
    size += sum(len(o.topic) + len(o.key) + len(o.value) + 12 for o in outputs)
    parts = max(1, min(total, -(-size * 10 // (limit * 9))))
    while True:
        chunks = []
        for index in range(parts):
            chunk_writes = dict(items[index::parts])
            chunk_outputs = [[o.topic, o.key, orjson.Fragment(o.value)] for o in outputs[index::parts]]
            record = {"v": RECORD_VERSION, "o": offset, "i": index, "n": parts, "w": chunk_writes, "out": chunk_outputs}
            chunks.append(orjson.dumps(record))
        if parts >= total or all(len(chunk) <= limit for chunk in chunks):
            return chunks
        parts = min(total, parts * 2)


def _decoded_outputs(record: dict[str, Any]) -> list[JournaledOutput]:
    if record.get("v") == RECORD_VERSION:
        return [JournaledOutput(topic, key, orjson.dumps(value)) for topic, key, value in record["out"]]
    return [JournaledOutput(topic, key, value.encode()) for topic, key, value in record["out"]]


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
    """The stores over one dict, a checkpoint per partition per batch, and flushes that keep the changelog small."""

    def __init__(
        self,
        data: MutableMapping[str, Any],
        changelog: Changelog,
        key_partition: MutableMapping[str, int] | None = None,
        max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> None:
        """`key_partition`: where Faust's memory store notes each key's partition, so it can drop the
        keys of partitions that moved to another worker; None when nothing needs it (tests).
        `max_record_bytes`: above this a checkpoint is chunked (tests make it small to tear them)."""
        self.data = data
        self._max_record_bytes = max_record_bytes
        self._changelog = changelog
        self._key_partition = key_partition
        self._ledgers: dict[int, _Ledger] = {}
        self._recovered: set[int] = set()
        self._writes: dict[str, Any] = {}
        self.stores = Stores(**{store.name: JournaledStore(store.name, self) for store in fields(Stores)})

    def written(self, key: str, value: Any) -> None:
        """Called by the stores: `key` now holds `value` (None: deleted) for the batch being applied."""
        self._writes[key] = value

    def needs_recovery(self, partition: int) -> bool:
        return partition not in self._recovered

    def applied(self, partition: int) -> int | None:
        """The last offset of `partition` whose event is in the state (None: never any)."""
        ledger = self._ledgers.get(partition)
        return None if ledger is None else ledger.applied

    def recover(self, partition: int) -> list[JournaledOutput]:
        """Complete the state of `partition` from its checkpoints; returns their outputs to send again.

        A checkpoint with a chunk missing (the crash came while it was being sent) is the last one
        present; it is deleted, and its events are applied again when they come.
        """
        ledger = self._ledgers.setdefault(partition, _Ledger())
        marker = self.data.get(applied_key(partition))
        if marker is not None and (ledger.applied is None or marker["o"] > ledger.applied):
            ledger.applied = int(marker["o"])
        prefix = f"{JOURNAL_PREFIX}{partition}|"
        by_offset: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        for key in sorted(key for key in self.data if key.startswith(prefix)):
            record = self.data.pop(key)
            if self._key_partition is not None:
                self._key_partition.pop(key, None)
            by_offset.setdefault(int(record["o"]), []).append((key, record))
        if marker is not None:  # covered by the flushed values already: a sealed flush lost its deletions
            for offset in [offset for offset in by_offset if offset <= int(marker["o"])]:
                for key, _ in by_offset.pop(offset):
                    self._changelog.send(partition, key, None)
        journaled = {offset: chunks for offset, chunks in ledger.journaled}
        outputs: list[JournaledOutput] = []
        whole = True
        for offset in sorted(by_offset):
            chunks = by_offset[offset]
            whole = whole and len({record.get("i", 0) for _, record in chunks}) == chunks[0][1].get("n", 1)
            if not whole:  # the torn last checkpoint: delete it; nothing after it can be whole
                for key, _ in chunks:
                    self._changelog.send(partition, key, None)
                continue
            for _, record in chunks:
                for written, value in record["w"].items():
                    self._apply(partition, written, value)
                outputs += _decoded_outputs(record)
            journaled[offset] = len(chunks) if "v" in chunks[0][1] else 0
            if ledger.applied is None or offset > ledger.applied:
                ledger.applied = offset
        ledger.journaled = sorted(journaled.items())
        ledger.sent = ledger.applied  # the caller sends the returned outputs before the next batch
        self._recovered.add(partition)
        return outputs

    def _apply(self, partition: int, key: str, value: Any) -> None:
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value
        self._ledgers[partition].dirty[key] = None if value is None else orjson.dumps(value)

    def forget(self, partitions: set[int]) -> None:
        """Partitions revoked: recover them again if they come back (Faust may have restored them anew)."""
        self._recovered -= partitions

    def begin(self) -> None:
        """Start applying a batch: its writes are collected from here."""
        self._writes = {}

    def finish(self, partition: int, offset: int, outputs: Sequence[JournaledOutput]) -> None:
        """The batch ending at `offset` is applied: send its checkpoint, before anything that depends on it."""
        ledger = self._ledgers.setdefault(partition, _Ledger())
        writes = encode_writes(self._writes)
        self._writes = {}
        chunks = encode_checkpoint(offset, writes, outputs, self._max_record_bytes)
        for index, chunk in enumerate(chunks):
            self._changelog.send(partition, journal_key(partition, offset, index), chunk)
        ledger.applied = offset
        ledger.journaled.append((offset, len(chunks)))
        ledger.dirty.update(writes)
        if self._key_partition is not None:  # so Faust can drop a moved partition's keys; deleted keys need none
            for key, value in writes.items():
                if value is None:
                    self._key_partition.pop(key, None)
                else:
                    self._key_partition[key] = partition

    def sent(self, partition: int, offset: int) -> None:
        """Every output of the batch ending at `offset` is with the producer: a flush may now cover it."""
        self._ledgers[partition].sent = offset

    def pending_records(self) -> int:
        """Checkpoints not yet covered by a flush."""
        return sum(len(ledger.journaled) for ledger in self._ledgers.values())

    def flush_base(self) -> FlushPlan:
        """Send the current value of every key written since the last flush; `seal` once they are in Kafka."""
        through = {}
        for partition, ledger in self._ledgers.items():
            if not ledger.journaled or ledger.sent is None:
                continue
            for key, value in ledger.dirty.items():
                self._changelog.send(partition, key, value)
            ledger.dirty = {}
            through[partition] = ledger.sent
        return FlushPlan(through)

    def seal(self, plan: FlushPlan) -> None:
        """The flushed values are in Kafka: mark their offsets applied and delete the checkpoints they cover."""
        for partition, offset in plan.through.items():
            ledger = self._ledgers[partition]
            self.data[applied_key(partition)] = {"o": offset}
            self._changelog.send(partition, applied_key(partition), {"o": offset})
            if self._key_partition is not None:
                self._key_partition[applied_key(partition)] = partition
            covered = [(last, chunks) for last, chunks in ledger.journaled if last <= offset]
            for last, chunks in covered:
                keys = (
                    [legacy_journal_key(partition, last)]
                    if chunks == 0
                    else [journal_key(partition, last, index) for index in range(chunks)]
                )
                for key in keys:
                    self._changelog.send(partition, key, None)
            ledger.journaled = ledger.journaled[len(covered) :]
