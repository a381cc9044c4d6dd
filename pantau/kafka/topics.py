"""Pantau's Kafka topics: one registry, so the launcher, producers, streams and sink agree on names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    """A topic's role-based suffix and whether it is compacted (latest value per key is enough)."""

    suffix: str
    description: str
    compacted: bool = False
    configs: tuple[tuple[str, str], ...] = ()
    """Topic settings it is created with, whoever creates it (kafka up, the worker, the alert service, tests)."""

    def name(self, prefix: str) -> str:
        return f"{prefix}.{self.suffix}"


RAW_INPUT_RETENTION_MS = str(7 * 24 * 3600 * 1000)
"""How long Kafka keeps offices' events and dead letters: 7 days, set on the topics, whatever the broker's default.

Enough for the worker and the sink to catch up after a week-long outage; both topics are landed in
ClickHouse (pseudonymized and redacted), which is where history is kept. Pantau's own producers put
no raw NIK into the events topic, but another producer may: the retention bounds how long it stays.
"""

EVENTS = TopicSpec(
    "events",
    "valid contract-v1 events, keyed by office_id",
    # The broker stamps each message when it appends it: the worker and the sink read that stamp as
    # the event's receipt time (occurred_in_future), so a producer's wrong clock cannot vouch for it.
    configs=(("message.timestamp.type", "LogAppendTime"), ("retention.ms", RAW_INPUT_RETENTION_MS)),
)
DEAD_LETTERS = TopicSpec(
    "dead-letters",
    "refused input with its reason and raw payload (redacted)",
    configs=(("retention.ms", RAW_INPUT_RETENTION_MS),),
)
TICKETS = TopicSpec("tickets", "one fact per ended ticket")
COMPLAINTS = TopicSpec("complaints", "complaint facts, pseudonymized and redacted")
SURVEYS = TopicSpec("surveys", "survey facts")
WINDOW_METRICS = TopicSpec("window-metrics", "5-minute and hourly metrics per office and service")
SLA_BREACHES = TopicSpec("sla-breaches", "live and completed waiting-time breaches")
IKM = TopicSpec("ikm", "IKM per office and period")
SIGNALS = TopicSpec("signals", "fairness, punctuality and compliance signals")
ALERTS = TopicSpec("alerts", "current state of each alert, re-sent on every transition")
ALERT_EVENTS = TopicSpec("alert-events", "every alert transition (firing, acknowledged, notified, escalated, resolved)")

ALL_TOPICS: tuple[TopicSpec, ...] = (
    EVENTS,
    DEAD_LETTERS,
    TICKETS,
    COMPLAINTS,
    SURVEYS,
    WINDOW_METRICS,
    SLA_BREACHES,
    IKM,
    SIGNALS,
    ALERTS,
    ALERT_EVENTS,
)


def topic_names(prefix: str) -> list[str]:
    """Every Pantau topic name under a prefix."""
    return [spec.name(prefix) for spec in ALL_TOPICS]


def creation_configs(name: str) -> dict[str, str]:
    """The settings a topic of this name is created with: its spec's, if it is one of Pantau's."""
    for spec in ALL_TOPICS:
        if name.endswith(f".{spec.suffix}"):
            return dict(spec.configs)
    return {}


def describe_topics(on_broker: list[str], prefix: str) -> str:
    """What `kafka up` and `kafka status` both say about the topics: those named `<prefix>.*` on the broker.

    The registry above holds the pipeline's topics; other `<prefix>.*` topics (the alert service's
    `alert-commands`) are named apart, so a count never changes meaning between the two commands.
    """
    ours = sorted(name for name in on_broker if name.startswith(f"{prefix}."))
    pipeline = topic_names(prefix)
    missing = [name for name in pipeline if name not in ours]
    others = [name for name in ours if name not in pipeline]
    text = f"{len(ours)} topics named {prefix}.*: {len(pipeline) - len(missing)} of the pipeline's {len(pipeline)}"
    if missing:
        text += f" (missing: {', '.join(missing)})"
    if others:
        text += f", and {', '.join(others)}"
    return text
