"""The ingestion gateway over real HTTP on loopback, publishing to the real broker."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka import topics
from pantau.kafka.admin import bootstrap_reachable, ensure_topics
from pantau.kafka.topics import topic_names
from pantau.settings import PantauSettings
from producers.gateway import GatewayLimits, OfficeKeys, RateLimiter, create_app
from producers.gateway.keys import digest
from producers.publisher import EventPublisher, create_producer
from tests.conftest import free_port
from tests.integration.kafka_helpers import consume_messages

pytestmark = pytest.mark.integration

JAKARTA_KEY = "jkt-key-0123456789abcdef"
DENPASAR_KEY = "dps-key-0123456789abcdef"


@dataclass
class RunningGateway:
    port: int
    prefix: str

    def post(self, body: bytes, key: str | None = JAKARTA_KEY, path: str = "/v1/events") -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, orjson.loads(data) if data else None

    def get(self, path: str) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, orjson.loads(response.read())


@contextmanager
def running_gateway(kafka_bootstrap: str, limits: GatewayLimits, limiter: RateLimiter) -> Iterator[RunningGateway]:
    """The gateway app on a loopback port, in a thread of its own, publishing to fresh topics."""
    prefix = f"gw{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap, topic_names(prefix), partitions=6)
    settings = PantauSettings(kafka_bootstrap=kafka_bootstrap, topic_prefix=prefix)
    producer = create_producer(settings)
    publisher = EventPublisher(producer, EventValidator(load_catalog()), prefix, "gateway")
    keys = OfficeKeys.from_mapping({"MPP-JKT-01": JAKARTA_KEY, "MPP-DPS-01": "sha256:" + digest(DENPASAR_KEY).hex()})
    app = create_app(publisher, keys, limits, limiter, kafka_reachable=lambda: bootstrap_reachable(kafka_bootstrap))
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield RunningGateway(port, prefix)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        publisher.close()


@pytest.fixture
def gateway(kafka_bootstrap: str) -> Iterator[RunningGateway]:
    limits = GatewayLimits(max_body_bytes=64 * 1024, max_batch=50)
    with running_gateway(kafka_bootstrap, limits, RateLimiter(rate_per_s=1.0, burst=60)) as running:
        yield running


def event(n: int, office: str = "MPP-JKT-01", **extra: object) -> dict[str, object]:
    return {
        "event_id": f"gw-{n}",
        "type": "ticket.issued",
        "office_id": office,
        "v": 1,
        "occurred_at": "2026-11-02T08:15:03.120+07:00",
        "ticket_id": f"A{n:03d}",
        "service_code": "KTP",
        **extra,
    }


def consume(bootstrap: str, topic: str, expected: int) -> list[dict[str, Any]]:
    return [orjson.loads(value) for _, value in consume_messages(bootstrap, topic, expected, timeout_ms=8_000)]


def test_a_batch_is_answered_per_event_and_accepted_events_are_in_kafka(
    gateway: RunningGateway, kafka_bootstrap: str
) -> None:
    batch = [event(1), event(2, service_code="SIHIR"), event(3)]
    status, answer = gateway.post(orjson.dumps(batch))
    assert status == 207
    assert (answer["accepted"], answer["rejected"]) == (2, 1)
    assert [r["status"] for r in answer["results"]] == ["accepted", "rejected", "accepted"]
    assert answer["results"][1]["reason_code"] == "unknown_service"
    assert answer["results"][1]["field"] == "service_code"
    events = consume(kafka_bootstrap, topics.EVENTS.name(gateway.prefix), 2)
    assert sorted(e["event_id"] for e in events) == ["gw-1", "gw-3"]
    [dead] = consume(kafka_bootstrap, topics.DEAD_LETTERS.name(gateway.prefix), 1)
    assert dead["reason_code"] == "unknown_service"
    assert dead["position"] == f"{answer['request_id']}/1"


def test_a_single_event_with_a_hashed_key(gateway: RunningGateway) -> None:
    status, answer = gateway.post(orjson.dumps(event(7, office="MPP-DPS-01")), key=DENPASAR_KEY)
    assert status == 200 and answer["accepted"] == 1


@pytest.mark.parametrize("key", [None, "wrong-key-0123456789", ""])
def test_missing_or_wrong_keys_are_refused(gateway: RunningGateway, key: str | None) -> None:
    status, answer = gateway.post(orjson.dumps(event(1)), key=key)
    assert status == 401
    assert "office key" in answer["error"]


def test_an_office_cannot_send_for_another_office(gateway: RunningGateway, kafka_bootstrap: str) -> None:
    status, answer = gateway.post(orjson.dumps(event(1, office="MPP-DPS-01")), key=JAKARTA_KEY)
    assert status == 422
    assert answer["results"][0]["reason_code"] == "office_not_authorized"
    [dead] = consume(kafka_bootstrap, topics.DEAD_LETTERS.name(gateway.prefix), 1)
    assert dead["reason_code"] == "office_not_authorized"
    assert dead["office_id"] == "MPP-JKT-01", "the office whose key sent it, not the one it claims"


def test_malformed_json_is_a_400_and_a_dead_letter(gateway: RunningGateway, kafka_bootstrap: str) -> None:
    status, answer = gateway.post(b'{"event_id": "x", ')
    assert status == 400 and answer["error"].startswith("malformed JSON")
    [dead] = consume(kafka_bootstrap, topics.DEAD_LETTERS.name(gateway.prefix), 1)
    assert dead["reason_code"] == "invalid_json" and dead["raw"] == '{"event_id": "x", '


def test_body_and_batch_limits(gateway: RunningGateway) -> None:
    status, answer = gateway.post(b" " * (64 * 1024 + 10) + b"{}")
    assert status == 413 and "exceeds the limit" in answer["error"]
    status, answer = gateway.post(orjson.dumps([event(n) for n in range(51)]))
    assert status == 413 and "batch of 51 events" in answer["error"]


def test_the_rate_limit_counts_events_per_office(gateway: RunningGateway) -> None:
    status, _ = gateway.post(orjson.dumps([event(n) for n in range(50)]))
    assert status == 200
    status, answer = gateway.post(orjson.dumps([event(n) for n in range(50, 70)]))
    assert status == 429 and "rate limit for MPP-JKT-01" in answer["error"]
    status, _ = gateway.post(orjson.dumps(event(99, office="MPP-DPS-01")), key=DENPASAR_KEY)
    assert status == 200, "one office's limit must not affect another"


def test_health_reports_kafka(gateway: RunningGateway) -> None:
    assert gateway.get("/health") == (200, {"status": "ok", "kafka": True})


def test_pantau_gateway_command_serves_and_publishes(kafka_bootstrap: str, tmp_path: Path) -> None:
    keys = tmp_path / "keys.yaml"
    keys.write_text(f"MPP-JKT-01: {JAKARTA_KEY}\n")
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP": kafka_bootstrap,
        "PANTAU_GATEWAY_KEYS_FILE": str(keys),
        "PANTAU_GATEWAY_PORT": str(port),
        "PANTAU_TOPIC_PREFIX": f"gwcli{uuid.uuid4().hex[:6]}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pantau", "gateway"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        client = RunningGateway(port, env["PANTAU_TOPIC_PREFIX"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, body = client.get("/health")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and body["kafka"] is True
        status, answer = client.post(orjson.dumps(event(1)))
        assert status == 200 and answer["accepted"] == 1
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert JAKARTA_KEY not in stderr
