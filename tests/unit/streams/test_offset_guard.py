"""The guard against messages Faust skipped after a rebalance: seek back only when a hole persists."""

from __future__ import annotations

import asyncio

from faust.types import TP

from streams.faust_workarounds import SkippedOffsetGuard

EVENTS = TP("pantau.events", 1)
OTHER = TP("pantau-streams-ticket-state-changelog", 1)


class FakeConsumer:
    """The few consumer attributes the guard reads, and the seeks it makes."""

    def __init__(self, committed: int, acked: list[int]) -> None:
        self._committed_offset = {EVENTS: committed, OTHER: committed}
        self._acked = {EVENTS: acked, OTHER: acked}
        self.sought: list[tuple[TP, int]] = []

    def assignment(self) -> set[TP]:
        return {EVENTS, OTHER}

    async def seek(self, tp: TP, offset: int) -> None:
        self.sought.append((tp, offset))


def test_a_hole_before_the_acked_offsets_is_sought_back_on_the_second_check() -> None:
    guard = SkippedOffsetGuard("pantau.events")
    consumer = FakeConsumer(committed=1597, acked=[1643, 1644])

    first = asyncio.run(guard.check(consumer))
    second = asyncio.run(guard.check(consumer))

    assert (first, second) == ([], [EVENTS])
    assert consumer.sought == [(EVENTS, 1597)]


def test_acks_that_continue_from_the_committed_offset_are_left_alone() -> None:
    guard = SkippedOffsetGuard("pantau.events")
    consumer = FakeConsumer(committed=1597, acked=[1597, 1598])

    for _ in range(3):
        asyncio.run(guard.check(consumer))

    assert consumer.sought == []


def test_a_hole_that_closes_between_checks_is_forgotten() -> None:
    """A message in flight at the first check is acked by the second: no seek."""
    guard = SkippedOffsetGuard("pantau.events")
    consumer = FakeConsumer(committed=1597, acked=[1598])
    asyncio.run(guard.check(consumer))
    consumer._committed_offset[EVENTS] = 1599
    consumer._acked[EVENTS] = [1599]

    asyncio.run(guard.check(consumer))
    asyncio.run(guard.check(consumer))

    assert consumer.sought == []
