"""Replaying an event file into Kafka at an optional rate, through the validating publisher."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from producers.input_files import read_events
from producers.publisher import Accepted, EventPublisher, PublishCounts


@dataclass
class ReplayLedger:
    """What a replay sent, kept so ClickHouse can be asked about exactly those rows afterwards."""

    source: str
    kept_after: datetime | None = None
    """Events that occurred before this are past the retention of `events` (its TTL drops them as they land)."""
    event_keys: set[tuple[str, str]] = field(default_factory=set)
    refused_positions: list[str] = field(default_factory=list)
    past_retention: int = 0


def replay_file(
    path: Path,
    publisher: EventPublisher,
    rate: float | None = None,
    on_progress: Callable[[int], None] | None = None,
    ledger: ReplayLedger | None = None,
) -> PublishCounts:
    """Send every record of `path`; `rate` caps events per second; returns the reconciled counts.

    Positions are line numbers, so replaying the same file twice produces the same dead-letter keys.
    `ledger`, when given, records which events were sent and which lines refused, so `replay --wait`
    can look for exactly those rows in ClickHouse afterwards.
    Raises DeliveryError (from the final flush) when Kafka did not acknowledge everything.
    """
    started = time.monotonic()
    for sent, line in enumerate(read_events(path), start=1):
        position = str(line.position)
        outcome = publisher.publish(line.payload, position=position)
        if ledger is not None:
            if not isinstance(outcome, Accepted):
                ledger.refused_positions.append(position)
            elif ledger.kept_after is not None and outcome.event.occurred_at < ledger.kept_after:
                ledger.past_retention += 1  # its facts are computed; the raw event is not kept
            else:
                ledger.event_keys.add((outcome.event.office_id, outcome.event.event_id))
        if on_progress is not None:
            on_progress(line.size)
        if rate:
            ahead = started + sent / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    publisher.flush()
    return publisher.counts
