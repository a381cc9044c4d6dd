"""Errors of the alerting service, under Pantau's one exception tree so the CLI prints them cleanly."""

from __future__ import annotations

from pantau.errors import PantauError


class AlertingError(PantauError):
    """Root of every error the alerting service raises on purpose."""


class AlertRulesError(AlertingError):
    """The alert rules YAML is missing, malformed or names an unknown rule, office or service."""


class OnCallScheduleError(AlertingError):
    """The on-call schedule YAML is missing, malformed or refers to an unknown contact or level."""


class ChannelDeliveryError(AlertingError):
    """One delivery attempt over one channel failed; `retry_after_s` is the receiver's own hint, if any.

    Messages never contain a channel's secret (the Telegram token sits in the URL, so URLs are not
    quoted).
    """

    def __init__(self, message: str, retry_after_s: float | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.permanent = permanent


class UnknownAlertError(AlertingError):
    """An ack or resolve named an alert id the alerting service does not know."""
