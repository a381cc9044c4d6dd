"""Shared by the pipeline tests: waiting on a condition, and what the facts must be, computed straight
from the raw events, independently of streams/."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from clickhouse_connect.driver.client import Client
from kafka import KafkaConsumer

from pantau.catalog import load_catalog
from pantau.contract import EventValidator
from pantau.kafka.lag import LagProbe
from producers.simulator import SimulatedRecord
from sinks.privacy_filter import PrivacyFilter
from sinks.routes import default_routes, routed_topics
from sinks.runner import sink_group
from sinks.sink import ClickHouseSink, SinkLimits

TicketFacts = dict[tuple[str, str], tuple[str, float | None]]


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 1.0) -> None:
    """Poll `condition` every `interval_s` until it holds; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval_s)
    raise AssertionError(f"timed out waiting for {what}")


def expected_tickets(records: list[SimulatedRecord]) -> TicketFacts:
    """(office, ticket) -> (outcome, wait_s) of every ended ticket; duplicates and disorder do not matter."""
    lives: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for record in records:
        if not record.valid_expected:
            continue
        event = orjson.loads(record.payload)
        if "ticket_id" not in event:
            continue
        at = datetime.fromisoformat(event["occurred_at"])
        life = lives[(event["office_id"], event["ticket_id"])]
        slot = event["type"]
        if slot == "service.completed":
            life["outcome"] = event["outcome"]
        life[slot] = min(life.get(slot, at), at)
    expected: TicketFacts = {}
    for key, life in lives.items():
        if "ticket.issued" not in life:
            continue
        if "outcome" in life:
            wait = (life["service.started"] - life["ticket.issued"]).total_seconds()
            expected[key] = (life["outcome"], round(max(wait, 0.0), 3))
        elif "ticket.abandoned" in life:
            expected[key] = ("abandoned", None)
    return expected


def expected_survey_ids(records: list[SimulatedRecord]) -> dict[str, set[str]]:
    """office -> ids of its valid surveys (each counts once in IKM, however often it was sent)."""
    surveys: dict[str, set[str]] = defaultdict(set)
    for record in records:
        event = orjson.loads(record.payload) if record.valid_expected else {}
        if event.get("type") == "survey.submitted":
            surveys[event["office_id"]].add(event["survey_id"])
    return surveys


def land(bootstrap: str, clickhouse: Client, database: str, prefix: str, key: str, probe: LagProbe) -> None:
    """Run the sink in-process until it has committed every routed topic, then close it."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=sink_group(prefix),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    routes = default_routes(prefix, EventValidator(load_catalog()), PrivacyFilter(key.encode()))
    sink = ClickHouseSink(consumer, clickhouse, database, routes, SinkLimits(5000, 0.3))

    def landed() -> bool:
        sink.run_once()
        return probe.group_lag(sink_group(prefix), routed_topics(prefix)).total == 0

    try:
        wait_for(landed, 120, "the sink to land every topic")
    finally:
        sink.close()
