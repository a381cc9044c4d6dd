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
from pantau.errors import DeliveryError
from producers.gateway.keys import OfficeKeys
from producers.gateway.rate_limit import RateLimiter
from producers.publisher import Accepted, EventPublisher

EVENTS_PATH = "/v1/events"


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
        body = await self._read_body(request)
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            await self._dead_letter(body, DeadLetterReason(ReasonCode.INVALID_JSON, None, str(exc)), request_id)
            return _error(400, f"malformed JSON: {exc}", request_id)
        items = document if isinstance(document, list) else [document]
        if len(items) > self.limits.max_batch:
            return _error(
                413, f"a batch of {len(items)} events exceeds the limit of {self.limits.max_batch}", request_id
            )
        wait_s = self.limiter.try_take(office_id, len(items))
        if wait_s > 0:
            retry = "a smaller batch" if math.isinf(wait_s) else f"{math.ceil(wait_s)} s"
            response = _error(429, f"rate limit for {office_id} exceeded; retry after {retry}", request_id)
            if not math.isinf(wait_s):
                response.headers["Retry-After"] = str(math.ceil(wait_s))
            return response
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

    async def _read_body(self, request: web.Request) -> bytes:
        limit = self.limits.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            raise _too_large(request.content_length, limit)
        body = await request.content.read(limit + 1)
        if len(body) > limit:
            raise _too_large(len(body), limit)
        return body

    def _publish(self, items: list[Any], office_id: str, request_id: str) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        with self.publish_lock:
            for index, item in enumerate(items):
                outcome = self.publisher.publish(orjson.dumps(item), f"{request_id}/{index}", allowed_office=office_id)
                event_id = item.get("event_id") if isinstance(item, dict) else None
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

    async def _dead_letter(self, body: bytes, reason: DeadLetterReason, request_id: str) -> None:
        def send() -> None:
            with self.publish_lock:
                self.publisher.refuse(body, reason, f"{request_id}/body")
                self.publisher.flush()

        await asyncio.to_thread(send)


def create_app(
    publisher: EventPublisher,
    keys: OfficeKeys,
    limits: GatewayLimits,
    limiter: RateLimiter,
    kafka_reachable: Callable[[], bool],
) -> web.Application:
    """The aiohttp application; the caller owns the publisher's lifetime."""
    gateway = _Gateway(publisher, keys, limits, limiter, kafka_reachable)
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


def _too_large(size: int, limit: int) -> web.HTTPRequestEntityTooLarge:
    return web.HTTPRequestEntityTooLarge(
        max_size=limit,
        actual_size=size,
        text=_dumps({"error": f"request body of {size} bytes exceeds the limit of {limit} bytes"}),
        content_type="application/json",
    )
