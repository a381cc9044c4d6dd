"""`pantau kafka up` on a taken port, and the topic count `up` and `status` agree on (issue #18)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from pantau.kafka.admin import ensure_topics
from tests.conftest import free_port

pytestmark = pytest.mark.integration


def pantau(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP", "PANTAU_KAFKA_BOOTSTRAP")}
    return subprocess.run(
        [sys.executable, "-m", "pantau", *args],
        capture_output=True,
        text=True,
        env={**base, "COLUMNS": "200", **env},
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("taken", "setting"), [("controller", "PANTAU_KAFKA_CONTROLLER_PORT"), ("port", "PANTAU_KAFKA_PORT")]
)
def test_a_taken_port_is_named_with_its_setting_before_java_starts(tmp_path: Path, taken: str, setting: str) -> None:
    with socket.socket() as holder:
        holder.bind(("localhost", 0))  # bound, not listening: only a bind finds it
        held = holder.getsockname()[1]
        ports = {"PANTAU_KAFKA_PORT": str(free_port()), "PANTAU_KAFKA_CONTROLLER_PORT": str(free_port())}
        ports[setting] = str(held)
        result = pantau("kafka", "up", env={"PANTAU_KAFKA_HOME": str(tmp_path / "kafka"), **ports}, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"{held} ({setting}) is taken by another program" in result.stderr
    assert not (tmp_path / "kafka" / "broker.log").exists()  # refused before anything was started


def test_kafka_up_and_status_count_the_same_topics_and_say_which(kafka_bootstrap: str, tmp_path: Path) -> None:
    prefix = f"count{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, [f"{prefix}.alert-commands"], 1)  # a prefixed topic outside the registry
    env = {"PANTAU_KAFKA_BOOTSTRAP": kafka_bootstrap, "PANTAU_TOPIC_PREFIX": prefix}
    up = pantau("kafka", "up", env=env, cwd=tmp_path)
    status = pantau("kafka", "status", env=env, cwd=tmp_path)
    assert up.returncode == 0 and status.returncode == 0, up.stderr + status.stderr
    expected = f"12 topics named {prefix}.*: 11 of the pipeline's 11, and {prefix}.alert-commands"
    assert expected in up.stdout and expected in status.stdout, (up.stdout, status.stdout)
    assert len(re.findall(r"\d+ topics named", up.stdout + status.stdout)) == 2
