"""Breach-to-notification latency on the real clock, through the real broker (issue #7's measurement).

The service runs as `pantau alerts run` does: system clock, the default tick (PANTAU_ALERT_TICK_S,
1 s), kafka-python against the session's broker, real HTTP/SMTP receivers on loopback. Each run
sends three KTP tickets issued 30 min minus a few seconds ago (KTP's target is 30 min, min_count 3),
so the breach happens at a known wall instant while the service watches (instants spread evenly over
the tick's phase); latency is the arrival of
the Telegram-shaped request minus that instant. Then the queue clears and the alert resolves before
the next run. The rule is made zero-tolerance in this test only, so the measurement does not depend
on the office being open at the hour the suite runs; routing and delivery are the production path.

`PANTAU_LATENCY_RUNS` (default 6) sets the number of incidents; p50 and max are printed (-s).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from kafka import KafkaProducer
from pydantic import SecretStr

from alerting.channels import Dispatcher, EmailChannel, RetryPolicy, TelegramChannel, WebhookChannel
from alerting.model import Transition
from alerting.service import AlertService, system_clock
from pantau.settings import PantauSettings
from tests.integration.alerting.receivers import HttpReceiver, Received, SmtpReceiver, wait_until
from tests.unit.alerting.factories import BAD, engine, raw

pytestmark = pytest.mark.integration
TARGET_S = 30 * 60  # KTP's target_wait_min in the shipped catalog
LEAD_S = 3.0  # the breach happens this long (plus a phase) after the tickets are sent
BREACH_TEXT = "Antrean melewati target waktu tunggu"


@pytest.fixture
def service(
    kafka_bootstrap: str, http_receiver: tuple[HttpReceiver, str], smtp_receiver: SmtpReceiver
) -> Iterator[tuple[PantauSettings, list[Transition]]]:
    settings = PantauSettings(
        kafka_bootstrap=kafka_bootstrap, topic_prefix=f"lat{uuid.uuid4().hex[:8]}", kafka_partitions=1
    )
    overrides = [
        {"match": {"office": BAD}, "rule": "live_wait_breach", "set": {"zero_tolerance": True, "reopen_window_min": 0}}
    ]
    dispatcher = Dispatcher(
        [
            WebhookChannel(SecretStr("s")),
            TelegramChannel(SecretStr("1:t"), api_base=http_receiver[1]),
            EmailChannel("127.0.0.1", smtp_receiver.port, "pantau@test"),
        ],
        RetryPolicy(attempts=2, base_s=0.05),
    )
    published: list[Transition] = []
    alert_service = AlertService(
        settings, engine(overrides), dispatcher, clock=system_clock, on_published=published.extend
    )
    stop = threading.Event()
    thread = threading.Thread(target=alert_service.run, args=(stop,), daemon=True)
    thread.start()
    assert alert_service.ready.wait(60), "the alert service did not start"
    yield settings, published
    stop.set()
    thread.join(30)


def _send(producer: KafkaProducer, settings: PantauSettings, events: list[dict[str, Any]]) -> None:
    for item in events:
        producer.send(f"{settings.topic_prefix}.events", key=item["office_id"].encode(), value=orjson.dumps(item))
    producer.flush()


def _pages(receiver: HttpReceiver) -> list[Received]:
    """Telegram messages opening a waiting-breach incident (not the resolution notices)."""
    texts = [(r, r.json()["text"]) for r in receiver.on("/sendMessage")]
    return [r for r, text in texts if text.startswith("[PERINGATAN") and BREACH_TEXT in text]


def _resolved(published: list[Transition]) -> list[Transition]:
    return [t for t in published if t.event["state"] == "resolved" and t.alert["rule"] == "live_wait_breach"]


def _incident(
    run: int,
    lead_s: float,
    send: Callable[[list[dict[str, Any]]], None],
    receiver: HttpReceiver,
    published: list[Transition],
) -> float:
    """One breach and its clearing; returns the breach-to-page latency in seconds."""
    issued_at = datetime.now(UTC) - timedelta(seconds=TARGET_S - lead_s)
    breach_wall = issued_at.timestamp() + TARGET_S
    tickets = [f"R{run}-{n}" for n in range(3)]
    # The office is live: a counter event as it happens moves its clock, then the tickets issued
    # earlier arrive (they do not move the clock, so they cannot make the office look like history).
    send([raw("counter.opened", BAD, datetime.now(UTC), counter_id="L9")])
    send([raw("ticket.issued", BAD, issued_at, ticket_id=t, service_code="KTP") for t in tickets])
    assert wait_until(lambda: len(_pages(receiver)) == run + 1, lead_s + 15), f"run {run}: no page"
    latency = _pages(receiver)[-1].at - breach_wall
    send([raw("service.started", BAD, datetime.now(UTC), ticket_id=t, counter_id="L1") for t in tickets])
    assert wait_until(lambda: len(_resolved(published)) == run + 1, 15), f"run {run}: not resolved"
    return latency


def test_breach_to_notification_latency_p50_and_max(
    service: tuple[PantauSettings, list[Transition]], http_receiver: tuple[HttpReceiver, str], kafka_bootstrap: str
) -> None:
    settings, published = service
    local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    if local.hour == 0 and local.minute < 40:
        # Live breaches count tickets issued on the office's current local day only (streams/README.md);
        # tickets issued 30 minutes ago would belong to yesterday.
        pytest.skip("within 40 minutes after midnight WIB the 30-minute-old tickets belong to yesterday")
    receiver = http_receiver[0]
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    runs = int(os.environ.get("PANTAU_LATENCY_RUNS", "6"))
    latencies: list[float] = []
    try:
        for run in range(runs):
            # Breach instants spread evenly over the evaluation tick's phase, so the figures are not an
            # artefact of breaching just after (or before) a tick.
            lead_s = LEAD_S + (run + 0.5) / runs * settings.alert_tick_s
            latencies.append(_incident(run, lead_s, partial(_send, producer, settings), receiver, published))
    finally:
        producer.close()
    time.sleep(1.5)  # a second page for any incident would have arrived by now
    assert len(_pages(receiver)) == runs
    opened = [
        t.alert["alert_id"] for t in published if t.event["state"] == "firing" and t.alert["rule"] == "live_wait_breach"
    ]
    assert len(set(opened)) == len(opened) == runs  # one alert per incident, opened once
    p50, worst = statistics.median(latencies), max(latencies)
    print(
        f"\nbreach-to-notification latency over {runs} runs (tick {settings.alert_tick_s:g} s): "
        f"p50 {p50 * 1000:.0f} ms, max {worst * 1000:.0f} ms, all {[round(x * 1000) for x in latencies]}"
    )
    assert min(latencies) > 0  # a page before the breach would be a bug
    assert worst < settings.alert_tick_s + 4.0
