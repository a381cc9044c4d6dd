"""A simulated history run through the EventProcessor, reduced to digests of its outputs and stores.

The guard of processor optimisations (test_processor_equivalence.py): the same events must give the
same messages (topic, key, value, in order, dict keys in order, datetimes with their offsets) and
the same stores, and the stores must survive a JSON round trip (a restarted worker loads them from
the changelog) without changing what comes next. The fixture holds the digests recorded from the
processor before it was optimised; `python -m tests.unit.streams.equivalence` prints them afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from pantau.catalog import Catalog, load_catalog
from producers.simulator import SimulationOptions, simulate
from streams.logic.sla import BurnRatePolicy
from streams.processor import EventProcessor, Output, Stores, StreamOptions
from streams.typed_state import durable_json

FIXTURE = Path(__file__).parent / "fixtures" / "processor_equivalence.json"
START = date(2026, 11, 2)  # a Monday
TICK_EVERY = 97
CONFLICT_EVERY = 401
BACKFILL_LAG = timedelta(days=2)
HELD_TO_END_EVERY = 9
SNAPSHOT_EVERY = 2500

SCENARIOS: dict[str, StreamOptions] = {
    "defaults": StreamOptions(),
    # Short horizons, so expiry, closed windows, late counts, forgotten ids and complaint removal
    # all happen within the simulated days; low burn thresholds, so compliance_burn signals fire.
    "short_horizons": StreamOptions(
        ticket_ttl_s=3 * 3600.0,
        late_horizon_s=5 * 3600.0,
        complaint_keep_s=8 * 3600.0,
        queue_track_s=2 * 3600.0,
        survey_dedup_s=6 * 3600.0,
        burn=BurnRatePolicy(page_burn=2.0, warn_burn=1.0, min_long_volume=3, min_short_volume=1),
    ),
}


@dataclasses.dataclass(frozen=True)
class Received:
    """One message as the worker gets it: its bytes, and the Kafka append time."""

    payload: bytes
    received_at: datetime


@dataclasses.dataclass
class Digests:
    """What one run produced, small enough for a committed fixture."""

    events: int
    outputs: int
    outputs_by_topic: dict[str, int]
    outputs_sha256: str
    ticks: int
    ticks_sha256: str
    stores_sha256: str
    store_sizes: dict[str, int]
    snapshots_sha256: list[str]
    """The stores' digest after every SNAPSHOT_EVERY events: state that a sweep removes later counts too."""


def scenario_records(catalog: Catalog) -> list[Received]:
    """Three days of four offices, late and repeated and broken lines, backfilled first day, conflicts.

    Receipt times: a running receive clock (the latest occurrence so far, plus 2 s), so held-back
    events arrive late; events of the first local day of office 2 arrive two days late (a backfill,
    judged as history); every CONFLICT_EVERY-th valid event comes again later with other content;
    every HELD_TO_END_EVERY-th event of office 3's first day comes only at the end (days late, past
    the short horizons: closed windows, late surveys, expired tickets).
    """
    options = SimulationOptions(
        offices=4, days=3, seed=11, start=START, out_of_order=0.04, duplicates=0.04, invalid=0.01
    )
    records = list(simulate(catalog, options))
    backfilled, held_office = catalog.offices[1].id, catalog.offices[2].id
    first_day_end = datetime.combine(START + timedelta(days=1), datetime.min.time(), tzinfo=catalog.offices[1].zone)
    received: list[Received] = []
    held: list[bytes] = []
    conflicts: list[tuple[int, bytes]] = []
    clock = records[0].occurred_at
    for index, record in enumerate(records):
        clock = max(clock, record.occurred_at)
        at = clock + timedelta(seconds=2)
        if record.key == backfilled and record.occurred_at < first_day_end:
            at = record.occurred_at + BACKFILL_LAG
        while conflicts and conflicts[0][0] <= index:
            received.append(Received(conflicts.pop(0)[1], at))
        if record.key == held_office and record.occurred_at < first_day_end and index % HELD_TO_END_EVERY == 0:
            held.append(record.payload)
        else:
            received.append(Received(record.payload, at))
        if record.valid_expected and index % CONFLICT_EVERY == 0:
            conflicts.append((index + 37, _conflicting(record.payload)))
    end = clock + timedelta(seconds=2)
    late = [payload for _, payload in conflicts] + held
    return received + [Received(payload, end) for payload in late]


def _conflicting(payload: bytes) -> bytes:
    """The same event_id with its time one second earlier: other content, still a valid event."""
    body = json.loads(payload)
    moment = datetime.fromisoformat(body["occurred_at"]) - timedelta(seconds=1)
    body["occurred_at"] = moment.isoformat()
    return json.dumps(body).encode()


