"""Receivers shared by the alerting integration tests (one HTTP and one SMTP server per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import free_port
from tests.integration.alerting.receivers import HttpReceiver, SmtpReceiver


@pytest.fixture
def http_receiver() -> Iterator[tuple[HttpReceiver, str]]:
    receiver = HttpReceiver()
    base = receiver.start()
    yield receiver, base
    receiver.stop()


@pytest.fixture
def smtp_receiver() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver(free_port())
    receiver.start()
    yield receiver
    receiver.stop()
