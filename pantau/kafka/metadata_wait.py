"""Wait until a consumer's metadata knows a set of topics, before it subscribes to them.

Why: the group leader assigns partitions from its own metadata cache. A consumer that subscribes to a
topic created a moment ago (by `ensure_topics`, by the worker in another process) can join while the
broker still answers its metadata request without the topic; the assignor then logs "No partition
metadata for topic" and hands out nothing. kafka-python rejoins once a later refresh shows the
partitions, but a CI run saw a sink sit on an empty assignment for 120 s. Asking for the topics until
they are known costs a few metadata requests and removes the race.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from kafka import KafkaConsumer

log = logging.getLogger(__name__)


def await_topic_metadata(
    consumer: KafkaConsumer, topics: Iterable[str], timeout_s: float = 30.0, pause_s: float = 0.2
) -> list[str]:
    """Block until every topic has partitions in the consumer's metadata; return those still unknown.

    Gives up after `timeout_s` rather than hang a process on a topic nobody creates: the consumer
    then subscribes anyway and kafka-python's periodic refresh remains the fallback.
    """
    missing = sorted(set(topics))
    deadline = time.monotonic() + timeout_s
    while missing:
        missing = [topic for topic in missing if not consumer.partitions_for_topic(topic)]
        if not missing or time.monotonic() >= deadline:
            break
        time.sleep(pause_s)
    if missing:
        log.warning("no partition metadata after %.0f s for %s; subscribing anyway", timeout_s, ", ".join(missing))
    return missing
