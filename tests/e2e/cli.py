"""Driving Pantau the way an operator does: `pantau ...` subprocesses with their own environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pantau.kafka.admin import list_topics
from pantau.kafka.topics import topic_names

_PANTAU = Path(sys.executable).with_name("pantau")
PANTAU = [str(_PANTAU)] if _PANTAU.exists() else [sys.executable, "-m", "pantau"]
KEY = "e2e-pseudonym-key"
# Every fact table the pipeline fills, with the columns that depend on the wall clock left out.
FACT_TABLES = {
    "tickets": "",
    "complaints": "",
    "surveys": "",
    "ikm": "",
    "window_metrics": "",
    "sla_breaches": "",
    "signals": "",
    "events": ", received_at",
    "dead_letters": ", received_at",
}


@dataclass
class CliPipeline:
    """One isolated pipeline: its own topic prefix, embedded ClickHouse path and logs."""

    bootstrap: str
    workdir: Path
    prefix: str = field(default_factory=lambda: f"e2e{uuid.uuid4().hex[:8]}")
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PANTAU_KAFKA_BOOTSTRAP": self.bootstrap,
            "PANTAU_TOPIC_PREFIX": self.prefix,
            "PANTAU_KAFKA_PARTITIONS": "3",
            "PANTAU_CLICKHOUSE_URL": f"chdb://{self.workdir / 'clickhouse'}",
            "PANTAU_STATE_DIR": str(self.workdir / "state"),
            "PANTAU_PSEUDONYM_KEY": KEY,
            "PANTAU_SINK_MAX_WAIT_S": "0.2",
        }

    def run(self, *args: str, timeout_s: float = 240) -> subprocess.CompletedProcess[str]:
        """Run a pantau command to completion."""
        return subprocess.run(
            [*PANTAU, *args], env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=timeout_s
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start a pantau command whose output is read later (communicate)."""
        return subprocess.Popen(
            [*PANTAU, *args], env=self.env, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def start(self, command: str, *args: str) -> None:
        """Start a long-running `pantau worker`, `pantau sink` or `pantau up`, logging to workdir/<command>.log."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with (self.workdir / f"{command}.log").open("ab") as log:
            self.processes[command] = subprocess.Popen(
                [*PANTAU, command, *args], env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_for_topics(self, timeout_s: float = 120) -> None:
        """Wait until `pantau worker` has created the pipeline's topics (replay creates none)."""
        names = set(topic_names(self.prefix))
        wait_until(lambda: self.assert_running() or names <= set(list_topics(self.bootstrap)), timeout_s, "the topics")

    def kill(self, command: str) -> None:
        """kill -9: no flush, no commit, no leaving the group."""
        process = self.processes.pop(command)
        process.send_signal(signal.SIGKILL)
        process.wait(30)

    def stop(self, command: str, timeout_s: float = 60) -> None:
        """SIGTERM and wait; the sink finishes its batch, the worker its transaction."""
        process = self.processes.pop(command, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_all(self) -> None:
        for command in list(self.processes):
            self.stop(command)

    def assert_running(self) -> None:
        for command, process in self.processes.items():
            assert process.poll() is None, f"{command} exited: {self.log(command)[-3000:]}"

    def log(self, command: str) -> str:
        path = self.workdir / f"{command}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def sql(self, query: str) -> list[dict[str, Any]]:
        """`pantau sql --format json`; the embedded store must not be held by a running sink."""
        result = self.run("sql", query, "--format", "json", timeout_s=120)
        assert result.returncode == 0, result.stderr
        rows: list[dict[str, Any]] = orjson.loads(result.stdout)
        return rows

    def dump_fact_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every fact table, FINAL, newest version per key, in a stable order.

        The topic prefix (in `source` columns) is replaced by `<prefix>`, so two pipelines compare equal.
        """
        return {
            table: [
                {column: self._unprefixed(value) for column, value in row.items()}
                for row in self.sql(f"SELECT * EXCEPT (_version{skipped}) FROM pantau.{table} FINAL ORDER BY ALL")
            ]
            for table, skipped in FACT_TABLES.items()
        }

    def _unprefixed(self, value: Any) -> Any:
        return value.replace(f"{self.prefix}.", "<prefix>.") if isinstance(value, str) else value


def wait_until(condition: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def summary_values(stdout: str) -> dict[str, str]:
    """The `key: value` lines `pantau replay` prints."""
    values = {}
    for line in stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep and not line.startswith(" "):
            values[key] = value
    return values
