"""Step 2 of the batch protocol: each offset once, in order, whatever Faust delivers."""

from __future__ import annotations

from typing import Any

import pytest

from pantau.catalog import load_catalog
from pantau.kafka import topics
from streams.checkpoint import BatchCheckpointer, Message, coalesced, next_offset
from streams.durable_state import DurableState
from streams.processor import EventProcessor, Output


class NoChangelog:
    def send(self, partition: int, key: str, value: Any) -> None:
        pass


@pytest.fixture
def checkpointer() -> BatchCheckpointer:
    state = DurableState({}, NoChangelog())
    state.recover(1)
    state.data["~applied|1"] = {"o": 29}
    state.forget({1})
    state.recover(1)  # the state holds partition 1 up to offset 29
    return BatchCheckpointer(state, EventProcessor(load_catalog(), b"k", "test"), "p", 1.0)


def messages(*offsets: int) -> list[Message]:
    return [Message(offset, 0.0, b"{}") for offset in offsets]


def test_applied_offsets_are_skipped_and_later_ones_kept_once_in_order(checkpointer: BatchCheckpointer) -> None:
    kept = checkpointer.admitted(1, messages(31, 28, 29, 30, 31, 32))
    assert [message.offset for message in kept] == [30, 31, 32]


def test_offsets_past_the_next_one_are_gaps_to_read_first(checkpointer: BatchCheckpointer) -> None:
    assert checkpointer.missing(1, [40, 41, 45]) == [(30, 40), (42, 45)]
    assert checkpointer.missing(1, [30, 31]) == []


def test_a_partition_the_state_never_saw_is_read_from_its_start(checkpointer: BatchCheckpointer) -> None:
    assert next_offset(None) == 0
    assert checkpointer.missing(2, [500]) == [(0, 500)]


def test_coalescing_keeps_the_newest_row_per_key_and_every_dead_letter() -> None:
    outputs = [
        Output(topics.TICKETS, "A|1", {"_version": 1}),
        Output(topics.DEAD_LETTERS, "src", b'{"n": 1}'),
        Output(topics.TICKETS, "A|2", {"_version": 1}),
        Output(topics.TICKETS, "A|1", {"_version": 2}),
        Output(topics.WINDOW_METRICS, "A|1", {"_version": 7}),  # the same key in another topic is another row
        Output(topics.DEAD_LETTERS, "src", b'{"n": 2}'),
    ]
    assert coalesced(outputs) == [
        Output(topics.TICKETS, "A|1", {"_version": 2}),
        Output(topics.DEAD_LETTERS, "src", b'{"n": 1}'),
        Output(topics.TICKETS, "A|2", {"_version": 1}),
        Output(topics.WINDOW_METRICS, "A|1", {"_version": 7}),
        Output(topics.DEAD_LETTERS, "src", b'{"n": 2}'),
    ]
