"""Reading back what a test sent through the real broker."""

from __future__ import annotations

from kafka import KafkaConsumer


def consume_messages(bootstrap: str, topic: str, expected: int, timeout_ms: int = 10_000) -> list[tuple[bytes, bytes]]:
    """(key, value) of up to `expected` messages from the start of `topic`; stops early after `timeout_ms` idle."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=timeout_ms,
    )
    messages: list[tuple[bytes, bytes]] = []
    try:
        for message in consumer:
            messages.append((message.key, message.value))
            if len(messages) >= expected:
                break
    finally:
        consumer.close()
    return messages
