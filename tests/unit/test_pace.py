"""The simulator's pacing: fast through the past, never ahead of the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from pantau.cli.simulate_cmd import pace
from producers.simulator import SimulatedRecord

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


class Record:
    def __init__(self, occurred_at: datetime) -> None:
        self.occurred_at = occurred_at


def test_pace_replays_the_past_fast_and_then_waits_for_each_event_to_happen() -> None:
    times = [NOW - timedelta(hours=2), NOW - timedelta(hours=1), NOW + timedelta(minutes=30)]
    slept: list[float] = []
    records = cast(list[SimulatedRecord], [Record(at) for at in times])

    released = list(pace(iter(records), speed=3600.0, sleep=slept.append, wall_now=lambda: NOW))

    assert [r.occurred_at for r in released] == times
    # the first hour of history takes one second at 3600x; the future event waits its 30 minutes
    assert len(slept) == 2
    assert 0.9 < slept[0] <= 1.0
    assert 1790 < slept[1] <= 1800
