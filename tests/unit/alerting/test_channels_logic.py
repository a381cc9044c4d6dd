"""Webhook signatures and the dispatcher's retries, with in-memory channels (the real receivers are in
tests/integration/alerting)."""

from __future__ import annotations

import threading

from alerting.channels import Dispatcher, RetryPolicy, sign, verify_signature
from alerting.errors import ChannelDeliveryError
from alerting.messages import AlertMessage
from alerting.oncall import Contact

SECRET = b"rahasia-webhook"
MESSAGE = AlertMessage("subjek", "teks", {"alert_id": "a1"})
BUDI = Contact(id="budi", name="Budi", telegram_chat_id="1", email="b@example.go.id")


def test_signature_covers_timestamp_and_body() -> None:
    signature = sign(SECRET, "1793600000", b'{"a":1}')
    assert verify_signature(SECRET, "1793600000", b'{"a":1}', signature, now_s=1793600010)
    assert not verify_signature(SECRET, "1793600000", b'{"a":2}', signature, now_s=1793600010)
    assert not verify_signature(SECRET, "1793600001", b'{"a":1}', signature, now_s=1793600010)
    assert not verify_signature(SECRET, "1793600000", b'{"a":1}', signature, now_s=1793600000 + 301)


def test_backoff_doubles_and_honours_retry_after() -> None:
    policy = RetryPolicy(attempts=5, base_s=0.5, max_s=3.0)
    assert [policy.delay_s(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.delay_s(1, hint_s=7.0) == 3.0 and policy.delay_s(2, hint_s=0.2) == 0.2


class Flaky:
    """Fails `failures` times (retryable), then succeeds."""

    def __init__(self, name: str, failures: int, permanent: bool = False) -> None:
        self.name, self.failures, self.permanent, self.calls = name, failures, permanent, 0

    def reaches(self, contact: Contact) -> bool:
        return True

    def send(self, contact: Contact, message: AlertMessage) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ChannelDeliveryError(f"{self.name} down", permanent=self.permanent)


class Blocking:
    """Never answers until released: a hung SMTP server."""

    name = "email"

    def __init__(self) -> None:
        self.release = threading.Event()

    def reaches(self, contact: Contact) -> bool:
        return True

    def send(self, contact: Contact, message: AlertMessage) -> None:
        self.release.wait(10)
        raise ChannelDeliveryError("email timeout")


def wait_results(dispatcher: Dispatcher, count: int) -> list[object]:
    results: list[object] = []
    for _ in range(500):
        results += dispatcher.drain()
        if len(results) >= count:
            return results
        threading.Event().wait(0.01)
    return results


def test_retries_with_backoff_until_delivered() -> None:
    sleeps: list[float] = []
    flaky = Flaky("telegram", failures=2)
    dispatcher = Dispatcher([flaky], RetryPolicy(attempts=4, base_s=0.5), sleep=sleeps.append)
    assert dispatcher.submit("a1", "firing", [BUDI], MESSAGE) == 1
    (result,) = wait_results(dispatcher, 1)
    dispatcher.close()
    assert (result.ok, result.attempts, sleeps) == (True, 3, [0.5, 1.0])  # type: ignore[attr-defined]


def test_permanent_failure_stops_at_once() -> None:
    dispatcher = Dispatcher([Flaky("webhook", failures=9, permanent=True)], sleep=lambda _: None)
    dispatcher.submit("a1", "firing", [BUDI], MESSAGE)
    (result,) = wait_results(dispatcher, 1)
    dispatcher.close()
    assert (result.ok, result.attempts, result.error) == (False, 1, "webhook down")  # type: ignore[attr-defined]


def test_a_hung_channel_does_not_hold_back_the_others() -> None:
    blocking = Blocking()
    dispatcher = Dispatcher([blocking, Flaky("telegram", failures=0)], RetryPolicy(attempts=1), sleep=lambda _: None)
    dispatcher.submit("a1", "firing", [BUDI], MESSAGE)
    first = wait_results(dispatcher, 1)
    assert [(r.channel, r.ok) for r in first] == [("telegram", True)]  # type: ignore[attr-defined]
    blocking.release.set()
    rest = wait_results(dispatcher, 1)
    dispatcher.close()
    assert [(r.channel, r.ok) for r in rest] == [("email", False)]  # type: ignore[attr-defined]
