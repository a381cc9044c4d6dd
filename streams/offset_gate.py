"""Apply each partition's events exactly once and in offset order, whatever Faust delivers.

The durable state knows the last offset applied in each partition (streams/durable_state.py). Faust
0.15.3 (pinned) may, after a rebalance, deliver a partition from its committed offset, which can be
behind that (redelivery), or drop messages it had fetched and go on after them (seen after every
kill -9 restart; its gap bookkeeping can even commit past them). Seeking its consumer back does not
help: the rest of the batch it is delivering moves its read position forward again, and it then
drops the sought messages as already read. So `admit` sorts each message into one of three: applied
already (skip), the next one (process), or past a gap, which the agent fills by reading the missing
offsets itself (streams/gap_reader.py) before it processes the message.
"""

from __future__ import annotations

from enum import Enum


class Verdict(Enum):
    """What the agent does with a message."""

    SKIP = "skip"
    PROCESS = "process"
    FILL_GAP = "fill gap"


def admit(offset: int, applied: int | None) -> Verdict:
    """How to take the message at `offset` when the state holds its partition up to `applied`.

    `applied` None: the state holds none of the partition, so it is read from its first retained
    offset (a new partition, or a lost state: rebuilt from the events rather than continued from nothing).
    """
    expected = next_offset(applied)
    if offset < expected:
        return Verdict.SKIP
    if offset == expected:
        return Verdict.PROCESS
    return Verdict.FILL_GAP


def next_offset(applied: int | None) -> int:
    """The offset the state expects next."""
    return 0 if applied is None else applied + 1
