"""The HTTP ingestion gateway (aiohttp): offices' queue systems POST events, Pantau answers per event.

POST /v1/events with `Authorization: Bearer <office key>` and a JSON object or an array of them.
Each office may only send its own office_id. The answer lists every event as accepted or rejected
with the reason; rejected ones are also dead-lettered, so nothing is dropped silently. "Accepted"
means Kafka acknowledged it (acks=all): the publisher is flushed before the answer.
GET /health says whether the gateway can reach Kafka.
"""

from __future__ import annotations

import asyncio
import math
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from pantau.contract import DeadLetterReason, ReasonCode
from pantau.contract.dead_letters import KEPT_RAW_BYTES
from pantau.errors import DeliveryError
from pantau.privacy import MAX_DEPTH, TOO_DEEP
from producers.gateway.keys import OfficeKeys
from producers.gateway.rate_limit import RateLimiter
from producers.publisher import Accepted, EventPublisher, Refused

EVENTS_PATH = "/v1/events"
TOO_DEEP_DETAIL = "nested too deep to be read (over 200 levels)"
"""Past about 200 levels the validator's JSON reader refuses an event, and orjson cannot write one past 254."""


@dataclass(frozen=True)
class GatewayLimits:
    max_body_bytes: int = 1024 * 1024
    max_batch: int = 1000


