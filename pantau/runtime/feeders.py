"""Background feeders of `pantau up`: the live simulator and the sink, each in its own thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from producers.publisher import EventPublisher

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
