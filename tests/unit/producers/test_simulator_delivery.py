"""Delivery noise: time order without it; late and repeated events in the shares asked for."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

from producers.simulator import SimulationOptions
from tests.unit.producers.simulator_runs import run

CLEAN = SimulationOptions(offices=6, days=2, seed=9, start=date(2026, 11, 2))


def test_without_noise_records_come_in_time_order() -> None:
    records = run(CLEAN).records
    assert all(a.occurred_at <= b.occurred_at for a, b in itertools.pairwise(records))


def test_duplicates_repeat_identical_records_in_the_share_asked_for() -> None:
    noisy = run(SimulationOptions(CLEAN.offices, CLEAN.days, CLEAN.seed, CLEAN.start, duplicates=0.05))
    counts = Counter(record.payload for record in noisy.records)
    originals = run(CLEAN).records
    assert set(counts) == {record.payload for record in originals}  # nothing new, nothing lost
    assert max(counts.values()) <= 2
    assert 0.04 < sum(count - 1 for count in counts.values()) / len(originals) < 0.06


def test_out_of_order_holds_back_the_share_asked_for_and_loses_nothing() -> None:
    noisy = run(SimulationOptions(CLEAN.offices, CLEAN.days, CLEAN.seed, CLEAN.start, out_of_order=0.1))
    originals = run(CLEAN).records
    assert sorted(r.payload for r in noisy.records) == sorted(r.payload for r in originals)
    late = 0
    latest = noisy.records[0].occurred_at
    for record in noisy.records:
        late += record.occurred_at < latest
        latest = max(latest, record.occurred_at)
    assert 0.08 < late / len(originals) < 0.12


def test_noise_keeps_the_office_key_of_every_record() -> None:
    noisy = run(SimulationOptions(CLEAN.offices, CLEAN.days, CLEAN.seed, CLEAN.start, 0.05, 0.05, 0.0))
    assert all(record.payload.count(f'"office_id":"{record.key}"'.encode()) == 1 for record in noisy.records)
