"""First-day mistakes with `pantau simulate` and `pantau gateway`: one clear line and exit 2, never a traceback.

Also the simulator's ids through the CLI: another seed or a --run-id never reuses a ticket id (issue #18).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

pytestmark = pytest.mark.integration


def pantau(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pantau", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--start", "2026-02-30", "--out", "x.jsonl"], "--start '2026-02-30' is not a calendar day"),
        (["--out", "/no/such/dir/x.jsonl"], "the folder /no/such/dir does not exist; create it"),
        (["--out", "."], "--out . is a folder; give a file name"),
    ],
)
def test_simulate_says_which_flag_is_wrong_and_what_to_do(tmp_path: Path, flags: list[str], expected: str) -> None:
    assert expected in one_line_error(pantau("simulate", "--offices", "1", *flags, cwd=tmp_path))
    assert list(tmp_path.iterdir()) == []  # nothing was half-written


def ticket_ids(path: Path) -> set[tuple[str, str]]:
    events = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    return {(event["office_id"], event["ticket_id"]) for event in events if event["type"] == "ticket.issued"}


def test_another_seed_or_a_run_id_gives_tickets_of_their_own(tmp_path: Path) -> None:
    day = ["simulate", "--offices", "1", "--start", "2026-11-02"]
    first = pantau(*day, "--out", "first.jsonl", cwd=tmp_path)
    other = pantau(*day, "--seed", "1", "--run-id", "again", "--out", "again.jsonl", cwd=tmp_path)
    assert first.returncode == 0 and other.returncode == 0, first.stderr + other.stderr
    first_ids, again_ids = ticket_ids(tmp_path / "first.jsonl"), ticket_ids(tmp_path / "again.jsonl")
    assert len(first_ids) == len(again_ids) > 50  # the same day's tickets...
    assert first_ids.isdisjoint(again_ids)  # ...under ids of their own
    assert all("-s1.again-" in ticket for _, ticket in again_ids)


def test_gateway_on_a_taken_port_names_it_and_the_setting(kafka_bootstrap: str, tmp_path: Path) -> None:
    keys = tmp_path / "keys.yaml"
    keys.write_text("MPP-JKT-01: a-key-of-sixteen-chars-or-more\n")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = pantau(
            "gateway",
            "--keys-file",
            str(keys),
            "--port",
            str(port),
            cwd=tmp_path,
            env={"PANTAU_KAFKA_BOOTSTRAP": kafka_bootstrap, "PANTAU_PSEUDONYM_KEY": "k" * 32},
        )
    line = one_line_error(result)
    assert f"cannot listen on 127.0.0.1:{port}" in line and "PANTAU_GATEWAY_PORT" in line
