"""The processor gives the very outputs and stores it gave before it was optimised, also across restarts.

Input: a simulated history (tests/unit/streams/equivalence.py). Expected: the digests recorded in
fixtures/processor_equivalence.json from the processor before the speed work. A change that is meant
to change outputs must re-record the fixture (`python -m tests.unit.streams.equivalence`) and say why.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache

import pytest

from pantau.catalog import Catalog, load_catalog
from tests.unit.streams.equivalence import FIXTURE, SCENARIOS, Received, run, scenario_records


@cache
def _inputs() -> tuple[Catalog, list[Received]]:
    catalog = load_catalog()
    return catalog, scenario_records(catalog)


def _recorded(name: str) -> dict[str, object]:
    recorded: dict[str, dict[str, object]] = json.loads(FIXTURE.read_text())
    return recorded[name]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_outputs_and_stores_match_the_recording(name: str) -> None:
    catalog, records = _inputs()

    digests = run(records, SCENARIOS[name], catalog)

    assert dataclasses.asdict(digests) == _recorded(name)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_restarts_from_json_stores_change_nothing(name: str) -> None:
    catalog, records = _inputs()

    digests = run(records, SCENARIOS[name], catalog, restart_every=len(records) // 3 + 1, ticks=False)

    expected = _recorded(name)
    assert (digests.outputs, digests.outputs_sha256) == (expected["outputs"], expected["outputs_sha256"])
    assert (digests.stores_sha256, digests.store_sizes) == (expected["stores_sha256"], expected["store_sizes"])
    assert digests.snapshots_sha256 == expected["snapshots_sha256"]
