"""Each channel against a real receiver on loopback: webhook (HMAC), Telegram-shaped API, SMTP."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from alerting.channels import (
    Channel,
    DeliveryResult,
    Dispatcher,
    EmailChannel,
    RetryPolicy,
    TelegramChannel,
    WebhookChannel,
    verify_signature,
)
from alerting.channels.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER
from alerting.messages import AlertMessage
from alerting.oncall import Contact
from tests.conftest import free_port
from tests.integration.alerting.receivers import HttpReceiver, SmtpReceiver, wait_until

pytestmark = pytest.mark.integration
TOKEN = "123456:ABC-rahasia"
SECRET = "kunci-hmac-uji"
MESSAGE = AlertMessage(
    "[PERINGATAN KRITIS] Antrean melewati target waktu tunggu - MPP DKI",
    "Apa: 3 tiket KTP menunggu lebih dari 30 menit\nSejak: Senin, 2 November 2026 08.30 WIB",
    {"alert_id": "live_wait_breach:MPP-JKT-01:KTP@1", "kind": "firing"},
)


def contact(base: str, smtp_port: int) -> Contact:
    return Contact(
        id="budi", name="Budi", telegram_chat_id="1001", email="budi@example.go.id", webhook_url=f"{base}/hook"
    )


def dispatcher(base: str, smtp_port: int, attempts: int = 3) -> Dispatcher:
    channels: list[Channel] = [
        WebhookChannel(SecretStr(SECRET), timeout_s=2),
        TelegramChannel(SecretStr(TOKEN), api_base=base, timeout_s=2),
        EmailChannel("127.0.0.1", smtp_port, "pantau@example.go.id", timeout_s=2),
    ]
    return Dispatcher(channels, RetryPolicy(attempts=attempts, base_s=0.05))


def results(d: Dispatcher, count: int) -> list[DeliveryResult]:
    found: list[DeliveryResult] = []
    wait_until(lambda: len(found.__iadd__(d.drain())) >= count, 10)
    return found


def test_every_channel_delivers_to_its_real_receiver(
    http_receiver: tuple[HttpReceiver, str], smtp_receiver: SmtpReceiver
) -> None:
    receiver, base = http_receiver
    d = dispatcher(base, smtp_receiver.port)
    assert d.submit("a1", "firing", [contact(base, smtp_receiver.port)], MESSAGE) == 3
    outcomes = results(d, 3)
    d.close()
    assert sorted((r.channel, r.ok) for r in outcomes) == [("email", True), ("telegram", True), ("webhook", True)]

    (hook,) = receiver.on("/hook")
    assert verify_signature(SECRET.encode(), hook.headers[TIMESTAMP_HEADER], hook.body, hook.headers[SIGNATURE_HEADER])
    assert hook.json()["recipient"] == {"id": "budi", "name": "Budi"}
    (telegram,) = receiver.on("/sendMessage")
    assert telegram.path == f"/bot{TOKEN}/sendMessage"
    assert telegram.json() == {"chat_id": "1001", "text": MESSAGE.text, "disable_web_page_preview": True}
    (mail,) = smtp_receiver.to("budi@example.go.id")
    assert mail["Subject"] == MESSAGE.subject
    assert mail.get_content().replace("\r\n", "\n").strip() == MESSAGE.text


def test_a_503_is_retried_with_backoff(http_receiver: tuple[HttpReceiver, str], smtp_receiver: SmtpReceiver) -> None:
    receiver, base = http_receiver
    receiver.fail[f"/bot{TOKEN}/sendMessage"] = 2
    d = dispatcher(base, smtp_receiver.port)
    d.submit("a1", "firing", [Contact(id="budi", name="Budi", telegram_chat_id="1001")], MESSAGE)
    (outcome,) = results(d, 1)
    d.close()
    assert (outcome.ok, outcome.attempts) == (True, 3)
    assert len(receiver.on("/sendMessage")) == 1


def test_a_dead_smtp_server_does_not_stop_telegram_and_hides_the_token(http_receiver: tuple[HttpReceiver, str]) -> None:
    receiver, base = http_receiver
    d = dispatcher(base, free_port(), attempts=2)  # nothing listens on that port
    started = time.time()
    d.submit("a1", "firing", [contact(base, 0)], MESSAGE)
    outcomes = results(d, 3)
    d.close()
    by_channel = {r.channel: r for r in outcomes}
    assert by_channel["telegram"].ok and by_channel["webhook"].ok and not by_channel["email"].ok
    assert receiver.on("/sendMessage")[0].at - started < 5
    assert "Connection" in by_channel["email"].error
    assert all(TOKEN not in r.error for r in outcomes)
