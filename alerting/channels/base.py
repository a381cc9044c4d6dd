"""What a notification channel is: something that reaches some contacts and sends one message to one."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol

from alerting.errors import ChannelDeliveryError
from alerting.messages import AlertMessage
from alerting.oncall import Contact

RETRYABLE_HTTP = frozenset({408, 425, 429, 500, 502, 503, 504})


class Channel(Protocol):
    """A channel sends or raises ChannelDeliveryError; it never logs its secrets."""

    name: str

    def reaches(self, contact: Contact) -> bool:
        """True when the contact has an address on this channel."""
        ...

    def send(self, contact: Contact, message: AlertMessage) -> None:
        """Deliver once; retries are the dispatcher's job."""
        ...


def post_json(url: str, body: bytes, headers: dict[str, str], timeout_s: float, what: str) -> bytes:
    """POST JSON and return the response body; errors say `what` (never the URL, which may hold a token)."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None, exc.read())
        raise ChannelDeliveryError(
            f"{what}: HTTP {exc.code}", retry_after_s=retry_after, permanent=exc.code not in RETRYABLE_HTTP
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChannelDeliveryError(f"{what}: {type(reason).__name__}: {str(reason)[:120]}") from None


def _retry_after(header: str | None, body: bytes) -> float | None:
    if header and header.strip().isdigit():
        return float(header)
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return None
    value = document.get("parameters", {}).get("retry_after") if isinstance(document, dict) else None
    return float(value) if isinstance(value, int | float) else None
