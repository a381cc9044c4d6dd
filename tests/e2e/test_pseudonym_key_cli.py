"""A lost pseudonym key file, or another key, stops `pantau sink` with what to do (real CLI, broker, engine)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pantau.secrets import KEY_FILE
from tests.e2e.cli import PANTAU, CliPipeline, wait_until

pytestmark = pytest.mark.e2e


def start_sink(pipeline: CliPipeline, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [*PANTAU, "sink"], env=env, cwd=pipeline.workdir, stdout=output, stderr=subprocess.STDOUT
        )


def run_until_landing(pipeline: CliPipeline, env: dict[str, str], name: str) -> str:
    """Start `pantau sink`, wait until it lands, stop it; its output."""
    log = pipeline.workdir / f"{name}.log"
    process = start_sink(pipeline, env, log)
    try:
        wait_until(lambda: process.poll() is not None or "sink: landing" in log.read_text(), 120, f"{name} to land")
        assert process.poll() is None, log.read_text()
    finally:
        process.terminate()
        process.wait(60)
    return log.read_text()


def test_a_lost_key_file_is_refused_until_a_rotation_is_asked_for(kafka_bootstrap: str, tmp_path: Path) -> None:
    pipeline = CliPipeline(kafka_bootstrap, tmp_path)
    env = {name: value for name, value in pipeline.env.items() if name != "PANTAU_PSEUDONYM_KEY"}
    key_file = tmp_path / "state" / KEY_FILE

    first = run_until_landing(pipeline, env, "first")
    assert "created a new pseudonym key" in first and key_file.exists()
    original = key_file.read_text()

    key_file.unlink()  # lost: the next start would make a new random key and split every reporter's history
    refused = subprocess.run([*PANTAU, "sink"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2, refused.stderr
    assert "not the key this data was pseudonymized with" in refused.stderr
    assert "PANTAU_PSEUDONYM_KEY_ROTATION=1" in refused.stderr and "Traceback" not in refused.stderr

    other = {**env, "PANTAU_PSEUDONYM_KEY": "some-other-pseudonym-key"}
    refused = subprocess.run([*PANTAU, "sink"], env=other, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "not the key this data was pseudonymized with" in refused.stderr

    empty = {**env, "PANTAU_PSEUDONYM_KEY": ""}
    refused = subprocess.run([*PANTAU, "sink"], env=empty, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "PANTAU_PSEUDONYM_KEY is empty" in refused.stderr

    key_file.write_text(original)  # restored from the backup: it starts again
    assert "rotated" not in run_until_landing(pipeline, env, "restored")

    key_file.unlink()
    rotated = run_until_landing(pipeline, {**env, "PANTAU_PSEUDONYM_KEY_ROTATION": "1"}, "rotated")
    assert "Pseudonym key rotated" in rotated
