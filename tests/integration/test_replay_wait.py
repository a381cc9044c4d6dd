"""`replay --wait` never waits silently: it shows progress and ends early when nothing consumes a stage."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest
from kafka import KafkaProducer, TopicPartition

from pantau.kafka.admin import ensure_topics
from pantau.kafka.lag import LagProbe
from pantau.runtime.settle import PipelineNotSettledError, PipelineSettler, Stage, StageNotConsumingError
from pantau.settings import PantauSettings

pytestmark = pytest.mark.integration


def test_replay_wait_without_a_worker_says_what_to_start_within_the_grace(kafka_bootstrap: str, tmp_path: Path) -> None:
    prefix = f"nowork{uuid.uuid4().hex[:8]}"  # a first day: no worker ever ran, the topics do not exist yet
    path = tmp_path / "few.jsonl"
    line = {"type": "counter.opened", "office_id": "MPP-JKT-01", "v": 1, "counter_id": "L001"}
    path.write_bytes(
        b"".join(
            orjson.dumps({**line, "event_id": f"ev-{n}", "occurred_at": f"2026-11-02T08:0{n}:00+07:00"}) + b"\n"
            for n in range(3)
        )
    )
    env = {
        **os.environ,
        "PANTAU_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "PANTAU_TOPIC_PREFIX": prefix,
        "PANTAU_REPLAY_WAIT_GRACE_S": "7",
        "PANTAU_STATE_DIR": str(tmp_path / "state"),
    }
    started = time.monotonic()
    replay = subprocess.run(
        [sys.executable, "-m", "pantau", "replay", str(path), "--wait", "--timeout", "300", "--no-count-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=200,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert replay.returncode == 1, replay.stderr
    assert elapsed < 60, f"took {elapsed:.0f} s: the grace is 7 s, the timeout 300 s"
    assert "received: 3\nsent: 3\n" in replay.stdout
    assert f"no stream worker is consuming {prefix}.events (consumer group '{prefix}-streams' has no members" in (
        " ".join(replay.stderr.split())
    )
    assert "start `pantau up` or `pantau worker`" in replay.stderr
    assert "waiting for the stream worker: 0/3 offsets done, 3 to go" in replay.stderr  # the progress line
    assert "Traceback" not in replay.stderr


def test_a_group_with_members_is_waited_for_one_without_is_not(kafka_bootstrap: str, topic_name: str) -> None:
    ensure_topics(kafka_bootstrap, [topic_name], partitions=1)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    producer.send(topic_name, b"fact")
    producer.flush()
    producer.close()
    probe = LagProbe(PantauSettings(kafka_bootstrap=kafka_bootstrap))
    stage = Stage("ClickHouse sink", f"group-{topic_name}", [topic_name], start="start `pantau sink`")
    targets = {TopicPartition(topic_name, 0): 1}
    try:
        idle = PipelineSettler(probe, poll_s=0.1, members=lambda _: 0, grace_s=0.5)
        with pytest.raises(StageNotConsumingError, match=rf"no ClickHouse sink is consuming {topic_name}.*pantau sink"):
            idle.wait([stage], targets, timeout_s=30)
        busy = PipelineSettler(probe, poll_s=0.1, members=lambda _: 1, grace_s=0.5)
        with pytest.raises(PipelineNotSettledError, match="timed out after 2 s"):
            busy.wait([stage], targets, timeout_s=2)  # a member that is slow is waited for up to the timeout
    finally:
        probe.close()
