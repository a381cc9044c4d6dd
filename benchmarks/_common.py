"""Set-up shared by the benchmarks: a broker, a fresh topic, simulated events, the machine, a table.

The broker is the one named by --bootstrap, PANTAU_KAFKA_BOOTSTRAP or KAFKA_BOOTSTRAP; with none
of them a private LocalBroker (the launcher of `pantau kafka up`) is started in a temporary folder on
free ports and stopped afterwards, so a benchmark never touches a developer's running broker.
"""

from __future__ import annotations

import itertools
import os
import platform
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from kafka import KafkaProducer
from kafka.admin import NewTopic

from pantau.catalog import Catalog, load_catalog
from pantau.kafka.admin import admin_client, ensure_topics
from pantau.kafka.broker import LocalBroker
from pantau.kafka.jars import project_root
from pantau.kafka.topics import topic_names
from pantau.settings import PantauSettings
from producers.simulator import SimulatedRecord, SimulationOptions, simulate
from streams.app import create_app

START = date(2026, 11, 2)  # a Monday
PARTITIONS = 6  # Pantau's default (PANTAU_KAFKA_PARTITIONS)


def configured_bootstrap(flag: str | None) -> str | None:
    """--bootstrap, else PANTAU_KAFKA_BOOTSTRAP, else KAFKA_BOOTSTRAP, else None (start a broker)."""
    return flag or os.environ.get("PANTAU_KAFKA_BOOTSTRAP") or os.environ.get("KAFKA_BOOTSTRAP") or None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return int(sock.getsockname()[1])


@contextmanager
def kafka(bootstrap: str | None) -> Iterator[str]:
    """The bootstrap address of the configured cluster, or of a private broker started for the run."""
    if bootstrap:
        yield bootstrap
        return
    with tempfile.TemporaryDirectory(prefix="pantau-bench-kafka-") as folder:
        broker = LocalBroker(
            home=Path(folder),
            port=_free_port(),
            controller_port=_free_port(),
            partitions=PARTITIONS,
            heap="768m",
            libs_dir=project_root() / ".pantau" / "kafka" / "libs",
        )
        started = time.monotonic()
        broker.start(timeout_s=180)
        print(f"started a private Kafka broker at {broker.bootstrap} in {time.monotonic() - started:.1f} s")
        try:
            yield broker.bootstrap
        finally:
            broker.stop()


def fresh_topic(bootstrap: str, stem: str, partitions: int = PARTITIONS) -> str:
    """Create a topic no earlier run used."""
    name = f"bench.{stem}.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, [name], partitions)
    return name


def worker_topics(settings: PantauSettings, catalog: Catalog | None = None) -> list[str]:
    """Create Pantau's topics and the worker's changelog topics (compacted) for `settings.topic_prefix`.

    A worker left to create its dozen changelog topics itself sometimes starts before the broker's
    metadata lists one of them; Faust then ignores that table's topic and its agent crashes on every
    event with PartitionsMismatch (seen on this machine under load). Created beforehand, as a cluster
    deployment does (docs/scaling.md), they are simply found.
    """
    prefix, partitions = settings.topic_prefix, settings.kafka_partitions
    ensure_topics(settings.bootstrap_servers, topic_names(prefix), partitions)
    app = create_app(settings, catalog or load_catalog(settings.catalog), b"only-for-topic-names")
    names = [table.changelog_topic.get_topic_name() for table in app.tables.values()]
    admin = admin_client(settings.bootstrap_servers)
    try:
        missing = [name for name in names if name not in set(admin.list_topics())]
        admin.create_topics([NewTopic(name, partitions, 1, topic_configs={"cleanup.policy": "compact"})
                             for name in missing])
    finally:
        admin.close()
    return names


def simulated_stream(offices: int = 26, seed: int = 1, days: int = 366) -> Iterator[SimulatedRecord]:
    """The simulator's events for `offices` offices from START, lazily, for up to `days` days."""
    catalog = load_catalog()
    options = SimulationOptions(offices=min(offices, len(catalog.offices)), days=days, seed=seed, start=START)
    return iter(simulate(catalog, options))


def simulated_records(count: int, offices: int = 26, seed: int = 1) -> list[SimulatedRecord]:
    """The first `count` events the simulator writes for `offices` offices from START (as many days as needed)."""
    records = list(itertools.islice(simulated_stream(offices, seed), count))
    if len(records) < count:
        raise SystemExit(f"the simulator wrote only {len(records)} events; ask for fewer")
    return records


def produce(bootstrap: str, topic: str, records: Sequence[SimulatedRecord]) -> float:
    """Send every record (key office_id) as Pantau's producers do (acks=all, idempotent, lz4); seconds taken."""
    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        compression_type="lz4",
        linger_ms=5,
        batch_size=256 * 1024,
        client_id="pantau-bench",
    )
    started = time.perf_counter()
    for record in records:
        producer.send(topic, key=record.key.encode(), value=record.payload)
    producer.flush()
    elapsed = time.perf_counter() - started
    producer.close()
    return elapsed


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # proc(5) fields 14, 15: utime, stime


def rss_mib(pid: int) -> float:
    """VmRSS of a process (resident set, all its threads), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def machine() -> str:
    """One line naming the machine, for the record of a figure."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain, aligned table: the first column left-aligned, numbers with thousands separators."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    cells = [[cell(value) for value in row] for row in [list(header), *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]
    for row in cells:
        first, *rest = row
        print(
            f"{first:<{widths[0]}}"
            + "".join(f"  {value:>{width}}" for value, width in zip(rest, widths[1:], strict=True))
        )
