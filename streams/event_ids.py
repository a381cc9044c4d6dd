"""Which event_ids an office has sent, so a repeated event_id with other content is refused, not applied.

CONTRACT section 1: a repeated event_id is the same event sent twice, and one that repeats an earlier
event_id with different content is a `conflicting_duplicate` dead letter; the first version stands
everywhere. Identical repeats go on to the processor, whose per-entity state makes them no-ops (and
re-sends the current rows, which a redelivery after a crash needs).

The content is compared as the validated event (canonical JSON, keys sorted), so the same event
serialized with other key order or spacing is no conflict. Ids are kept per office (the events
topic is keyed by office_id, so one worker sees all of an office's events) for the late horizon
of office time after their arrival; a conflicting repeat that comes later than that is no longer
recognized and is applied like any event (streams/README.md).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import orjson

from pantau.contract import DeadLetter, DeadLetterReason, ReasonCode
from pantau.contract.models import Event
from streams.state import OfficeClock, Stores


def content_digest(event: Event, encoded: dict[str, Any] | None = None) -> str:
    """A short digest of the event's validated content (hex), equal for equal events however serialized.

    `encoded`: the event's `model_dump(mode="json")` if the caller has it (the processor keeps it
    as the event's stored form), so it is dumped once.
    """
    payload = encoded if encoded is not None else event.model_dump(mode="json")
    canonical = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=8).hexdigest()


class EventIds:
    """Remembers each office's event_ids with their digest for `horizon_s` of office time after arrival."""

    def __init__(self, horizon_s: float) -> None:
        self._horizon = timedelta(seconds=horizon_s)

    def conflict(self, event: Event, digest: str, raw: bytes | None, stores: Stores) -> DeadLetter | None:
        """A conflicting_duplicate dead letter if the event_id was first seen with other content, else None.

        `raw`: the event as received, kept in the dead letter (its validated form when not given).
        """
        seen = stores.event_ids.get(f"{event.office_id}|{event.event_id}")
        if seen is None or seen[0] == digest:
            return None
        text = raw.decode("utf-8", errors="replace") if raw is not None else event.model_dump_json()
        reason = DeadLetterReason(
            ReasonCode.CONFLICTING_DUPLICATE,
            "event_id",
            f"{event.event_id!r} was first received at {seen[1]} with other content; the first one stands",
        )
        return DeadLetter(raw=text, reason=reason)

    def remember(self, event: Event, digest: str, position: str, clock: OfficeClock, stores: Stores) -> None:
        """Note a first-seen event_id and book its removal a horizon past the office clock."""
        key = f"{event.office_id}|{event.event_id}"
        if key in stores.event_ids:
            return
        stores.event_ids[key] = [digest, position]
        now: datetime = clock.latest or event.occurred_at
        clock.schedule(stores.sweep, now + self._horizon, "event_ids", key)
