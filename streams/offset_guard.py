"""Unstick a partition whose messages Faust skipped after a rebalance.

Faust 0.15.3 (pinned) can, when a worker takes over partitions (a restart after kill -9, a second
worker joining), drop messages it had fetched before it seeked back to the committed offset: the
messages from the committed offset up to some later one never reach the agent, while the ones after
them do. Nothing is lost, because those messages are never acked, so the committed offset stops
right before them; but it stops there for good: lag stays above zero and the worker idles. Seen in
the crash test as committed offset 1597 while the first acked offset was 1643.

`SkippedOffsetGuard.check` runs on a timer. A partition whose lowest acked offset stays above its
committed offset across two checks has a hole no in-flight message explains (the agent acks in
order, within milliseconds); the guard seeks it back to the committed offset, so the skipped
messages come again. The ones after them come again too; the processor recognises those as already
applied and only re-sends their rows. The skipped ones are then applied after later events of the
same partition: facts (tickets, windows, IKM, complaints, surveys) do not depend on that order, but
order-sensitive signals (queue jumps, expiry, lateness) of the offices involved may differ from an
uninterrupted run.
"""

from __future__ import annotations

import logging
from typing import Any

from faust.types import TP

LOG = logging.getLogger("pantau.streams")


def skipped_from(consumer: Any, tp: TP) -> int | None:
    """The committed offset of `tp` when messages from it on were skipped (none acked at or after it)."""
    committed = consumer._committed_offset.get(tp)
    acked = consumer._acked.get(tp) or []
    if committed is None or not acked or min(acked) <= committed:
        return None
    return int(committed)


class SkippedOffsetGuard:
    """Seeks a partition back to its committed offset once a hole before its acked offsets persists."""

    def __init__(self, topic: str) -> None:
        self._topic = topic
        self._suspects: dict[TP, int] = {}

    async def check(self, consumer: Any) -> list[TP]:
        """Seek back every partition of the topic stuck on the same hole since the last check; returns them."""
        sought = []
        for tp in sorted(consumer.assignment()):
            if tp.topic != self._topic:
                continue
            committed = skipped_from(consumer, tp)
            if committed is None:
                self._suspects.pop(tp, None)
            elif self._suspects.get(tp) == committed:
                LOG.warning(
                    "Faust skipped messages of %s from offset %d after a rebalance; reading them again", tp, committed
                )
                await consumer.seek(tp, committed)
                self._suspects.pop(tp, None)
                sought.append(tp)
            else:
                self._suspects[tp] = committed
        return sought
