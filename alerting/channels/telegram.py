"""Telegram Bot API: `POST <api>/bot<token>/sendMessage` with chat_id and text.

The token is part of the URL, so errors name the contact and the HTTP status only. A 429 answer
carries `parameters.retry_after`, which the dispatcher honours.
"""

from __future__ import annotations

import orjson
from pydantic import SecretStr

from alerting.channels.base import post_json
from alerting.errors import ChannelDeliveryError
from alerting.messages import AlertMessage
from alerting.oncall import Contact

TELEGRAM_API = "https://api.telegram.org"
MAX_TEXT = 4096  # Telegram's limit per message


class TelegramChannel:
    """Sends plain text (no parse_mode, so nothing needs escaping) to the contact's chat."""

    name = "telegram"

    def __init__(self, token: SecretStr, api_base: str = TELEGRAM_API, timeout_s: float = 10.0) -> None:
        self._token = token
        self._api_base = api_base.rstrip("/")
        self._timeout_s = timeout_s

    def reaches(self, contact: Contact) -> bool:
        return bool(contact.telegram_chat_id)

    def send(self, contact: Contact, message: AlertMessage) -> None:
        what = f"telegram to {contact.id}"
        body = orjson.dumps(
            {"chat_id": contact.telegram_chat_id, "text": message.text[:MAX_TEXT], "disable_web_page_preview": True}
        )
        url = f"{self._api_base}/bot{self._token.get_secret_value()}/sendMessage"
        answer = post_json(url, body, {}, self._timeout_s, what)
        try:
            document = orjson.loads(answer)
        except orjson.JSONDecodeError:
            raise ChannelDeliveryError(f"{what}: the answer is not JSON") from None
        if not isinstance(document, dict) or document.get("ok") is not True:
            code = document.get("error_code") if isinstance(document, dict) else None
            raise ChannelDeliveryError(f"{what}: Telegram refused it (error_code {code})", permanent=code == 400)
