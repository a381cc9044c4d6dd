"""E-mail over SMTP (STARTTLS or implicit TLS optional), plain UTF-8 text."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pydantic import SecretStr

from alerting.errors import ChannelDeliveryError
from alerting.messages import AlertMessage
from alerting.oncall import Contact


class EmailChannel:
    """One SMTP connection per message: alerts are rare, and a stale connection is a failure mode."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: SecretStr | None = None,
        starttls: bool = False,
        implicit_tls: bool = False,
        timeout_s: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password = username, password
        self._starttls, self._implicit_tls, self._timeout_s = starttls, implicit_tls, timeout_s

    def reaches(self, contact: Contact) -> bool:
        return bool(contact.email)

    def send(self, contact: Contact, message: AlertMessage) -> None:
        if not contact.email:
            raise ChannelDeliveryError(f"email to {contact.id}: no address", permanent=True)
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self._sender
        mail["To"] = contact.email
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain="pantau")
        mail["X-Pantau-Alert-Id"] = str(message.payload.get("alert_id", ""))
        mail.set_content(message.text)
        try:
            smtp_class = smtplib.SMTP_SSL if self._implicit_tls else smtplib.SMTP
            with smtp_class(self._host, self._port, timeout=self._timeout_s) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username and self._password is not None:
                    smtp.login(self._username, self._password.get_secret_value())
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            raise ChannelDeliveryError(
                f"email to {contact.id}: SMTP {exc.smtp_code}", permanent=500 <= exc.smtp_code < 600
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelDeliveryError(f"email to {contact.id}: {type(exc).__name__}: {str(exc)[:120]}") from None
