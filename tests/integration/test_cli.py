"""The `pantau` commands as a user runs them, in subprocesses, against real Kafka and ClickHouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pantau.kafka.jars import ensure_jars
from tests.conftest import free_port, repo_path

pytestmark = pytest.mark.integration
CONTRACT_TABLES = {
    "tickets",
    "complaints",
    "surveys",
    "ikm",
    "window_metrics",
    "sla_breaches",
    "alerts",
    "dead_letters",
}


def pantau(*args: str, env: dict[str, str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pantau", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def test_migrate_then_sql_lists_every_contract_table(tmp_path: Path) -> None:
    env = {"PANTAU_CLICKHOUSE_URL": f"chdb://{tmp_path / 'ch'}"}
    migrated = pantau("migrate", env=env, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert "applied   0001_raw_and_facts" in migrated.stdout
    listed = pantau(
        "sql",
        "SELECT name FROM system.tables WHERE database='pantau' ORDER BY name",
        "--format",
        "json",
        env=env,
        cwd=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert {row["name"] for row in json.loads(listed.stdout)} >= CONTRACT_TABLES
    again = pantau("migrate", env=env, cwd=tmp_path)
    assert again.returncode == 0 and "applied " not in again.stdout and "unchanged 0001" in again.stdout


def test_sql_formats_and_errors(tmp_path: Path) -> None:
    env = {"PANTAU_CLICKHOUSE_URL": f"chdb://{tmp_path / 'ch'}"}
    tsv = pantau("sql", "SELECT 1 AS n, 'a\tb' AS s, NULL AS x", "--format", "tsv", env=env, cwd=tmp_path)
    assert tsv.stdout.splitlines() == ["n\ts\tx", "1\ta\\tb\t\\N"]
    table = pantau("sql", "SELECT 42 AS answer", env=env, cwd=tmp_path)
    assert "answer" in table.stdout and "42" in table.stdout
    bad = pantau("sql", "SELECT * FROM pantau.nope", env=env, cwd=tmp_path)
    assert bad.returncode != 0
    assert "error: query failed" in bad.stderr and "Traceback" not in bad.stderr


def test_the_store_is_found_as_git_finds_its_repository(tmp_path: Path) -> None:
    """`migrate` creates ./.pantau; `sql` below it finds it and names it; elsewhere it refuses, creating nothing."""
    env = {k: v for k, v in os.environ.items() if k not in STORE_ENV}

    def run(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pantau", *args], capture_output=True, text=True, cwd=cwd,
            env={**env, **extra}, check=False, timeout=180,
        )  # fmt: skip

    project, deep, elsewhere = tmp_path / "project", tmp_path / "project" / "docs" / "deep", tmp_path / "elsewhere"
    for folder in (deep, elsewhere):
        folder.mkdir(parents=True)
    created = run("migrate", cwd=project)
    assert created.returncode == 0, created.stderr
    assert (project / ".pantau" / "clickhouse").is_dir()

    below = run("sql", "SELECT count() AS n FROM pantau.tickets", "--format", "tsv", cwd=deep)
    assert below.returncode == 0, below.stderr
    assert below.stdout.splitlines() == ["n", "0"] and f"store: {project / '.pantau'}" in below.stderr
    assert not (deep / ".pantau").exists() and not (project / "docs" / ".pantau").exists()

    nowhere = run("sql", "SELECT 1", cwd=elsewhere)
    assert nowhere.returncode == 2 and "no Pantau store found in" in nowhere.stderr, nowhere.stderr
    assert "PANTAU_HOME" in nowhere.stderr and "Traceback" not in nowhere.stderr
    assert not (elsewhere / ".pantau").exists(), "a command that only reads must not create a store"

    empty = elsewhere / "empty" / ".pantau"
    empty.mkdir(parents=True)
    no_data = run("sql", "SELECT * FROM pantau.tickets", cwd=elsewhere, PANTAU_HOME=str(empty))
    assert no_data.returncode == 2 and "no Pantau data here: run `pantau up`" in no_data.stderr, no_data.stderr


STORE_ENV = {"PANTAU_CLICKHOUSE_URL", "PANTAU_KAFKA_HOME", "PANTAU_STATE_DIR", "PANTAU_HOME"}


@contextmanager
def store_held_by_another_process(data: Path, serve_queries: bool) -> Iterator[int]:
    """A child process that opens the embedded store at `data` (and serves queries); yields its pid."""
    script = (
        "import time\n"
        "from pathlib import Path\n"
        "from pantau.clickhouse import EmbeddedTarget, apply_migrations, open_client\n"
        "from pantau.clickhouse.query_socket import QueryServer\n"
        f"path = Path({str(data)!r})\n"
        "client = open_client(EmbeddedTarget(path))\n"
        "apply_migrations(client, 'pantau')\n"
        + ("QueryServer(open_client(EmbeddedTarget(path)), path).start()\n" if serve_queries else "")
        + "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=repo_path())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_a_second_process_on_the_embedded_path_gets_a_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "ch"
    with store_held_by_another_process(data, serve_queries=False) as pid:
        result = pantau("sql", "SELECT 1", env={"PANTAU_CLICKHOUSE_URL": f"chdb://{data}"}, cwd=tmp_path)
    assert result.returncode == 2
    assert f"is in use by another process (pid {pid})" in result.stderr
    assert "Traceback" not in result.stderr


def test_sql_is_forwarded_to_the_process_that_holds_the_store(tmp_path: Path) -> None:
    data = tmp_path / "ch"
    env = {"PANTAU_CLICKHOUSE_URL": f"chdb://{data}"}
    query = "SELECT count() AS n FROM system.tables WHERE database = 'pantau'"
    with store_held_by_another_process(data, serve_queries=True):
        result = pantau("sql", query, "--format", "json", env=env, cwd=tmp_path)
        failed = pantau("sql", "SELECT * FROM pantau.nope", env=env, cwd=tmp_path)
        socket_mode = (data.parent / "ch.sock").stat().st_mode & 0o777
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["n"] >= 8
    assert failed.returncode == 2 and "run by the process holding" in failed.stderr
    assert socket_mode == 0o600


def test_kafka_up_status_down_with_the_launcher(tmp_path: Path) -> None:
    env = {
        "PANTAU_KAFKA_HOME": str(tmp_path / "kafka"),
        "PANTAU_KAFKA_PORT": str(free_port()),
        "PANTAU_KAFKA_CONTROLLER_PORT": str(free_port()),
        "PANTAU_KAFKA_PARTITIONS": "2",
        "PANTAU_KAFKA_HEAP": "384m",
    }
    env_without_bootstrap = {
        k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP", "PANTAU_KAFKA_BOOTSTRAP")
    }
    # Reuse the run's jar cache so this test does not download Kafka again.
    libs = ensure_jars(repo_path(".pantau", "kafka", "libs"))
    (tmp_path / "kafka").mkdir()
    (tmp_path / "kafka" / "libs").symlink_to(libs)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pantau", *args],
            capture_output=True,
            text=True,
            env={**env_without_bootstrap, **env},
            cwd=tmp_path,
            timeout=180,
            check=False,
        )

    try:
        up = run("kafka", "up")
        assert up.returncode == 0, up.stderr
        assert "Kafka is running at localhost:" in up.stdout
        status = run("kafka", "status")
        assert status.returncode == 0, status.stderr
        assert "pantau.events" in status.stdout
    finally:
        down = run("kafka", "down")
    assert down.returncode == 0 and "Kafka stopped." in down.stdout
    after = run("kafka", "status")
    assert after.returncode == 1 and "not running" in after.stdout


def test_kafka_status_with_a_configured_cluster_starts_nothing(kafka_bootstrap: str, tmp_path: Path) -> None:
    result = pantau(
        "kafka", "status", env={"KAFKA_BOOTSTRAP": kafka_bootstrap, "PANTAU_KAFKA_HOME": str(tmp_path)}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert f"Kafka at {kafka_bootstrap} (configured) answers" in result.stdout
    assert not (tmp_path / "broker.pid").exists()
