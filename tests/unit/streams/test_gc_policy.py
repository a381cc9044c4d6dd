"""The worker's collector policy: freezing is paced, optional, and frees what reference counting frees.

Each test unfreezes afterwards, so the rest of the test process keeps CPython's normal collector.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from streams.gc_policy import CollectorPolicy


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.collect()


class Node:
    """A container the collector tracks, and that a weak reference can watch."""

    def __init__(self) -> None:
        self.other: Node | None = None


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_tick_moves_every_tracked_object_out_of_the_collectors_reach() -> None:
    kept = [Node() for _ in range(1000)]
    policy = CollectorPolicy(freeze=True)

    policy.tick()

    assert gc.get_freeze_count() >= len(kept)
    assert all(count == 0 for count in gc.get_count()[1:])
    assert policy.freezes == 1


def test_freezes_come_at_most_once_per_interval() -> None:
    clock = FakeClock()
    policy = CollectorPolicy(freeze=True, interval_s=1.0, clock=clock)

    policy.tick()
    clock.now += 0.4
    policy.tick()
    clock.now += 0.4
    policy.tick()
    clock.now += 0.3
    policy.tick()

    assert policy.freezes == 2


def test_switched_off_it_never_freezes() -> None:
    policy = CollectorPolicy(freeze=False, clock=FakeClock())
    Node()

    policy.tick()

    assert gc.get_freeze_count() == 0
    assert policy.freezes == 0


def test_a_frozen_object_is_still_freed_when_its_last_reference_goes() -> None:
    """The worker's state dies by reference counting (a ticket expires): freezing must not keep it."""
    state = {"ticket": Node()}
    freed = []
    weakref.finalize(state["ticket"], freed.append, True)
    CollectorPolicy(freeze=True).tick()

    del state["ticket"]

    assert freed == [True]


def test_a_cycle_frozen_while_alive_waits_for_an_unfreeze_the_trade_off_the_module_names() -> None:
    first, second = Node(), Node()
    first.other, second.other = second, first
    freed = []
    weakref.finalize(first, freed.append, True)
    CollectorPolicy(freeze=True).tick()

    del first, second
    gc.collect()
    assert freed == []

    gc.unfreeze()
    gc.collect()
    assert freed == [True]


def test_a_cycle_made_after_the_last_freeze_is_collected_as_ever() -> None:
    CollectorPolicy(freeze=True).tick()
    first, second = Node(), Node()
    first.other, second.other = second, first
    freed = []
    weakref.finalize(first, freed.append, True)

    del first, second
    gc.collect()

    assert freed == [True]
