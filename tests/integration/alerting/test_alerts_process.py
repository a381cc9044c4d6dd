"""`pantau up` runs `pantau alerts run` as a child process: it pages from its own process, with the
parent's broker and prefix plus the PANTAU_ALERT_* environment, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
import yaml
from kafka import KafkaProducer

from pantau.runtime.alerts_process import AlertsProcess
from pantau.settings import PantauSettings
from tests.integration.alerting.receivers import HttpReceiver, wait_until
from tests.unit.alerting.factories import BAD, SCHEDULE_DOC, raw

pytestmark = pytest.mark.integration


@pytest.fixture
def alert_env(tmp_path: Path, http_receiver: tuple[HttpReceiver, str]) -> Iterator[None]:
    """The child reads its channels and schedule from the environment, as under `pantau up`."""
    oncall = tmp_path / "oncall.yaml"
    oncall.write_text(yaml.safe_dump(SCHEDULE_DOC), encoding="utf-8")
    values = {
        "PANTAU_ALERT_ONCALL": str(oncall),
        "PANTAU_ALERT_TELEGRAM_TOKEN": "42:proses-anak",
        "PANTAU_ALERT_TELEGRAM_API_URL": http_receiver[1],
        "PANTAU_ALERT_TICK_S": "0.2",
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def test_the_child_alert_service_pages_a_pungli_complaint_and_stops_on_sigterm(
    kafka_bootstrap: str, http_receiver: tuple[HttpReceiver, str], alert_env: None, tmp_path: Path
) -> None:
    settings = PantauSettings(
        kafka_bootstrap=kafka_bootstrap, topic_prefix=f"up{uuid.uuid4().hex[:8]}", kafka_partitions=1
    )
    log = tmp_path / "logs" / "alerts.log"
    child = AlertsProcess(settings, log)
    child.start()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    try:
        complaint = raw(
            "complaint.filed",
            BAD,
            datetime.now(UTC),
            complaint_id="C-UP-1",
            category="pungli",
            text="Diminta uang tambahan di loket",
        )
        # The child may still be subscribing: the event waits in the topic, read from the earliest offset.
        producer.send(f"{settings.topic_prefix}.events", key=BAD.encode(), value=orjson.dumps(complaint))
        producer.flush()
        pages = lambda: [r for r in http_receiver[0].on("/sendMessage") if "C-UP-1" in r.json()["text"]]  # noqa: E731
        assert wait_until(pages, 60), log.read_text(errors="replace")[-2000:]
        assert child.exit_code is None
    finally:
        producer.close()
        child.stop(timeout_s=30)
    assert child.exit_code == 0, log.read_text(errors="replace")[-2000:]
    assert len(pages()) == 1
    assert f"consuming {settings.topic_prefix}.events" in log.read_text()
