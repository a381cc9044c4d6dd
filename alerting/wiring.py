"""Building the engine and the dispatcher from settings: the one place that reads alerting settings."""

from __future__ import annotations

import logging
from datetime import timedelta

from alerting.channels import Channel, Dispatcher, EmailChannel, RetryPolicy, TelegramChannel, WebhookChannel
from alerting.config import load_rules
from alerting.engine import AlertEngine
from alerting.oncall import Contact, OnCallSchedule, load_schedule
from pantau.catalog import Catalog
from pantau.settings import PantauSettings

LOG = logging.getLogger("pantau.alerting")
GLOBAL_WEBHOOK_ID = "webhook"


def build_engine(settings: PantauSettings, catalog: Catalog) -> AlertEngine:
    """Rules, on-call schedule and dashboard link from settings; no schedule means nobody is paged."""
    rules = load_rules(settings.alert_rules, catalog)
    if settings.alert_oncall is not None:
        schedule = load_schedule(settings.alert_oncall, catalog)
    else:
        LOG.warning("PANTAU_ALERT_ONCALL is not set: alerts are recorded, but nobody on call is notified")
        schedule = OnCallSchedule(levels=("supervisor",), contacts={}, schedules=())
    extra = []
    if settings.alert_webhook_url:
        extra.append(Contact(id=GLOBAL_WEBHOOK_ID, name="Webhook", webhook_url=settings.alert_webhook_url))
    dashboard_url = settings.alert_dashboard_url or settings.grafana_url
    live_lag = timedelta(seconds=settings.stream_live_max_ahead_s)
    return AlertEngine(catalog, rules, schedule, dashboard_url, extra_contacts=extra, live_lag=live_lag)


def build_channels(settings: PantauSettings) -> list[Channel]:
    """Every channel whose settings are present; webhooks always (they need only a contact's URL)."""
    channels: list[Channel] = [WebhookChannel(settings.alert_webhook_secret)]
    if settings.alert_telegram_token is not None:
        channels.append(TelegramChannel(settings.alert_telegram_token, settings.alert_telegram_api_url))
    if settings.alert_smtp_host:
        channels.append(
            EmailChannel(
                settings.alert_smtp_host,
                settings.alert_smtp_port,
                settings.alert_smtp_sender,
                settings.alert_smtp_username,
                settings.alert_smtp_password,
                starttls=settings.alert_smtp_starttls,
                implicit_tls=settings.alert_smtp_tls,
            )
        )
    return channels


def build_dispatcher(settings: PantauSettings) -> Dispatcher:
    retry = RetryPolicy(attempts=settings.alert_delivery_attempts, base_s=settings.alert_delivery_backoff_s)
    return Dispatcher(build_channels(settings), retry)
