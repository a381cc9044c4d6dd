"""The offset gate: each offset once, in order, whatever Faust delivers."""

from __future__ import annotations

from streams.offset_gate import Verdict, admit, next_offset


def test_applied_offsets_are_skipped_and_the_next_one_processed() -> None:
    assert admit(10, applied=11) is Verdict.SKIP
    assert admit(11, applied=11) is Verdict.SKIP
    assert admit(12, applied=11) is Verdict.PROCESS


def test_an_offset_past_the_next_one_means_a_gap_to_fill_first() -> None:
    assert admit(40, applied=29) is Verdict.FILL_GAP
    assert next_offset(29) == 30


def test_a_partition_the_state_never_saw_is_read_from_its_start() -> None:
    assert admit(0, applied=None) is Verdict.PROCESS
    assert admit(500, applied=None) is Verdict.FILL_GAP
    assert next_offset(None) == 0
