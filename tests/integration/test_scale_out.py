"""Scale-out: two `pantau worker` processes in one consumer group, on a 4-partition events topic, land
exactly the ticket facts and window rows that one worker lands from the same events."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError

from pantau.catalog import load_catalog
from pantau.clickhouse import apply_migrations
from pantau.contract import EventValidator
from pantau.kafka.admin import admin_client, ensure_topics
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS, topic_names
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulatedRecord, SimulationOptions, simulate
from streams.app import app_id, create_app
from tests.integration.pipeline_checks import expected_tickets, land, wait_for

pytestmark = pytest.mark.integration
CATALOG = load_catalog()
KEY = "scale-out-test-key"
PARTITIONS = 4


def group_members(bootstrap: str, group: str) -> int:
    """Members of a consumer group that hold at least one partition right now."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="scale-out-test")
    try:
        description = admin.describe_groups([group]).get(group, {})
    except KafkaError as exc:
        if not exc.retriable:
            raise
        return 0  # the group's coordinator is not ready yet
    finally:
        admin.close()
    return len(description.get("members") or []) if description.get("group_state") == "Stable" else 0


@contextmanager
def workers(settings: PantauSettings, count: int, log_dir: Path) -> Iterator[list[WorkerProcess]]:
    """`count` workers of one consumer group, started one after the other, stopped on exit.

    Each starts once the previous one holds its partitions: workers started at the same moment race to
    create Faust's changelog topics, and the loser fails with PartitionsMismatch (docs/scaling.md).
    """
    group = app_id(settings.topic_prefix)
    env = {"PANTAU_PSEUDONYM_KEY": KEY, "PANTAU_STREAM_GUARANTEE": settings.stream_guarantee}
    started: list[WorkerProcess] = []
    try:
        for index in range(count):
            worker = WorkerProcess(settings, log_dir / f"worker-{index}.log", env)
            worker.start()
            started.append(worker)

            def joined(members: int = index + 1) -> bool:
                assert_alive(started, log_dir)
                return group_members(settings.bootstrap_servers, group) == members

            wait_for(joined, 90, f"worker {index} to join the group", 0.5)
        yield started
    finally:
        for worker in started:
            worker.stop()


def assert_alive(running: list[WorkerProcess], log_dir: Path) -> None:
    for worker in running:
        assert worker.exit_code is None, f"a worker exited with {worker.exit_code}; see {log_dir}"


def create_changelogs(settings: PantauSettings) -> None:
    """The workers' changelog topics, created up front as docs/scaling.md advises for a cluster.

    Left to the worker, one of its dozen changelog topics is sometimes missing from the broker's
    metadata when Faust checks, Faust ignores it, and the agent crashes on every event with
    PartitionsMismatch (a start-up race of its own, seen here under load with one worker as well).
    """
    app = create_app(settings, CATALOG, KEY.encode())
    names = [table.changelog_topic.get_topic_name() for table in app.tables.values()]
    admin = admin_client(settings.bootstrap_servers)
    try:
        compacted = {"cleanup.policy": "compact"}
        admin.create_topics([NewTopic(name, PARTITIONS, 1, topic_configs=compacted) for name in names])
    finally:
        admin.close()


def publish(settings: PantauSettings, records: list[SimulatedRecord]) -> None:
    publisher = EventPublisher(create_producer(settings), EventValidator(CATALOG), settings.topic_prefix, "simulator")
    for position, record in enumerate(records):
        publisher.publish(record.payload, str(position))
    publisher.close()


def run_pipeline(
    bootstrap: str,
    clickhouse: Client,
    database: str,
    records: list[SimulatedRecord],
    count: int,
    log_dir: Path,
    guarantee: str = "exactly_once",
) -> None:
    """Publish `records` to fresh topics, process them with `count` workers of one group, land them."""
    prefix = f"scale{uuid.uuid4().hex[:8]}"
    settings = PantauSettings(
        kafka_bootstrap=bootstrap, topic_prefix=prefix, kafka_partitions=PARTITIONS, stream_guarantee=guarantee
    )
    ensure_topics(bootstrap, topic_names(prefix), partitions=PARTITIONS)
    create_changelogs(settings)
    apply_migrations(clickhouse, database)
    probe = LagProbe(settings)
    with workers(settings, count, log_dir / prefix) as running:
        publish(settings, records)

        def processed() -> bool:
            assert_alive(running, log_dir / prefix)
            return probe.group_lag(app_id(prefix), [EVENTS.name(prefix)]).total == 0

        wait_for(processed, 120, "the workers to consume every event", 0.5)
        assert group_members(bootstrap, app_id(prefix)) == count  # nobody left the group on the way
    land(bootstrap, clickhouse, database, prefix, KEY, probe)
    probe.close()


