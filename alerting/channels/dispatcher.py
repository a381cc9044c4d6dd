"""Delivering notifications: every (contact, channel) on its own, retried with backoff, never blocking.

Each channel has its own small thread pool, so a hanging SMTP server delays e-mail only: Telegram and
webhooks go out at once. The service loop never waits for a delivery; it drains the outcomes with
`drain()` and records them as `alert_events` (delivered / delivery_failed).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from alerting.channels.base import Channel
from alerting.errors import ChannelDeliveryError
from alerting.messages import AlertMessage
from alerting.oncall import Contact


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: base, 2 x base, 4 x base ... capped; a receiver's retry-after wins."""

    attempts: int = 4
    base_s: float = 0.5
    max_s: float = 30.0

    def delay_s(self, attempt: int, hint_s: float | None = None) -> float:
        """Wait before retry number `attempt` (1 = the first retry)."""
        if hint_s is not None:
            return min(self.max_s, max(0.0, hint_s))
        return float(min(self.max_s, self.base_s * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one (alert, contact, channel) delivery after its retries."""

    alert_id: str
    kind: str
    channel: str
    contact_id: str
    ok: bool
    attempts: int
    error: str
    at: datetime


class Dispatcher:
    """Sends messages over every channel that reaches each contact; outcomes queue up for `drain`."""

    def __init__(
        self,
        channels: Sequence[Channel],
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        workers_per_channel: int = 4,
    ) -> None:
        self.channels = list(channels)
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._pools = {
            channel.name: ThreadPoolExecutor(workers_per_channel, thread_name_prefix=f"alert-{channel.name}")
            for channel in self.channels
        }
        self._results: queue.Queue[DeliveryResult] = queue.Queue()

    def submit(self, alert_id: str, kind: str, contacts: Sequence[Contact], message: AlertMessage) -> int:
        """Start every delivery; returns how many were started (0: nobody reachable)."""
        started = 0
        for contact in contacts:
            for channel in self.channels:
                if channel.reaches(contact):
                    self._pools[channel.name].submit(self._deliver, channel, alert_id, kind, contact, message)
                    started += 1
        return started

    def drain(self) -> list[DeliveryResult]:
        """Outcomes finished since the last call."""
        results = []
        while True:
            try:
                results.append(self._results.get_nowait())
            except queue.Empty:
                return results

    def close(self, wait: bool = True) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=wait, cancel_futures=not wait)

    def _deliver(self, channel: Channel, alert_id: str, kind: str, contact: Contact, message: AlertMessage) -> None:
        error = ""
        attempt = 0
        for attempt in range(1, self.retry.attempts + 1):
            try:
                channel.send(contact, message)
            except ChannelDeliveryError as exc:
                error = str(exc)
                if exc.permanent or attempt == self.retry.attempts:
                    break
                self._sleep(self.retry.delay_s(attempt, exc.retry_after_s))
            except Exception as exc:  # a bug in one channel must not kill the pool thread silently
                error = f"{channel.name} to {contact.id}: unexpected {type(exc).__name__}"
                break
            else:
                self._put(alert_id, kind, channel, contact, True, attempt, "")
                return
        self._put(alert_id, kind, channel, contact, False, attempt, error)

    def _put(
        self, alert_id: str, kind: str, channel: Channel, contact: Contact, ok: bool, attempts: int, error: str
    ) -> None:
        self._results.put(
            DeliveryResult(alert_id, kind, channel.name, contact.id, ok, attempts, error, datetime.now(UTC))
        )
