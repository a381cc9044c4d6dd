"""A real single-node Apache Kafka (KRaft, broker and controller in one JVM) on localhost.

Used by `pantau kafka up`, `pantau up`, the test suite and CI, so all of them run against the same
broker build. The process is detached (its own session) so `pantau kafka up` can return while the
broker keeps running; `stop()` finds it again by its pid file.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from pantau.errors import KafkaLauncherError
from pantau.kafka.admin import list_topics, port_open
from pantau.kafka.broker_log import failure_causes, taken_ports
from pantau.kafka.jars import ensure_jars, project_root

_LOG4J_CONFIG = "log4j2.properties"
PORT_SETTINGS = {"port": "PANTAU_KAFKA_PORT", "controller port": "PANTAU_KAFKA_CONTROLLER_PORT"}


@dataclass(frozen=True)
class BrokerStatus:
    """Whether the local broker runs, under which pid, at which address."""

    running: bool
    pid: int | None
    bootstrap: str


class LocalBroker:
    """One KRaft broker+controller whose jars, data, config and logs live under `home`."""

    def __init__(
        self,
        home: Path,
        port: int = 9092,
        controller_port: int = 9093,
        partitions: int = 6,
        heap: str = "768m",
        libs_dir: Path | None = None,
    ) -> None:
        self.home = home.resolve()
        self.port = port
        self.controller_port = controller_port
        self.partitions = partitions
        self.heap = heap
        self.libs_dir = (libs_dir or self.home / "libs").resolve()
        self.data_dir = self.home / "data"
        self.config_file = self.home / "server.properties"
        self.pid_file = self.home / "broker.pid"
        self.log_file = self.home / "broker.log"

    @property
    def bootstrap(self) -> str:
        return f"localhost:{self.port}"

    def status(self) -> BrokerStatus:
        pid = self._recorded_pid()
        running = pid is not None and port_open("localhost", self.port)
        return BrokerStatus(running=running, pid=pid, bootstrap=self.bootstrap)

    def start(self, timeout_s: float = 120.0) -> BrokerStatus:
        """Start the broker unless it already runs; return once it answers metadata requests."""
        current = self.status()
        if current.running:
            return current
        self._check_ports()
        java = _java_executable()
        ensure_jars(self.libs_dir)
        self.home.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._format_storage(java)
        command = [
            java,
            f"-Xmx{self.heap}",
            "-Xms128m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={project_root() / 'infra' / 'kafka' / _LOG4J_CONFIG}",
            f"-Dkafka.logs.dir={self.home / 'logs'}",
            "-cp",
            f"{self.libs_dir}/*",
            "kafka.Kafka",
            str(self.config_file),
        ]
        log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        self.pid_file.write_text(str(process.pid))
        self._wait_until_ready(process, timeout_s, log_start)
        return BrokerStatus(running=True, pid=process.pid, bootstrap=self.bootstrap)

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Stop the broker (SIGTERM, then SIGKILL after `timeout_s`); False if it was not running."""
        pid = self._recorded_pid()
        if pid is None:
            return False
        _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            _signal(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _recorded_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def _write_config(self) -> None:
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@localhost:{self.controller_port}",
            "listeners": f"PLAINTEXT://localhost:{self.port},CONTROLLER://localhost:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://localhost:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": str(self.partitions),
            # One broker: every internal topic must live with replication 1, or transactions
            # (exactly-once) and consumer groups never become available.
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "12",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "12",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
            "log.retention.hours": "168",
            "log.segment.bytes": str(256 * 1024 * 1024),
        }
        self.config_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))

    def _format_storage(self, java: str) -> None:
        if (self.data_dir / "meta.properties").is_file():
            return
        cluster_id = _cluster_id()
        command = [
            java,
            "-Xmx256m",
            f"-Dlog4j2.configurationFile={project_root() / 'infra' / 'kafka' / _LOG4J_CONFIG}",
            "-cp",
            f"{self.libs_dir}/*",
            "kafka.tools.StorageTool",
            "format",
            "-t",
            cluster_id,
            "-c",
            str(self.config_file),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise KafkaLauncherError(
                f"formatting KRaft storage in {self.data_dir} failed:\n{result.stdout}{result.stderr}"
            )

    def _ports(self) -> dict[str, int]:
        """The ports the broker listens on, by the name PORT_SETTINGS gives their settings."""
        return {"port": self.port, "controller port": self.controller_port}

    def _check_ports(self) -> None:
        """Refuse to start, naming the port and its setting, when another program holds one of the two ports."""
        if self.port == self.controller_port:
            raise KafkaLauncherError(
                f"PANTAU_KAFKA_PORT and PANTAU_KAFKA_CONTROLLER_PORT are both {self.port}; give them different ports"
            )
        if port_open("localhost", self.port):
            raise KafkaLauncherError(
                f"port {self.port} (PANTAU_KAFKA_PORT) is taken by another program; stop it, choose another port "
                "with PANTAU_KAFKA_PORT, or point KAFKA_BOOTSTRAP at that broker if it is one"
            )
        for role, port in self._ports().items():
            if not _bindable(port):
                setting = PORT_SETTINGS[role]
                raise KafkaLauncherError(
                    f"the broker's {role} {port} ({setting}) is taken by another program; stop it or choose "
                    f"a free port, e.g. {setting}={port + 10}"
                )

    def _wait_until_ready(self, process: subprocess.Popen[bytes], timeout_s: float, log_start: int = 0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise KafkaLauncherError(
                    f"the Kafka broker exited with status {process.returncode} during start-up:\n"
                    f"{self._explain_failure(log_start)}"
                )
            if port_open("localhost", self.port):
                try:
                    list_topics(self.bootstrap)
                    return
                except Exception:
                    pass
            time.sleep(0.25)
        self.stop()
        raise KafkaLauncherError(
            f"the Kafka broker did not accept connections within {timeout_s:.0f} s (PANTAU_KAFKA_START_TIMEOUT_S):\n"
            f"{self._explain_failure(log_start)}"
        )

    def _explain_failure(self, log_start: int) -> str:
        """The cause lines of this start's part of the log, what to do about a taken port, and the log's path."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(log_start)
                text = log.read().decode(errors="replace")
        except FileNotFoundError:
            return f"(no log at {self.log_file})"
        causes = failure_causes(text)
        if not causes:
            return f"last lines of {self.log_file}:\n{self._log_tail()}"
        lines = [f"  {cause}" for cause in causes]
        taken = taken_ports(text)
        for role, port in self._ports().items():
            if port in taken:
                setting = PORT_SETTINGS[role]
                lines.append(f"the {role} {port} ({setting}) is taken by another program; stop it or set {setting}")
        lines.append(f"full log: {self.log_file}")
        return "\n".join(lines)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _cluster_id() -> str:
    """A random KRaft cluster id in Kafka's own format (base64url of 16 bytes).

    One in 64 of those starts with "-", which kafka-storage's argument parser takes for an option
    ("--cluster-id: expected one argument"), so such ids are drawn again, as Kafka's Uuid.randomUuid does.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _bindable(port: int) -> bool:
    """True when a listener could bind localhost:port now (SO_REUSEADDR, as Java's ServerSocket does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("localhost", port))
        except OSError:
            return False
    return True


def _java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and candidate.is_file() else shutil.which("java")
    if java is None:
        raise KafkaLauncherError("Java 17 or newer is needed to run the Kafka broker; install it or set JAVA_HOME")
    return java


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as dead: reap it if it is ours.
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        return finished == 0
    except ChildProcessError:
        return True


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
