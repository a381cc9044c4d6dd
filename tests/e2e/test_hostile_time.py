"""Hostile time through the real main job: `pantau up`, then `pantau replay FILE --wait`, then `pantau sql`.

Three days of two simulated offices are replayed twice, each into its own pipeline: once in order
(`pantau worker` + `pantau sink`), once as a queue system that was offline would send them, through
`pantau up --no-alerts`: one office's first day after everything else, the rest exported one ticket
at a time, with an event dated years ahead and a repeated event_id with other content in the middle.
The tables must be identical, the two hostile lines dead letters with their reasons, and the first
version of the repeated event_id the one in `events`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from pantau.catalog import load_catalog
from producers.simulator import SimulatedRecord, SimulationOptions, simulate
from tests.e2e.cli import CliPipeline, wait_until
from tests.reliability.test_arrival_orders import grouped_per_ticket, in_order

pytestmark = pytest.mark.e2e
CATALOG = load_catalog()
DAYS = SimulationOptions(offices=2, days=3, seed=11, start=date(2026, 11, 2))
COMPARED = ("tickets", "window_metrics", "ikm", "complaints", "surveys")


def hostile(records: list[SimulatedRecord]) -> tuple[list[bytes], bytes]:
    """The hostile arrival order and lines, and the line whose event_id is repeated with other content."""
    ordered = in_order(records)
    office = ordered[0].key
    zone = CATALOG.office(office).zone
    first_day = [r for r in ordered if r.key == office and r.occurred_at.astimezone(zone).date() == DAYS.start]
    rest = grouped_per_ticket([r for r in ordered if r not in first_day])
    lines = [r.payload for r in rest + first_day]
    original = next(line for line in lines if b'"ticket.issued"' in line)
    conflicting = orjson.loads(original)
    conflicting["ticket_id"] = "GHOST-1"
    future = {**orjson.loads(original), "event_id": "kiosk-2031", "occurred_at": "2031-11-03T09:00:00+07:00"}
    middle = len(lines) // 2
    return [*lines[:middle], orjson.dumps(future), orjson.dumps(conflicting), *lines[middle:]], original


def replayed(pipeline: CliPipeline, path: Path) -> str:
    result = pipeline.run("replay", str(path), "--wait", "--timeout", "200", timeout_s=260)
    assert result.returncode == 0, result.stderr + pipeline.log("worker")[-2000:] + pipeline.log("up")[-2000:]
    return result.stdout


def tables(pipeline: CliPipeline) -> dict[str, list[dict[str, Any]]]:
    return {
        table: pipeline.sql(f"SELECT * EXCEPT (_version) FROM pantau.{table} FINAL ORDER BY ALL") for table in COMPARED
    }


@pytest.fixture(scope="module")
def week_records() -> list[SimulatedRecord]:
    return [r for r in simulate(CATALOG, DAYS) if r.valid_expected]


@pytest.fixture(scope="module")
def in_order_tables(
    tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str, week_records: list[SimulatedRecord]
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    workdir = tmp_path_factory.mktemp("hostile-baseline")
    path = workdir / "in-order.jsonl"
    path.write_bytes(b"".join(r.payload + b"\n" for r in in_order(week_records)))
    pipeline = CliPipeline(kafka_bootstrap, workdir)
    pipeline.start("worker")
    pipeline.start("sink")
    pipeline.wait_for_topics()
    try:
        replayed(pipeline, path)
        pipeline.stop("worker")
        pipeline.stop("sink")
        yield tables(pipeline)
    finally:
        pipeline.stop_all()


def test_hostile_arrival_through_pantau_up_gives_the_in_order_tables(
    tmp_path_factory: pytest.TempPathFactory,
    kafka_bootstrap: str,
    week_records: list[SimulatedRecord],
    in_order_tables: dict[str, list[dict[str, Any]]],
) -> None:
    workdir = tmp_path_factory.mktemp("hostile-up")
    lines, original = hostile(week_records)
    path = workdir / "offline-queue-machine.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    pipeline = CliPipeline(kafka_bootstrap, workdir)
    pipeline.start("up", "--no-alerts")
    try:
        wait_until(lambda: pipeline.assert_running() or "pantau sql works" in pipeline.log("up"), 180, "pantau up")
        stdout = replayed(pipeline, path)
        assert "reconciled: yes" in stdout, stdout

        found = tables(pipeline)
        for table in COMPARED:
            assert len(found[table]) == len(in_order_tables[table]) > 0, table
            assert found[table] == in_order_tables[table], f"{table} differs from the in-order run"
        dead = pipeline.sql("SELECT position, reason_code, raw FROM pantau.dead_letters FINAL ORDER BY position")
        assert sorted(row["reason_code"] for row in dead) == ["conflicting_duplicate", "occurred_in_future"]
        event_id = orjson.loads(original)["event_id"]
        [stored] = pipeline.sql(f"SELECT payload FROM pantau.events FINAL WHERE event_id = '{event_id}'")
        assert orjson.loads(stored["payload"])["ticket_id"] == orjson.loads(original)["ticket_id"]
        assert pipeline.sql("SELECT count() AS n FROM pantau.tickets FINAL WHERE ticket_id = 'GHOST-1'")[0]["n"] == 0
        newest = pipeline.sql("SELECT max(occurred_at) AS newest FROM pantau.events")[0]["newest"]
        assert datetime.fromisoformat(str(newest).replace(" ", "T")).replace(tzinfo=UTC).year == 2026
    finally:
        pipeline.stop_all()


def test_what_pantau_writes_is_private_to_its_user(tmp_path: Path, kafka_bootstrap: str) -> None:
    """The embedded store, logs and keys of a CLI run: no group or other permission on any file or folder."""
    pipeline = CliPipeline(kafka_bootstrap, tmp_path / "private")
    pipeline.workdir.mkdir()
    result = pipeline.run("migrate")
    assert result.returncode == 0, result.stderr

    created = [path for path in pipeline.workdir.rglob("*")]
    assert len(created) > 10
    exposed = [str(path) for path in created if path.stat().st_mode & 0o077]
    assert exposed == []
