"""Scenarios through the real broker: events in, exactly the expected notifications out.

The service runs in a thread with an injected clock set to the office's local morning (or night), so
time travel needs no sleeping; receivers are real HTTP and SMTP servers on loopback. Breach-to-
notification latency is measured from the wall moment the clock passes the breach to the moment the
Telegram-shaped receiver gets the message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import pytest
from kafka import KafkaProducer
from pydantic import SecretStr

from alerting.channels import Dispatcher, EmailChannel, RetryPolicy, TelegramChannel, WebhookChannel
from alerting.commands import command_message, send_command
from alerting.config import load_rules
from alerting.engine import AlertEngine
from alerting.model import Transition
from alerting.oncall import Contact, parse_schedule
from alerting.service import AlertService
from pantau.kafka import topics
from pantau.settings import PantauSettings
from tests.integration.alerting.receivers import HttpReceiver, SmtpReceiver, wait_until
from tests.unit.alerting.factories import BAD, CATALOG, HEALTHY, SCHEDULE_DOC, raw, wib

pytestmark = pytest.mark.integration
TOKEN = "777:uji-token"


class FakeClock:
    """The service's wall clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now, self.moved_at = start, time.time()

    def set(self, moment: datetime) -> None:
        self.now, self.moved_at = moment, time.time()

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    settings: PantauSettings
    clock: FakeClock
    http: HttpReceiver
    smtp: SmtpReceiver
    base: str
    producer: KafkaProducer
    published: list[Transition]
    stop: threading.Event
    thread: threading.Thread | None = None

    def start(self) -> None:
        schedule = parse_schedule(SCHEDULE_DOC, catalog=CATALOG)
        webhook = Contact(id="webhook", name="Webhook", webhook_url=f"{self.base}/hook")
        engine = AlertEngine(CATALOG, load_rules(catalog=CATALOG), schedule, "https://grafana.test", [webhook])
        dispatcher = Dispatcher(
            [
                WebhookChannel(SecretStr("s")),
                TelegramChannel(SecretStr(TOKEN), api_base=self.base),
                EmailChannel("127.0.0.1", self.smtp.port, "pantau@test"),
            ],
            RetryPolicy(attempts=2, base_s=0.05),
        )
        service = AlertService(self.settings, engine, dispatcher, clock=self.clock, on_published=self.published.extend)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=service.run, args=(self.stop,), daemon=True)
        self.thread.start()
        assert service.ready.wait(60), "the alert service did not start"

    def halt(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(30)

    def send(self, *events: dict[str, Any]) -> None:
        for item in events:
            self.producer.send(
                f"{self.settings.topic_prefix}.events", key=item["office_id"].encode(), value=orjson.dumps(item)
            )
        self.producer.flush()

    def advance(self, moment: datetime, *events: dict[str, Any]) -> None:
        """Both offices report (a heartbeat, so nothing is silent) as the clock reaches `moment`.

        The service judges each event by its own clock when it reads it (an event from the future is
        refused; one long past is history), so the events are sent just before the clock moves, at
        most the future tolerance ahead of it, and the clock moves once they are read.
        """
        step = self.settings.future_tolerance / 2
        while moment > self.clock.now + step:  # a long jump: the time in between passes first, with heartbeats
            self._beat(self.clock.now + step)
        self._beat(moment, *events)

    def _beat(self, moment: datetime, *events: dict[str, Any]) -> None:
        beats = [raw("counter.opened", office, moment, counter_id="L1") for office in (BAD, HEALTHY)]
        self.send(*beats, *events)
        time.sleep(0.3)  # let the service consume before the clock moves: events come before time
        self.clock.set(moment)

    def telegrams(self, chat_id: str) -> list[Any]:
        return [r for r in self.http.on("/sendMessage") if r.json()["chat_id"] == chat_id]

    def states(self, rule: str) -> list[str]:
        return [t.event["state"] for t in list(self.published) if t.alert["rule"] == rule]


@pytest.fixture
def harness(
    kafka_bootstrap: str, http_receiver: tuple[HttpReceiver, str], smtp_receiver: SmtpReceiver
) -> Iterator[Harness]:
    settings = PantauSettings(
        kafka_bootstrap=kafka_bootstrap,
        topic_prefix=f"test{uuid.uuid4().hex[:8]}",
        kafka_partitions=1,
        alert_tick_s=0.1,
    )
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    h = Harness(
        settings,
        FakeClock(wib(2, "07:58")),
        http_receiver[0],
        smtp_receiver,
        http_receiver[1],
        producer,
        [],
        threading.Event(),
    )
    yield h
    h.halt()
    producer.close()


def issued(office: str, n: int, hhmm: str) -> dict[str, Any]:
    return raw("ticket.issued", office, wib(2, hhmm), ticket_id=f"T{n}", service_code="KTP")


def started(office: str, n: int, hhmm: str) -> dict[str, Any]:
    return raw("service.started", office, wib(2, hhmm), ticket_id=f"T{n}", counter_id="L1")


def test_bad_morning_pages_once_escalates_survives_a_restart_and_resolves(harness: Harness) -> None:
    harness.start()
    harness.advance(wib(2, "07:59"))
    harness.advance(
        wib(2, "08:05"),
        *(issued(BAD, n, f"08:0{n}") for n in range(4)),
        issued(HEALTHY, 1, "08:00"),
        started(HEALTHY, 1, "08:04"),
    )
    harness.advance(wib(2, "08:31:50"))  # T2 (08:02) reaches 30 minutes at 08:32:00
    time.sleep(1.0)
    assert harness.http.on("/sendMessage") == []

    harness.clock.set(wib(2, "08:32:01"))  # no event: the live clock alone makes the breach
    breach_wall = harness.clock.moved_at
    assert wait_until(lambda: harness.telegrams("1001"), 30)
    latency_s = harness.telegrams("1001")[0].at - breach_wall
    print(f"\nbreach-to-notification latency: {latency_s * 1000:.0f} ms")
    assert latency_s < 10  # generous: the point is seconds, not minutes
    text = harness.telegrams("1001")[0].json()["text"]
    assert "Antrean melewati target waktu tunggu" in text and "3 tiket KTP" in text
    assert wait_until(lambda: len(harness.http.on("/hook")) == 1, 5)

    harness.advance(wib(2, "08:40"))
    time.sleep(1.0)
    assert harness.smtp.to("rina@example.go.id") == []  # not yet: escalation after 15 minutes

    harness.advance(wib(2, "08:47:05"))
    assert wait_until(lambda: harness.smtp.to("rina@example.go.id"), 30)
    assert "ESKALASI" in str(harness.smtp.to("rina@example.go.id")[0]["Subject"])

    # a restart must neither page again nor lose the waiting queue or the alert
    harness.halt()
    harness.start()
    harness.advance(wib(2, "08:48"))
    time.sleep(1.0)
    assert len(harness.telegrams("1001")) == 1 and len(harness.smtp.to("rina@example.go.id")) == 1

    harness.advance(wib(2, "08:50"), *(started(BAD, n, "08:50") for n in range(4)))
    assert wait_until(lambda: len(harness.telegrams("1001")) == 2, 30)
    assert "[SELESAI" in harness.telegrams("1001")[1].json()["text"]
    assert wait_until(lambda: len(harness.smtp.to("rina@example.go.id")) == 2, 30)
    time.sleep(0.5)

    breach = harness.states("live_wait_breach")
    assert breach.count("firing") == 1 and breach.count("resolved") == 1 and breach.count("escalated") == 1
    assert {t.alert["rule"] for t in harness.published} == {"live_wait_breach"}  # the healthy office: nothing
    last = [t.alert for t in harness.published if t.event["state"] == "resolved"][-1]
    assert last["opened_at"].startswith("2026-11-02T01:32:01") and last["resolved_at"].startswith("2026-11-02T01:50")
    assert set(last["notified_to"]) == {"budi", "webhook", "rina"}
    assert len({t.alert["alert_id"] for t in harness.published}) == 1


def test_pungli_pages_at_night_while_a_night_breach_stays_silent(harness: Harness) -> None:
    harness.clock.set(wib(2, "21:00"))
    harness.start()
    # The office is live (an event as it happens), and its queue from 20:00 arrives late.
    harness.send(
        raw("counter.opened", BAD, wib(2, "21:00"), counter_id="L1"), *(issued(BAD, n, "20:00") for n in range(3))
    )
    time.sleep(0.5)  # read at 21:00, as they happen
    harness.clock.set(wib(2, "21:30"))  # the night queue breaches: recorded, nobody woken
    assert wait_until(lambda: "firing" in harness.states("live_wait_breach"), 30)
    time.sleep(0.5)
    assert harness.http.on("/sendMessage") == []

    filed = raw(
        "complaint.filed",
        BAD,
        wib(2, "22:00"),
        complaint_id="C7",
        category="lainnya",
        text="Petugas minta uang pelicin 200 ribu, NIK saya 3171234567890123",
    )
    # As `advance` does it: the clock first comes within the future tolerance of the complaint, so the
    # service may read it before or after the clock reaches 22:00 and never judges it from the future.
    harness.clock.set(wib(2, "21:58"))
    harness.send(filed)
    harness.clock.set(wib(2, "22:00:01"))
    assert wait_until(lambda: harness.telegrams("1001"), 30)
    time.sleep(0.5)
    (page,) = harness.telegrams("1001")
    assert "pungli" in page.json()["text"] and "3171234567890123" not in page.json()["text"]


def test_ack_from_the_cli_path_stops_escalation(harness: Harness) -> None:
    harness.start()
    harness.advance(wib(2, "08:05"), *(issued(BAD, n, "08:00") for n in range(3)))
    harness.advance(wib(2, "08:31"))
    assert wait_until(lambda: harness.telegrams("1001"), 30)
    alert_id = next(t.alert["alert_id"] for t in harness.published if t.event["state"] == "firing")
    send_command(harness.settings, command_message("ack", alert_id, actor="budi"))
    assert wait_until(lambda: "acknowledged" in harness.states("live_wait_breach"), 30)
    harness.advance(wib(2, "08:50"))
    time.sleep(1.0)
    assert harness.smtp.to("rina@example.go.id") == []
    acked = [t.alert for t in harness.published if t.event["state"] == "acknowledged"][-1]
    assert acked["state"] == "acknowledged" and acked["acked_at"].startswith("2026-11-02T01:31")
    assert topics.ALERTS.name(harness.settings.topic_prefix).endswith(".alerts")


def _alerts_cli(harness: Harness, *args: str, wait_s: float = 4) -> subprocess.CompletedProcess[str]:
    """`pantau alerts ...` on the harness's topics; a short wait where nothing is expected to happen."""
    env = {
        **os.environ,
        "PANTAU_KAFKA_BOOTSTRAP": harness.settings.kafka_bootstrap or "",
        "PANTAU_TOPIC_PREFIX": harness.settings.topic_prefix,
        "PANTAU_KAFKA_PARTITIONS": "1",
        "PANTAU_ALERT_COMMAND_WAIT_S": str(wait_s),
    }
    return subprocess.run(
        [sys.executable, "-m", "pantau", "alerts", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_alerts_ack_through_the_cli_says_what_the_service_did(harness: Harness) -> None:
    nobody = _alerts_cli(harness, "ack", "no-such-alert")  # the service is not started yet
    assert nobody.returncode == 1 and "no alert service is running" in nobody.stderr, nobody.stderr
    harness.start()
    harness.advance(wib(2, "08:05"), *(issued(BAD, n, "08:00") for n in range(3)))
    harness.advance(wib(2, "08:31"))
    assert wait_until(lambda: harness.telegrams("1001"), 30)
    alert_id = next(t.alert["alert_id"] for t in harness.published if t.event["state"] == "firing")

    bogus = _alerts_cli(harness, "ack", "bogus-id", "--actor", "budi")
    assert bogus.returncode == 1 and "did not ack bogus-id" in bogus.stderr, bogus.stderr
    assert "ack sent" not in bogus.stdout
    acked = _alerts_cli(harness, "ack", alert_id, "--actor", "budi", wait_s=30)
    assert acked.returncode == 0, acked.stderr
    assert acked.stdout.startswith(f"acknowledged {alert_id} (by budi, 2026-11-02T01:31"), acked.stdout
    again = _alerts_cli(harness, "ack", alert_id, "--actor", "budi")
    assert again.returncode == 1 and "already in that state" in again.stderr
