"""Generic webhook: the alert as JSON, signed with HMAC-SHA256 so receivers can trust and date it.

Signature: `X-Pantau-Signature: sha256=<hex>` of HMAC(secret, "<timestamp>." + body), with
`X-Pantau-Timestamp` (Unix seconds). Signing the timestamp lets a receiver refuse replays older than
a few minutes; comparing in constant time is `verify_signature`'s job.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import orjson
from pydantic import SecretStr

from alerting.channels.base import post_json
from alerting.errors import ChannelDeliveryError
from alerting.messages import AlertMessage
from alerting.oncall import Contact

SIGNATURE_HEADER = "X-Pantau-Signature"
TIMESTAMP_HEADER = "X-Pantau-Timestamp"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` over `timestamp.body`."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_signature(
    secret: bytes, timestamp: str, body: bytes, signature: str, now_s: float | None = None, max_age_s: float = 300.0
) -> bool:
    """True when the signature matches and the timestamp is recent: what a receiver should check."""
    if not timestamp.isdigit() or abs((now_s if now_s is not None else time.time()) - int(timestamp)) > max_age_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookChannel:
    """POSTs the alert JSON to the contact's `webhook_url`."""

    name = "webhook"

    def __init__(self, secret: SecretStr | None, timeout_s: float = 10.0) -> None:
        self._secret = secret
        self._timeout_s = timeout_s

    def reaches(self, contact: Contact) -> bool:
        return bool(contact.webhook_url)

    def send(self, contact: Contact, message: AlertMessage) -> None:
        if not contact.webhook_url:
            raise ChannelDeliveryError(f"webhook to {contact.id}: no webhook_url", permanent=True)
        body = orjson.dumps({**message.payload, "recipient": {"id": contact.id, "name": contact.name}})
        timestamp = str(int(time.time()))
        headers = {TIMESTAMP_HEADER: timestamp}
        if self._secret is not None:
            headers[SIGNATURE_HEADER] = sign(self._secret.get_secret_value().encode(), timestamp, body)
        post_json(contact.webhook_url, body, headers, self._timeout_s, f"webhook to {contact.id}")
