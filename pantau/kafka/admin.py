"""Talking to a running cluster: is it reachable, and do Pantau's topics exist."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable, Mapping
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

from pantau.errors import KafkaUnavailableError
from pantau.kafka import topics


def port_open(host: str, port: int, timeout_s: float = 0.5) -> bool:
    """True when something accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def admin_client(
    bootstrap: str, timeout_ms: int = 10_000, connection: Mapping[str, Any] | None = None
) -> KafkaAdminClient:
    """An admin client, or KafkaUnavailableError naming the address when no broker answers.

    `connection`: kafka-python security arguments (`kafka_connection_config`); None: PLAINTEXT.
    """
    security = {key: value for key, value in (connection or {}).items() if key != "bootstrap_servers"}
    try:
        return KafkaAdminClient(
            **security,
            bootstrap_servers=bootstrap,
            client_id="pantau-admin",
            request_timeout_ms=timeout_ms,
        )
    except KafkaError as exc:
        raise KafkaUnavailableError(
            f"No Kafka broker answers at {bootstrap} ({type(exc).__name__}). Start one with "
            "`pantau kafka up`, or set KAFKA_BOOTSTRAP to a reachable cluster."
        ) from None


def list_topics(bootstrap: str) -> list[str]:
    """Topic names on the cluster (internal topics included)."""
    admin = admin_client(bootstrap)
    try:
        return sorted(admin.list_topics())
    finally:
        admin.close()


def ensure_topics(
    bootstrap: str,
    names: Iterable[str],
    partitions: int,
    replication_factor: int = 1,
    configs: Mapping[str, str] | None = None,
    connection: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create the topics that do not exist yet; returns the names created. Existing ones are left as they are.

    `configs` are topic settings for the created ones, e.g. {"cleanup.policy": "compact"};
    `connection` the security arguments of `admin_client`.
    """
    admin = admin_client(bootstrap, connection=connection)
    try:
        existing = set(admin.list_topics())
        missing = [name for name in names if name not in existing]
        if missing:
            _create_topics(admin, missing, partitions, replication_factor, configs)
        return missing
    finally:
        admin.close()


def _create_topics(
    admin: KafkaAdminClient,
    names: list[str],
    partitions: int,
    replication_factor: int,
    configs: Mapping[str, str] | None,
) -> None:
    """Create `names`; another process creating some of them at the same moment is no error."""
    try:
        admin.create_topics(
            {
                name: {
                    "num_partitions": partitions,
                    "replication_factor": replication_factor,
                    "configs": {**topics.creation_configs(name), **(configs or {})},
                }
                for name in names
            },
            timeout_ms=30_000,
            wait_for_metadata=True,
        )
    except TopicAlreadyExistsError:
        # Another process created them a moment ago: the broker's metadata may take a little while
        # to list them, so look again for a few seconds before calling it a refusal.
        deadline = time.monotonic() + 10.0
        still_missing = set(names) - set(admin.list_topics())
        while still_missing and time.monotonic() < deadline:
            time.sleep(0.2)
            still_missing = set(names) - set(admin.list_topics())
        if still_missing:
            raise KafkaUnavailableError(f"Kafka refused to create topics {sorted(still_missing)}") from None


def bootstrap_reachable(bootstrap: str, timeout_s: float = 1.0) -> bool:
    """True when any bootstrap address accepts a TCP connection: a cheap liveness probe for health checks."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        if host and port.isdigit() and port_open(host.strip("[]"), int(port), timeout_s):
            return True
    return False
