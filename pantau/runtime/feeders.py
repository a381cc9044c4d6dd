"""Background feeders of `pantau up`: the live simulator and the sink, each in its own thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime

from producers.publisher import EventPublisher
from producers.simulator.options import SimulatedRecord
from sinks.sink import ClickHouseSink

log = logging.getLogger(__name__)


class PublishingThread(threading.Thread):
    """Publishes records (payload bytes) until exhausted or stopped; the publisher is closed at the end."""

    def __init__(self, payloads: Iterable[bytes], publisher: EventPublisher, stop: threading.Event) -> None:
        super().__init__(name="pantau-simulator", daemon=True)
        self._payloads = payloads
        self._publisher = publisher
        self._stop_event = stop
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for position, payload in enumerate(self._payloads, start=1):
                if self._stop_event.is_set():
                    break
                self._publisher.publish(payload, position=str(position))
        except BaseException as exc:  # reported by the supervisor, which stops the pipeline
            self.error = exc
        finally:
            try:
                self._publisher.close()
            except BaseException as exc:
                self.error = self.error or exc


class NewestTime:
    """The newest time seen so far (the simulated clock for the status line); written by one thread, read by another."""

    def __init__(self) -> None:
        self.value: datetime | None = None

    def passing(self, records: Iterable[SimulatedRecord]) -> Iterator[bytes]:
        """The payloads of `records`, noting each one's occurred_at as it passes."""
        for record in records:
            if self.value is None or record.occurred_at > self.value:
                self.value = record.occurred_at
            yield record.payload


class SinkThread(threading.Thread):
    """The ClickHouse sink's loop; an exception ends the thread with `error` set (the supervisor restarts it)."""

    def __init__(self, sink: ClickHouseSink, stop: threading.Event) -> None:
        super().__init__(name="pantau-sink", daemon=True)
        self.sink = sink
        self._stop_event = stop
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.sink.run(self._stop_event)
        except BaseException as exc:
            log.exception("the sink failed")
            self.error = exc
            try:
                self.sink.close()  # a restarted sink rejoins the group; this one must leave it
            except BaseException:
                log.exception("closing the failed sink")