def _value_default(value: Any) -> Any:
    """Types orjson is told to pass through: written with their type and offset, so any change shows."""
    if isinstance(value, datetime):
        return f"datetime:{value.isoformat()}"
    if isinstance(value, date):
        return f"date:{value.isoformat()}"
    if isinstance(value, bytes):
        return f"bytes:{value.hex()}"
    if isinstance(value, tuple):
        return {"tuple": list(value)}
    raise TypeError(f"unexpected {type(value).__name__} in an output")


def output_line(output: Output) -> bytes:
    """One output as bytes: topic name, key, and the value with its keys in their order."""
    value = orjson.dumps(
        output.value,
        default=_value_default,
        option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS,
    )
    return b"%s\t%s\t%s\n" % (output.topic.suffix.encode(), output.key.encode(), value)


def assert_plain_json(value: Any, where: str) -> None:
    """Raise AssertionError unless `value` is made of dicts with str keys, lists, str, int, float, bool, None."""
    if value is None or isinstance(value, str | int | float | bool):
        return
    if isinstance(value, list):
        for item in value:
            assert_plain_json(item, where)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{where}: key {key!r} is not a string"
            assert_plain_json(item, where)
        return
    raise AssertionError(f"{where}: {type(value).__name__} is not plain JSON")


def store_mapping(stores: Stores) -> dict[str, Mapping[str, Any]]:
    """Every store by its field name, in its durable form (values kept as objects encoded, as a checkpoint does)."""
    return {
        field.name: {key: durable_json(value) for key, value in getattr(stores, field.name).items()}
        for field in dataclasses.fields(stores)
    }


def stores_digest(stores: Stores) -> tuple[str, dict[str, int]]:
    """sha256 of every store as canonical JSON (keys sorted: a table's order means nothing), and sizes."""
    contents = store_mapping(stores)
    for name, store in contents.items():
        for key, value in store.items():
            assert_plain_json(value, f"{name}[{key}]")
    canonical = orjson.dumps({name: dict(store) for name, store in contents.items()}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest(), {name: len(store) for name, store in contents.items()}


def json_round_trip(stores: Stores) -> Stores:
    """The stores as a restarted worker has them: every value written as JSON and read back."""
    loaded = {
        name: {key: orjson.loads(orjson.dumps(value)) for key, value in store.items()}
        for name, store in store_mapping(stores).items()
    }
    return Stores(**loaded)


def run(
    records: list[Received],
    options: StreamOptions,
    catalog: Catalog,
    restart_every: int | None = None,
    ticks: bool = True,
) -> Digests:
    """Process every record (ticking every TICK_EVERY); with `restart_every`, restart that often.

    A restart is a new processor on the stores after a JSON round trip, as a worker restored from its
    changelog; the ticker's memory of what it sent is lost then, so restarts go with `ticks=False`.
    """

    def new_processor() -> EventProcessor:
        return EventProcessor(catalog, b"equivalence-key", source="kafka:test.events", options=options)

    processor = new_processor()
    stores = Stores(tickets={}, windows={}, complaints={}, ikm={}, surveys_seen={})
    outputs, tick_outputs = hashlib.sha256(), hashlib.sha256()
    topics: Counter[str] = Counter()
    count = tick_count = 0
    snapshots: list[str] = []
    for position, record in enumerate(records):
        if position and position % SNAPSHOT_EVERY == 0:
            snapshots.append(stores_digest(stores)[0])
        if restart_every and position and position % restart_every == 0:
            stores = json_round_trip(stores)
            processor = new_processor()
        for output in processor.process(record.payload, f"0/{position}", stores, record.received_at):
            outputs.update(output_line(output))
            topics[output.topic.suffix] += 1
            count += 1
        if ticks and position % TICK_EVERY == 0:
            for output in processor.tick(record.received_at, stores):
                tick_outputs.update(output_line(output))
                tick_count += 1
    stores_sha, sizes = stores_digest(stores)
    return Digests(
        events=len(records),
        outputs=count,
        outputs_by_topic=dict(sorted(topics.items())),
        outputs_sha256=outputs.hexdigest(),
        ticks=tick_count,
        ticks_sha256=tick_outputs.hexdigest(),
        stores_sha256=stores_sha,
        store_sizes=sizes,
        snapshots_sha256=snapshots,
    )


def all_digests() -> Iterator[tuple[str, Digests]]:
    """Every scenario's digests, by name."""
    catalog = load_catalog()
    records = scenario_records(catalog)
    for name, options in SCENARIOS.items():
        yield name, run(records, options, catalog)


def main() -> None:
    """Print the fixture's JSON (redirect it into FIXTURE to record the current processor's results)."""
    recorded = {name: dataclasses.asdict(digests) for name, digests in all_digests()}
    json.dump(recorded, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
