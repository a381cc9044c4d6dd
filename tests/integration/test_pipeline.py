"""The whole pipeline on the real broker and engine: simulated offices -> worker -> sink -> ClickHouse,
checked against an independent computation from the raw input."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka.admin import ensure_topics
from pantau.kafka.lag import LagProbe
from pantau.kafka.topics import EVENTS, topic_names
from pantau.runtime.worker_process import WorkerProcess
from pantau.settings import PantauSettings
from producers.publisher import EventPublisher, create_producer
from producers.simulator import SimulationOptions, simulate
from streams.app import app_id
from tests.integration.pipeline_checks import expected_survey_ids, expected_tickets, land, wait_for

pytestmark = pytest.mark.integration
CATALOG = load_catalog()
KEY = "pipeline-test-key"


def test_a_simulated_day_lands_as_the_independent_computation_says(
    kafka_bootstrap: str, clickhouse: Client, migrated_database: str, tmp_path: Path
) -> None:
    prefix = f"pipe{uuid.uuid4().hex[:8]}"
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix, kafka_partitions=3)
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=3)
    worker = WorkerProcess(settings, tmp_path / "worker.log", {"PANTAU_PSEUDONYM_KEY": KEY})
    worker.start()
    probe = LagProbe(settings)
    try:
        options = SimulationOptions(
            offices=3, days=1, seed=9, start=date(2026, 11, 2), out_of_order=0.03, duplicates=0.02, invalid=0.01
        )
        records = list(simulate(CATALOG, options))
        publisher = EventPublisher(create_producer(settings), EventValidator(CATALOG), prefix, "simulator")
        for position, record in enumerate(records):
            publisher.publish(record.payload, str(position))
        publisher.close()
        counts = publisher.counts
        assert counts.received == counts.accepted + counts.dead_lettered == len(records)

        def worker_done() -> bool:
            assert worker.exit_code is None, (tmp_path / "worker.log").read_text()[-3000:]
            return probe.group_lag(app_id(prefix), [EVENTS.name(prefix)]).total == 0

        wait_for(worker_done, 240, "the stream worker to consume every event")

        land(kafka_bootstrap, clickhouse, migrated_database, prefix, KEY, probe)
    finally:
        worker.stop()
        probe.close()

    db = migrated_database
    landed = {
        (office, ticket): (outcome, None if wait is None else round(wait, 3))
        for office, ticket, outcome, wait in clickhouse.query(
            f"SELECT office_id, ticket_id, outcome, wait_s FROM {db}.tickets FINAL"
        ).result_rows
    }
    expected = expected_tickets(records)
    assert len(expected) > 500
    assert landed == expected

    [(served_in_windows,)] = clickhouse.query(
        f"SELECT sum(served) FROM {db}.window_metrics FINAL WHERE window_s = 300"
    ).result_rows
    assert served_in_windows == sum(1 for outcome, wait in expected.values() if wait is not None)

    surveys = expected_survey_ids(records)
    ikm = dict(
        clickhouse.query(f"SELECT office_id, respondents FROM {db}.ikm FINAL WHERE period_kind = 'month'").result_rows
    )
    assert ikm == {office: len(ids) for office, ids in surveys.items()}

    [(dead,)] = clickhouse.query(f"SELECT count() FROM {db}.dead_letters FINAL").result_rows
    assert dead == counts.dead_lettered > 0
    [(raw_niks,)] = clickhouse.query(
        f"SELECT countIf(match(payload, '\\\\d{{16}}')) FROM {db}.events FINAL"
    ).result_rows
    assert raw_niks == 0
