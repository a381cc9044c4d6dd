"""Waiting until the pipeline has caught up with what was sent: the proof behind `replay --wait`.

A stage has caught up when its consumer group has committed, on every partition it reads, at least the
offsets that were the end of that partition when the previous stage caught up (for the first stage:
when the replay's last send was acknowledged). Committed offsets are the proof because the worker
commits them in the same transaction as its output rows, and the sink commits only after its insert
succeeded. Offsets below the target that hold only transaction markers or aborted records (a worker
killed mid-transaction, a marker written after the sink's last fetch) are checked by reading them: a
gap with nothing visible in it counts as caught up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kafka import TopicPartition

from pantau.errors import PantauError
from pantau.kafka.lag import LagProbe


class PipelineNotSettledError(PantauError):
    """A stage did not catch up before the timeout; names the stage, its group and what is left."""

    def __init__(self, stage: Stage, remaining: dict[str, int], timeout_s: float) -> None:
        left = ", ".join(f"{topic}: {count:,}" for topic, count in sorted(remaining.items()) if count)
        super().__init__(
            f"timed out after {timeout_s:g} s waiting for the {stage.name} (consumer group {stage.group!r}); "
            f"offsets still to process: {left or 'none visible'}. {stage.hint}"
        )
        self.stage = stage
        self.remaining = remaining


class StageNotConsumingError(PantauError):
    """Nothing consumes a stage's topics: its group has no members and its offsets did not move for the grace period."""

    def __init__(self, stage: Stage, remaining: dict[str, int], idle_s: float) -> None:
        topics = ", ".join(sorted(topic for topic, count in remaining.items() if count)) or ", ".join(stage.topics)
        super().__init__(
            f"no {stage.name} is consuming {topics} (consumer group {stage.group!r} has no members and committed "
            f"nothing for {idle_s:.0f} s): {stage.start or stage.hint}"
        )
        self.stage = stage
        self.remaining = remaining


@dataclass(frozen=True)
class Stage:
    """One consumer group that must catch up on its topics, with a hint for when it does not."""

    name: str
    group: str
    topics: list[str]
    hint: str = ""
    start: str = ""
    """What to start when nothing consumes, e.g. 'start `pantau up` or `pantau worker`'."""


@dataclass(frozen=True)
class StageResult:
    name: str
    seconds: float
    targets: dict[TopicPartition, int]


@dataclass
class SettleReport:
    """How long each stage took to catch up, in pipeline order."""

    stages: list[StageResult] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


Progress = Callable[[str, int, int], None]
"""Called after each look: the stage's name, offsets still to go, offsets it had to go at its first look."""
Members = Callable[[str], int | None]
"""Members of a consumer group now, or None when unknown."""


class PipelineSettler:
    """Waits for stages in order, each against end offsets read after the previous one caught up."""

    def __init__(
        self,
        probe: LagProbe,
        poll_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        members: Members | None = None,
        grace_s: float = 20.0,
    ) -> None:
        """With `members`, a stage whose group has no members and whose offsets sat still for `grace_s` ends the
        wait (StageNotConsumingError); a group with members is waited for until the timeout, however slow."""
        self._probe = probe
        self._poll_s = poll_s
        self._clock = clock
        self._members = members
        self._grace_s = grace_s

    def wait(
        self,
        stages: list[Stage],
        first_targets: dict[TopicPartition, int],
        timeout_s: float,
        on_progress: Progress | None = None,
    ) -> SettleReport:
        """Return when every stage caught up; raise PipelineNotSettledError naming the first stuck stage."""
        deadline = self._clock() + timeout_s
        report = SettleReport()
        targets = first_targets
        for index, stage in enumerate(stages):
            if index > 0:
                targets = self._probe.stable_end_offsets(stage.topics)
            started = self._clock()
            self._wait_stage(stage, targets, deadline, timeout_s, on_progress)
            report.stages.append(StageResult(stage.name, self._clock() - started, targets))
        return report

    def _wait_stage(
        self,
        stage: Stage,
        targets: dict[TopicPartition, int],
        deadline: float,
        timeout_s: float,
        on_progress: Progress | None,
    ) -> None:
        previous: dict[TopicPartition, int] = {}
        last_committed: dict[TopicPartition, int] | None = None
        moved_at = self._clock()
        expected: int | None = None
        while True:
            committed = self._probe.committed_offsets(stage.group, list(targets))
            if last_committed is not None and committed != last_committed:
                moved_at = self._clock()
            last_committed = committed
            behind = {p: (committed[p], end) for p, end in targets.items() if committed[p] < end}
            # Only a partition that has not moved since the last look is read: a moving one is busy anyway.
            stalled = {p: bounds for p, bounds in behind.items() if previous.get(p) == bounds[0]}
            if stalled:
                read = self._probe.read_range(stalled, timeout_s=min(5.0, self._poll_s * 4))
                holding = {record_partition(record) for record in read.records}
                for partition in read.complete - holding:
                    del behind[partition]
            remaining: dict[str, int] = {}
            for partition, (position, end) in behind.items():
                remaining[partition.topic] = remaining.get(partition.topic, 0) + end - position
            left = sum(remaining.values())
            expected = left if expected is None else max(expected, left)
            if on_progress is not None:
                on_progress(stage.name, left, expected)
            if not behind:
                return
            idle_s = self._clock() - moved_at
            if self._members is not None and idle_s >= self._grace_s and self._members(stage.group) == 0:
                raise StageNotConsumingError(stage, remaining, idle_s)
            if self._clock() >= deadline:
                raise PipelineNotSettledError(stage, remaining, timeout_s)
            previous = {p: bounds[0] for p, bounds in behind.items()}
            time.sleep(self._poll_s)


def record_partition(record: Any) -> TopicPartition:
    """The partition a consumed record came from."""
    return TopicPartition(record.topic, record.partition)
