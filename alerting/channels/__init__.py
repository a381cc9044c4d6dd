"""Notification channels (webhook, Telegram, e-mail) and the dispatcher that retries them independently."""

from alerting.channels.base import Channel
from alerting.channels.dispatcher import DeliveryResult, Dispatcher, RetryPolicy
from alerting.channels.email import EmailChannel
from alerting.channels.telegram import TelegramChannel
from alerting.channels.webhook import WebhookChannel, sign, verify_signature

__all__ = [
    "Channel",
    "DeliveryResult",
    "Dispatcher",
    "EmailChannel",
    "RetryPolicy",
    "TelegramChannel",
    "WebhookChannel",
    "sign",
    "verify_signature",
]
