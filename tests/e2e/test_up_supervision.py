"""`pantau up` heals itself: its stream worker killed with SIGKILL mid-replay is restarted by the supervisor,
and every event still lands exactly once (the tables equal the uninterrupted run's, table by table)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS
from pantau.settings import PantauSettings
from streams.app import app_id
from tests.e2e.cli import CliPipeline, summary_values, wait_until
from tests.e2e.conftest import CleanRun, SimulatedInput
from tests.e2e.test_crash_recovery import KEYS, differences

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class SupervisedRun:
    replay_stdout: str
    up_log: str
    up_exit: int
    tables: dict[str, list[dict[str, Any]]]


def worker_pid(log: str) -> int | None:
    """The pid `pantau up` printed last for its stream worker."""
    pids = [line.split("pid ")[1].split(",")[0] for line in log.splitlines() if line.startswith("Stream worker: pid")]
    return int(pids[-1]) if pids else None


@pytest.fixture(scope="module")
def supervised_run(
    tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str, simulated_input: SimulatedInput
) -> Iterator[SupervisedRun]:
    """One `pantau up --no-alerts`; its worker is killed once it committed part of a paced replay."""
    pipeline = CliPipeline(kafka_bootstrap, tmp_path_factory.mktemp("e2e-up-supervised"))
    probe = LagProbe(PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=pipeline.prefix))
    events_topic = EVENTS.name(pipeline.prefix)

    def worker_committed() -> int:
        partitions = probe.partitions([events_topic])
        return sum(probe.committed_offsets(app_id(pipeline.prefix), partitions).values()) if partitions else 0

    pipeline.start("up", "--no-alerts")
    replay = None
    try:
        pipeline.wait_for_topics()
        replay = pipeline.popen("replay", str(simulated_input.path), "--wait", "--rate", "250", "--timeout", "240")
        wait_until(lambda: pipeline.assert_running() or worker_committed() > 0, 120, "the worker to commit")
        assert replay.poll() is None, "the replay finished before the kill; slow it down"
        pid = worker_pid(pipeline.log("up"))
        assert pid is not None, pipeline.log("up")
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: "worker died (signal 9), restarted (1/5)" in pipeline.log("up"), 60, "the restart")
        stdout, stderr = replay.communicate(timeout=300)
        assert replay.returncode == 0, stderr + pipeline.log("up")[-3000:]
        pipeline.assert_running()  # `up` itself never stopped
        process = pipeline.processes["up"]
        pipeline.stop("up")  # releases the embedded store for `pantau sql`
        yield SupervisedRun(stdout, pipeline.log("up"), process.returncode, pipeline.dump_fact_tables())
    finally:
        if replay is not None and replay.poll() is None:
            replay.kill()
            replay.wait()
        pipeline.stop_all()
        probe.close()


def test_up_restarted_its_worker_and_says_so(supervised_run: SupervisedRun) -> None:
    assert supervised_run.up_exit == 0, supervised_run.up_log[-3000:]
    assert "worker died (signal 9), restarting in 1 s" in supervised_run.up_log
    assert "restarts worker 1" in " ".join(supervised_run.up_log.split())  # the last status line (wrapped)
    assert summary_values(supervised_run.replay_stdout)["reconciled"].startswith("yes")


def test_every_event_landed_exactly_once_after_the_restart(supervised_run: SupervisedRun, clean_run: CleanRun) -> None:
    found = {
        table: diff
        for table in KEYS
        if (diff := differences(table, clean_run.tables[table], supervised_run.tables[table]))
    }
    # FINAL, per key: a lost event is a missing key, a doubled one a changed count in window_metrics or ikm.
    # (Raw row counts before FINAL are no proof either way: ReplacingMergeTree merges duplicates in its own time.)
    assert found == {}, f"tables differ from the uninterrupted run after kill -9 under `pantau up`: {found}"
