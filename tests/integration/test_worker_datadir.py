"""The stream worker keeps Faust's data directory under the state dir, not in the working directory (issue #18).

Faust's default, `<app id>-data` in the working directory, left an empty `pantau-streams-data/` in the
repository root after every test run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from pantau.catalog import load_catalog
from pantau.settings import PantauSettings
from streams.app import app_id, create_app

pytestmark = pytest.mark.integration
KEY = "k" * 32


def test_building_and_starting_the_app_writes_only_under_the_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd, state = tmp_path / "cwd", tmp_path / "state"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    app = create_app(PantauSettings(state_dir=state, kafka_bootstrap="localhost:1"), load_catalog(), KEY.encode())
    asyncio.run(app.on_first_start())  # where Faust creates its directories
    assert list(cwd.iterdir()) == []
    assert (state / "streams" / app_id("pantau")).is_dir()


def test_a_worker_run_leaves_nothing_in_its_working_directory(kafka_bootstrap: str, tmp_path: Path) -> None:
    cwd, state = tmp_path / "cwd", tmp_path / "state"
    cwd.mkdir()
    prefix = f"datadir{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PANTAU_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "PANTAU_TOPIC_PREFIX": prefix,
        "PANTAU_KAFKA_PARTITIONS": "1",
        "PANTAU_STATE_DIR": str(state),
        "PANTAU_PSEUDONYM_KEY": KEY,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "pantau", "worker"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    datadir = state / "streams" / app_id(prefix)
    try:
        deadline = time.monotonic() + 90
        while not datadir.is_dir() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert datadir.is_dir(), output.decode(errors="replace")[-2000:]
    assert list(cwd.iterdir()) == []
