"""The e2e suite's shared input and its uninterrupted run, each made once per session.

Input: a seeded simulation of 4 offices over 1 day with out-of-order and duplicate delivery and broken
lines, written by `pantau simulate --out`. The uninterrupted run replays it through `pantau worker` and
`pantau sink` with `pantau replay --wait`; the tests read its tables with `pantau sql`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pantau.catalog import load_catalog
from producers.simulator import SimulationOptions, simulate
from tests.e2e.cli import CliPipeline
from tests.e2e.oracle import Expected, InputLine, expected_from

SIMULATION = SimulationOptions(
    offices=4, days=1, seed=7, start=date(2026, 11, 2), out_of_order=0.03, duplicates=0.02, invalid=0.01
)
SIMULATE_FLAGS = [
    "--offices", "4", "--days", "1", "--seed", "7", "--start", "2026-11-02",
    "--out-of-order", "0.03", "--duplicates", "0.02", "--invalid", "0.01",
]  # fmt: skip


@dataclass(frozen=True)
class SimulatedInput:
    path: Path
    lines: list[InputLine]
    expected: Expected


@dataclass(frozen=True)
class CleanRun:
    pipeline: CliPipeline
    replay_stdout: str
    replay_stderr: str
    tables: dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="session")
def simulated_input(tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str) -> SimulatedInput:
    """The simulation file written by the CLI, with the simulator's own word on which lines are broken."""
    workdir = tmp_path_factory.mktemp("e2e-input")
    path = workdir / "day.jsonl"
    result = CliPipeline(kafka_bootstrap, workdir).run("simulate", *SIMULATE_FLAGS, "--out", str(path))
    assert result.returncode == 0, result.stderr
    catalog = load_catalog()
    records = list(simulate(catalog, SIMULATION))
    file_lines = path.read_bytes().split(b"\n")[:-1]
    assert file_lines == [record.payload for record in records]
    lines = [
        InputLine(number, record.payload, record.valid_expected)
        for number, record in enumerate(records, start=1)
        if record.payload.strip()  # a blank line is layout for the replay, not an event
    ]
    return SimulatedInput(path, lines, expected_from(lines, {office.id for office in catalog.offices}))


@pytest.fixture(scope="session")
def clean_run(
    tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str, simulated_input: SimulatedInput
) -> Iterator[CleanRun]:
    """worker + sink + `replay --wait`, uninterrupted; the tables are read after the sink stopped."""
    pipeline = CliPipeline(kafka_bootstrap, tmp_path_factory.mktemp("e2e-clean"))
    pipeline.start("worker")
    pipeline.start("sink")
    pipeline.wait_for_topics()
    try:
        replay = pipeline.run("replay", str(simulated_input.path), "--wait", "--timeout", "200", timeout_s=260)
        assert replay.returncode == 0, replay.stderr + pipeline.log("worker")[-3000:] + pipeline.log("sink")[-3000:]
        pipeline.assert_running()
        pipeline.stop("worker")
        pipeline.stop("sink")  # releases the embedded store for `pantau sql`
        yield CleanRun(pipeline, replay.stdout, replay.stderr, pipeline.dump_fact_tables())
    finally:
        pipeline.stop_all()
