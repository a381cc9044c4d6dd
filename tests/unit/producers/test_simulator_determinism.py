"""The simulator is a deterministic, lazy stream: same seed same bytes, one day generated at a time."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from producers.simulator import SimulationOptions, simulate
from tests.unit.producers.simulator_runs import CATALOG

NOISY = SimulationOptions(
    offices=4, days=2, seed=11, start=date(2026, 11, 2), out_of_order=0.05, duplicates=0.03, invalid=0.03
)


def _lines(options: SimulationOptions) -> list[tuple[str, bytes, object, bool]]:
    return [(r.key, r.payload, r.occurred_at, r.valid_expected) for r in simulate(CATALOG, options)]


def test_the_same_seed_gives_the_same_records_noise_included() -> None:
    assert _lines(NOISY) == _lines(NOISY)


def test_another_seed_gives_other_events() -> None:
    first = {payload for _, payload, _, valid in _lines(NOISY) if valid}
    other = SimulationOptions(4, 2, 12, NOISY.start, 0.05, 0.03, 0.03)
    assert first.isdisjoint(payload for _, payload, _, valid in _lines(other) if valid)


def test_an_office_behaves_the_same_whatever_else_is_simulated() -> None:
    alone = SimulationOptions(offices=1, days=2, seed=3, start=date(2026, 11, 2))
    together = SimulationOptions(offices=6, days=2, seed=3, start=date(2026, 11, 2))
    first_office = CATALOG.offices[0].id
    assert [r.payload for r in simulate(CATALOG, alone)] == [
        r.payload for r in simulate(CATALOG, together) if r.key == first_office
    ]


def test_the_stream_is_lazy_and_yields_the_first_day_before_generating_the_next() -> None:
    decade = SimulationOptions(offices=len(CATALOG.offices), days=3650, seed=1, start=date(2026, 11, 2))
    started = time.perf_counter()
    stream = simulate(CATALOG, decade)
    first = list(itertools.islice(stream, 1000))
    assert isinstance(stream, Iterator)
    assert time.perf_counter() - started < 5.0  # a decade in memory would take minutes
    assert all(r.occurred_at.date() <= decade.start + timedelta(days=1) for r in first)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SimulationOptions(offices=len(CATALOG.offices) + 1, days=1, seed=1, start=date(2026, 11, 2)), "26 offices"),
        (SimulationOptions(offices=0, days=1, seed=1, start=date(2026, 11, 2)), "offices must be at least 1"),
        (SimulationOptions(offices=1, days=0, seed=1, start=date(2026, 11, 2)), "days must be at least 1"),
        (SimulationOptions(offices=1, days=1, seed=1, start=date(2026, 11, 2), invalid=1.5), "invalid is a share"),
    ],
)
def test_impossible_options_raise_at_once_with_the_reason(options: SimulationOptions, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(CATALOG, options)  # not iterated: the check must not wait for the first record