def landed_tickets(clickhouse: Client, database: str) -> dict[tuple[str, str], tuple[str, float | None]]:
    """(office, ticket) -> (outcome, wait_s), in the shape of test_pipeline's independent computation."""
    return {
        (office, ticket): (outcome, None if wait is None else round(wait, 3))
        for office, ticket, outcome, wait in clickhouse.query(
            f"SELECT office_id, ticket_id, outcome, wait_s FROM {database}.tickets FINAL"
        ).result_rows
    }


def final_rows(clickhouse: Client, database: str, table: str, key: str) -> list[tuple[Any, ...]]:
    result = clickhouse.query(f"SELECT * FROM {database}.{table} FINAL ORDER BY {key}")
    return [tuple(row) for row in result.result_rows]


@pytest.fixture(scope="module")
def records() -> list[SimulatedRecord]:
    """One simulated day of six offices, spread by office over the four partitions."""
    return list(simulate(CATALOG, SimulationOptions(offices=6, days=1, seed=8, start=date(2026, 11, 3))))


@pytest.fixture(scope="module")
def one_worker(
    kafka_bootstrap: str, clickhouse: Client, records: list[SimulatedRecord], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The database where one worker's output landed (the reference)."""
    database = f"scale1_{uuid.uuid4().hex[:8]}"
    run_pipeline(kafka_bootstrap, clickhouse, database, records, 1, tmp_path_factory.mktemp("one-worker"))
    yield database
    clickhouse.command(f"DROP DATABASE IF EXISTS {database}")


# Seen in both runs where the workers created their own changelogs, in none of two since they are
# created up front; non-strict until the cause is known.
EXACTLY_ONCE_REBALANCE_BUG = (
    "issue #8: with exactly_once, when a second worker joins, Faust's per-partition transactional producers log "
    "'Invalid state transition IN_TRANSACTION -> IN_TRANSACTION', and once the facts of one office's partition "
    "never became visible to read_committed consumers (84 of 2,051 tickets missing); at_least_once is unaffected"
)


# A non-strict xfail cannot fail, so in the default run it only cost two minutes of CI and proved nothing; it
# runs when asked (PANTAU_TEST_EXACTLY_ONCE_SCALE_OUT=1), as an investigation of the bug, not as a check.
EXACTLY_ONCE_ASKED = os.environ.get("PANTAU_TEST_EXACTLY_ONCE_SCALE_OUT") == "1"


@pytest.mark.parametrize(
    "guarantee",
    [
        "at_least_once",
        pytest.param(
            "exactly_once",
            marks=[
                pytest.mark.skipif(not EXACTLY_ONCE_ASKED, reason="set PANTAU_TEST_EXACTLY_ONCE_SCALE_OUT=1 to run"),
                pytest.mark.xfail(reason=EXACTLY_ONCE_REBALANCE_BUG, strict=False),
            ],
        ),
    ],
)
def test_two_workers_in_one_group_land_what_one_worker_lands(
    kafka_bootstrap: str,
    clickhouse: Client,
    records: list[SimulatedRecord],
    one_worker: str,
    guarantee: str,
    tmp_path: Path,
) -> None:
    two = f"scale2_{uuid.uuid4().hex[:8]}"
    try:
        run_pipeline(kafka_bootstrap, clickhouse, two, records, 2, tmp_path, guarantee)

        expected = expected_tickets(records)
        assert len(expected) > 800
        assert landed_tickets(clickhouse, one_worker) == expected
        assert landed_tickets(clickhouse, two) == expected
        tickets_key = "office_id, ticket_id"
        assert final_rows(clickhouse, two, "tickets", tickets_key) == final_rows(
            clickhouse, one_worker, "tickets", tickets_key
        )
        windows_key = "office_id, service_code, window_s, window_start"
        windows = final_rows(clickhouse, one_worker, "window_metrics", windows_key)
        assert {row[3] for row in windows} == {300, 3600}  # window_s: both grains landed
        assert final_rows(clickhouse, two, "window_metrics", windows_key) == windows
    finally:
        clickhouse.command(f"DROP DATABASE IF EXISTS {two}")
