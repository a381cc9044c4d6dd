"""Replaying an event file into Kafka at an optional rate, through the validating publisher."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from producers.input_files import read_events
from producers.publisher import EventPublisher, PublishCounts


def replay_file(
    path: Path,
    publisher: EventPublisher,
    rate: float | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> PublishCounts:
    """Send every record of `path`; `rate` caps events per second; returns the reconciled counts.

    Positions are line numbers, so replaying the same file twice produces the same dead-letter keys.
    Raises DeliveryError (from the final flush) when Kafka did not acknowledge everything.
    """
    started = time.monotonic()
    for sent, line in enumerate(read_events(path), start=1):
        publisher.publish(line.payload, position=str(line.position))
        if on_progress is not None:
            on_progress(line.size)
        if rate:
            ahead = started + sent / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
    publisher.flush()
    return publisher.counts
