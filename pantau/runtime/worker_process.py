"""The stream worker as a child process (Faust wants its own process and event loop)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from pantau.settings import PantauSettings


class WorkerProcess:
    """`pantau worker` with the same settings (broker, prefix, partitions, catalog); output to a log file."""

    command: tuple[str, ...] = ("worker",)
    """The `pantau` subcommand this child runs."""

    def __init__(self, settings: PantauSettings, log_file: Path, extra_env: dict[str, str] | None = None) -> None:
        self._settings = settings
        self._log_file = log_file
        self._extra_env = extra_env or {}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._log_file.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PANTAU_KAFKA_BOOTSTRAP": self._settings.bootstrap_servers,
            "PANTAU_TOPIC_PREFIX": self._settings.topic_prefix,
            "PANTAU_KAFKA_PARTITIONS": str(self._settings.kafka_partitions),
            **({"PANTAU_CATALOG": str(self._settings.catalog)} if self._settings.catalog is not None else {}),
            **self._extra_env,
        }
        with self._log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pantau", *self.command],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def exit_code(self) -> int | None:
        """None while it runs (or before it started)."""
        return None if self._process is None else self._process.poll()

    def kill(self) -> None:
        """SIGKILL, as a crash would: no transaction is finished, nothing is flushed."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def stop(self, timeout_s: float = 30.0) -> None:
        """SIGTERM (Faust finishes its transaction), then SIGKILL after `timeout_s`."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