class _Gateway:
    def __init__(
        self,
        publisher: EventPublisher,
        keys: OfficeKeys,
        limits: GatewayLimits,
        limiter: RateLimiter,
        kafka_reachable: Callable[[], bool],
    ) -> None:
        self.publisher = publisher
        self.keys = keys
        self.limits = limits
        self.limiter = limiter
        self.kafka_reachable = kafka_reachable
        # One request at a time publishes and flushes, so a delivery failure is reported to its own request.
        self.publish_lock = threading.Lock()

    async def post_events(self, request: web.Request) -> web.Response:
        office_id = self._authenticate(request)
        request_id = uuid.uuid4().hex
        body, size = await self._read_body(request)
        if size > self.limits.max_body_bytes:
            detail = f"request body of {size:,} bytes exceeds the limit of {self.limits.max_body_bytes:,} bytes"
            return await self._refuse_body(office_id, body, ReasonCode.TOO_LARGE, detail, 413, request_id)
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return await self._refuse_body(office_id, body, ReasonCode.INVALID_JSON, str(exc), 400, request_id)
        items = document if isinstance(document, list) else [document]
        if len(items) > self.limits.max_batch:
            detail = f"a batch of {len(items)} events exceeds the limit of {self.limits.max_batch}"
            return await self._refuse_body(office_id, body, ReasonCode.TOO_LARGE, detail, 413, request_id)
        limited = self._rate_limited(office_id, len(items), request_id)
        if limited is not None:
            return limited
        try:
            results = await asyncio.to_thread(self._publish, items, office_id, request_id)
        except DeliveryError as exc:
            return _error(503, f"{exc}; retry the request (events are deduplicated on event_id)", request_id)
        accepted = sum(1 for result in results if result["status"] == "accepted")
        status = 200 if accepted == len(results) else (422 if accepted == 0 else 207)
        payload = {
            "request_id": request_id,
            "accepted": accepted,
            "rejected": len(results) - accepted,
            "results": results,
        }
        return web.json_response(payload, status=status, dumps=_dumps, headers={"X-Request-Id": request_id})

    def _rate_limited(self, office_id: str, events: int, request_id: str) -> web.Response | None:
        """A 429 when `office_id` is over its rate, else None (the tokens are taken)."""
        wait_s = self.limiter.try_take(office_id, events)
        if wait_s <= 0:
            return None
        retry = "a smaller batch" if math.isinf(wait_s) else f"{math.ceil(wait_s)} s"
        response = _error(429, f"rate limit for {office_id} exceeded; retry after {retry}", request_id)
        if not math.isinf(wait_s):
            response.headers["Retry-After"] = str(math.ceil(wait_s))
        return response

    async def _refuse_body(
        self, office_id: str, body: bytes, code: ReasonCode, detail: str, status: int, request_id: str
    ) -> web.Response:
        """Answer a body that holds no events Pantau can read, and dead-letter it (kept truncated).

        It costs the office one event of its rate, so a client looping on a broken body is slowed
        down like any other, and its dead letters cannot flood the table.
        """
        limited = self._rate_limited(office_id, 1, request_id)
        if limited is not None:
            return limited
        reason = DeadLetterReason(code, None, detail)

        def send() -> None:
            with self.publish_lock:
                self.publisher.refuse(body, reason, f"{request_id}/body", office_id=office_id)
                self.publisher.flush()

        try:
            await asyncio.to_thread(send)
        except DeliveryError as exc:
            return _error(503, f"{exc}; retry the request", request_id)
        message = f"malformed JSON: {detail}" if code is ReasonCode.INVALID_JSON else detail
        return _error(status, message, request_id)

    async def health(self, request: web.Request) -> web.Response:
        reachable = await asyncio.to_thread(self.kafka_reachable)
        return web.json_response(
            {"status": "ok" if reachable else "degraded", "kafka": reachable}, status=200 if reachable else 503
        )

    def _authenticate(self, request: web.Request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        office_id = self.keys.office_for(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        if office_id is None:
            raise web.HTTPUnauthorized(
                text=_dumps({"error": "missing or invalid office key (Authorization: Bearer <key>)"}),
                content_type="application/json",
                headers={"WWW-Authenticate": 'Bearer realm="pantau"'},
            )
        return office_id

    async def _read_body(self, request: web.Request) -> tuple[bytes, int]:
        """The whole body, and its size; past the limit only the start is kept (for the dead letter).

        `content.read(n)` returns what has arrived so far, not n bytes: reading once parsed the first
        chunk of a large batch as the whole body ("malformed JSON ... column 128001"). So this reads
        until the end of the body, and stops reading once the limit is passed.
        """
        limit = self.limits.max_body_bytes
        declared = request.content_length
        if declared is not None and declared > limit:
            return await request.content.read(KEPT_RAW_BYTES), declared
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.read(64 * 1024)
            if not chunk:
                return b"".join(chunks), size
            size += len(chunk)
            if size > limit:
                kept = b"".join(chunks)[:KEPT_RAW_BYTES]
                return kept + chunk[: max(0, KEPT_RAW_BYTES - len(kept))], size
            chunks.append(chunk)

    def _publish(self, items: list[Any], office_id: str, request_id: str) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        with self.publish_lock:
            for index, item in enumerate(items):
                position = f"{request_id}/{index}"
                encoded = _encode(item)
                if encoded is None:
                    reason = DeadLetterReason(ReasonCode.INVALID_JSON, None, TOO_DEEP_DETAIL)
                    outcome: Accepted | Refused = self.publisher.refuse(
                        orjson.dumps(_capped(item, MAX_DEPTH)), reason, position, office_id=office_id
                    )
                else:
                    outcome = self.publisher.publish(encoded, position, allowed_office=office_id)
                event_id = item.get("event_id") if isinstance(item, dict) else None
                event_id = event_id if isinstance(event_id, str | int) and not isinstance(event_id, bool) else None
                if isinstance(outcome, Accepted):
                    results.append({"index": index, "event_id": event_id, "status": "accepted"})
                else:
                    results.append(
                        {
                            "index": index,
                            "event_id": event_id,
                            "status": "rejected",
                            "reason": str(outcome.reason),
                            "reason_code": outcome.reason.code.value,
                            "field": outcome.reason.field,
                        }
                    )
            self.publisher.flush()
        return results

def create_app(
    publisher: EventPublisher,
    keys: OfficeKeys,
    limits: GatewayLimits,
    limiter: RateLimiter,
    kafka_reachable: Callable[[], bool],
) -> web.Application:
    """The aiohttp application; the caller owns the publisher's lifetime."""
    gateway = _Gateway(publisher, keys, limits, limiter, kafka_reachable)
    # The body is read (and limited) by the handler, which answers an oversized one itself.
    app = web.Application(client_max_size=limits.max_body_bytes + 1)
    app.router.add_post(EVENTS_PATH, gateway.post_events)
    app.router.add_get("/health", gateway.health)
    return app


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _error(status: int, message: str, request_id: str) -> web.Response:
    return web.json_response(
        {"error": message, "request_id": request_id}, status=status, dumps=_dumps, headers={"X-Request-Id": request_id}
    )


def _encode(item: Any) -> bytes | None:
    """The item as JSON, or None when it is nested too deep for orjson (254 levels) to write it back."""
    try:
        return orjson.dumps(item)
    except orjson.JSONEncodeError:
        return None


def _capped(value: Any, depth: int) -> Any:
    """`value` with whatever lies deeper than `depth` levels replaced by a marker, for a dead letter's raw."""
    if depth <= 0:
        return TOO_DEEP
    if isinstance(value, dict):
        return {str(key): _capped(item, depth - 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_capped(item, depth - 1) for item in value]
    return value
