"""The gateway against what a broken or hostile office system sends: every answer a 4xx with a reason, no 5xx.

Real HTTP on loopback (raw sockets where http.client would tidy the request up), publishing to the
real broker; every refusal that holds input is a dead letter naming the office whose key sent it.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from pantau.kafka import topics
from producers.gateway import GatewayLimits, RateLimiter
from tests.integration.kafka_helpers import consume_messages
from tests.integration.producers.test_gateway import JAKARTA_KEY, RunningGateway, event, running_gateway

pytestmark = pytest.mark.integration


@pytest.fixture
def roomy_gateway(kafka_bootstrap: str) -> Iterator[RunningGateway]:
    """The production limits (1 MiB, 1,000 events) and a rate that only the burst test reaches."""
    with running_gateway(kafka_bootstrap, GatewayLimits(), RateLimiter(rate_per_s=0.5, burst=4000)) as running:
        yield running


def raw_post(
    port: int, body: bytes, authorization: bytes = b"Bearer " + JAKARTA_KEY.encode(), chunk: int = 0
) -> tuple[int, dict[str, Any]]:
    """POST over a raw socket; with `chunk`, the body trickles in pieces, as over a slow office line."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        head = (
            b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: " + authorization + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
        )
        connection.sendall(head)
        if chunk:
            for start in range(0, len(body), chunk):
                connection.sendall(body[start : start + chunk])
                time.sleep(0.002)
        else:
            connection.sendall(body)
        answer = b""
        while data := connection.recv(65536):
            answer += data
    status_line, _, rest = answer.partition(b"\r\n")
    _, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), orjson.loads(payload) if payload.strip() else {}


def dead_letters(kafka_bootstrap: str, gateway: RunningGateway, expected: int) -> list[dict[str, Any]]:
    messages = consume_messages(kafka_bootstrap, topics.DEAD_LETTERS.name(gateway.prefix), expected, timeout_ms=8_000)
    return [orjson.loads(value) for _, value in messages]


def test_a_large_batch_that_arrives_slowly_is_read_whole(roomy_gateway: RunningGateway, kafka_bootstrap: str) -> None:
    """About half of valid 250 KB batches were answered 400 "malformed JSON": only the first chunk was parsed."""
    batch = [event(n, note="x" * 150) for n in range(900)]
    body = orjson.dumps(batch)
    assert len(body) > 200_000
    status, answer = raw_post(roomy_gateway.port, body, chunk=8192)
    assert (status, answer["accepted"]) == (200, 900)
    landed = consume_messages(kafka_bootstrap, topics.EVENTS.name(roomy_gateway.prefix), 900, timeout_ms=10_000)
    assert len(landed) == 900


def test_nesting_too_deep_to_write_back_is_refused_per_event(
    roomy_gateway: RunningGateway, kafka_bootstrap: str
) -> None:
    deep: Any = "3171012345670080"
    for _ in range(300):
        deep = {"a": deep}
    body = json.dumps([event(1, extra=deep), event(2)]).encode()  # orjson writes at most 254 levels
    status, answer = raw_post(roomy_gateway.port, body)
    assert status == 207
    assert [r["status"] for r in answer["results"]] == ["rejected", "accepted"]
    assert answer["results"][0]["reason_code"] == "invalid_json"
    [letter] = dead_letters(kafka_bootstrap, roomy_gateway, 1)
    assert letter["office_id"] == "MPP-JKT-01" and "3171012345670080" not in letter["raw"]


def test_a_body_nested_past_what_json_readers_take_is_a_400(
    roomy_gateway: RunningGateway, kafka_bootstrap: str
) -> None:
    status, answer = raw_post(roomy_gateway.port, b"[" * 5000 + b"]" * 5000)
    assert status == 400 and answer["error"].startswith("malformed JSON")
    [letter] = dead_letters(kafka_bootstrap, roomy_gateway, 1)
    assert letter["reason_code"] == "invalid_json" and letter["office_id"] == "MPP-JKT-01"


def test_a_garbage_body_is_a_400_and_a_truncated_dead_letter(
    roomy_gateway: RunningGateway, kafka_bootstrap: str
) -> None:
    garbage = os.urandom(300 * 1024)
    status, answer = raw_post(roomy_gateway.port, garbage)
    assert status == 400 and answer["error"].startswith("malformed JSON")
    [letter] = dead_letters(kafka_bootstrap, roomy_gateway, 1)
    assert letter["reason_code"] == "invalid_json"
    assert len(letter["raw"]) < 6000 and "more bytes not kept" in letter["raw"]


def test_an_oversized_body_is_a_413_and_a_truncated_dead_letter(
    roomy_gateway: RunningGateway, kafka_bootstrap: str
) -> None:
    body = orjson.dumps([event(n, note="y" * 2000) for n in range(600)])
    assert len(body) > GatewayLimits().max_body_bytes
    status, answer = raw_post(roomy_gateway.port, body)
    assert status == 413 and "exceeds the limit" in answer["error"]
    [letter] = dead_letters(kafka_bootstrap, roomy_gateway, 1)
    assert letter["reason_code"] == "too_large" and letter["office_id"] == "MPP-JKT-01"
    assert len(letter["raw"]) < 6000


@pytest.mark.parametrize(
    "authorization", [b"Bearer \xff\xfe\xfd-not-utf8", b"\xc3\x28", b"Bearer " + b"k" * 8000, b"Basic Zm9vOmJhcg=="]
)
def test_an_unreadable_authorization_header_is_a_401(roomy_gateway: RunningGateway, authorization: bytes) -> None:
    status, answer = raw_post(roomy_gateway.port, orjson.dumps(event(1)), authorization=authorization)
    assert status == 401 and "office key" in answer["error"], answer


def test_invalid_bodies_count_against_the_rate_limit(kafka_bootstrap: str) -> None:
    """A burst of broken bodies used to bypass the limit: 2,500 dead letters in a burst."""
    limiter = RateLimiter(rate_per_s=0.1, burst=20)
    with running_gateway(kafka_bootstrap, GatewayLimits(), limiter) as gateway:
        statuses = [raw_post(gateway.port, b"{broken")[0] for _ in range(40)]
        assert statuses.count(400) == 20 and statuses.count(429) == 20, statuses
        assert len(dead_letters(kafka_bootstrap, gateway, 20)) == 20
        status, answer = raw_post(gateway.port, orjson.dumps(event(1)))
        assert status == 429 and "MPP-JKT-01" in answer["error"], "the broken bodies used the office's allowance"
