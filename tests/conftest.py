"""Session-scoped real components: one Kafka broker and one embedded ClickHouse per test run.

The broker is started by Pantau's own launcher (the same code as `pantau kafka up`), unless
KAFKA_BOOTSTRAP or PANTAU_KAFKA_BOOTSTRAP points at a cluster. chDB allows one data directory per
process, so the run shares one engine and each test gets a fresh, randomly named database.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from pantau.clickhouse import EmbeddedTarget, apply_migrations, clickhouse_session
from pantau.kafka.broker import LocalBroker
from pantau.kafka.jars import project_root

REPO_ROOT = project_root()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap address of a real Kafka broker for the whole run."""
    configured = os.environ.get("PANTAU_KAFKA_BOOTSTRAP") or os.environ.get("KAFKA_BOOTSTRAP")
    if configured:
        yield configured
        return
    broker = LocalBroker(
        home=tmp_path_factory.mktemp("kafka"),
        port=free_port(),
        controller_port=free_port(),
        partitions=6,
        heap="512m",
        libs_dir=REPO_ROOT / ".pantau" / "kafka" / "libs",
    )
    broker.start(timeout_s=180)
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def clickhouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A client on the run's embedded ClickHouse."""
    target = EmbeddedTarget(path=tmp_path_factory.mktemp("clickhouse") / "data")
    with clickhouse_session(target) as client:
        yield client


@pytest.fixture
def database(clickhouse: Client) -> Iterator[str]:
    """A fresh, empty database name for one test; dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield name
    clickhouse.command(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture
def migrated_database(clickhouse: Client, database: str) -> str:
    """A fresh database with every Pantau migration applied."""
    apply_migrations(clickhouse, database)
    return database


@pytest.fixture
def topic_name() -> str:
    """A unique topic name, so tests sharing the broker never see each other's messages."""
    return f"test.{uuid.uuid4().hex[:12]}"


def repo_path(*parts: str) -> Path:
    return REPO_ROOT.joinpath(*parts)
