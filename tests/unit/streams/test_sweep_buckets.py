"""Sweep buckets: items kept in chunks, swept in booking order; buckets of earlier releases still swept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from streams.state import SWEEP_BUCKET_S, SWEEP_CHUNK, OfficeClock, sweep_hour

OFFICE = "MPP-JKT-01"
DUE = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
HOUR = sweep_hour(DUE)
BUCKET = f"{OFFICE}|{HOUR}"


class RecordingStore(dict[str, Any]):
    """A dict that remembers every key written or deleted (what a flush would send)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.touched: set[str] = set()

    def __setitem__(self, key: str, value: Any) -> None:
        self.touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.touched.add(key)
        super().__delitem__(key)


def clock_at(moment: datetime, due: list[int]) -> OfficeClock:
    return OfficeClock(OFFICE, moment, due)


def test_items_are_kept_in_chunks_and_swept_in_booking_order() -> None:
    sweep = RecordingStore()
    clock = clock_at(DUE - timedelta(hours=1), [])
    items = [("tickets", f"{OFFICE}|T{index}") for index in range(2 * SWEEP_CHUNK + 22)]

    for kind, key in items:
        clock.schedule(sweep, DUE, kind, key)  # type: ignore[arg-type]

    assert sweep[BUCKET] == {"n": len(items), "c": SWEEP_CHUNK}
    assert sorted(sweep) == sorted([BUCKET, f"{BUCKET}|c0", f"{BUCKET}|c1", f"{BUCKET}|c2"])
    assert len(sweep.touched) == 4, "one key per chunk, not one per item"
    clock.observe(datetime.fromtimestamp(HOUR + SWEEP_BUCKET_S, tz=UTC))
    assert clock.take_due(sweep) == items
    assert sweep == {}


def test_a_bucket_of_one_key_per_item_is_continued_and_swept_whole() -> None:
    """Written by the release before chunks: {"n": count} and `office|hour|i` -> [kind, key]."""
    sweep = RecordingStore({BUCKET: {"n": 2}, f"{BUCKET}|0": ["tickets", "a"], f"{BUCKET}|1": ["windows", "b"]})
    clock = clock_at(DUE, [HOUR])

    clock.schedule(sweep, DUE, "late", "c")

    assert sweep[BUCKET] == {"n": 3} and sweep[f"{BUCKET}|2"] == ["late", "c"]
    clock.observe(datetime.fromtimestamp(HOUR + SWEEP_BUCKET_S, tz=UTC))
    assert clock.take_due(sweep) == [("tickets", "a"), ("windows", "b"), ("late", "c")]
    assert sweep == {}


def test_a_bucket_holding_its_items_in_the_header_is_moved_to_chunks() -> None:
    """The first release with sweeps wrote {kind: [keys]} as the bucket itself."""
    sweep = RecordingStore({BUCKET: {"tickets": ["a", "b"], "windows": ["c"]}})
    clock = clock_at(DUE, [HOUR])

    clock.schedule(sweep, DUE, "late", "d")

    assert sweep[BUCKET] == {"n": 4, "c": SWEEP_CHUNK}
    clock.observe(datetime.fromtimestamp(HOUR + SWEEP_BUCKET_S, tz=UTC))
    assert clock.take_due(sweep) == [("tickets", "a"), ("tickets", "b"), ("windows", "c"), ("late", "d")]
    assert sweep == {}


def test_an_untouched_oldest_bucket_is_swept_as_it_is() -> None:
    sweep = RecordingStore({BUCKET: {"tickets": ["a"]}})
    clock = clock_at(datetime.fromtimestamp(HOUR + SWEEP_BUCKET_S, tz=UTC), [HOUR])

    assert clock.take_due(sweep) == [("tickets", "a")]
    assert sweep == {}


def test_a_stored_chunk_is_never_changed_in_place() -> None:
    """A checkpoint may still hold the list it saw; booking writes a new one."""
    sweep = RecordingStore()
    clock = clock_at(DUE - timedelta(hours=1), [])
    clock.schedule(sweep, DUE, "tickets", "a")
    first = sweep[f"{BUCKET}|c0"]

    clock.schedule(sweep, DUE, "tickets", "b")

    assert first == [["tickets", "a"]]
    assert sweep[f"{BUCKET}|c0"] == [["tickets", "a"], ["tickets", "b"]]
