"""Rows of the `signals` table: queue jumps, late counter openings and compliance burn rates.

Kinds and the meaning of value / threshold / detail are the ones the dashboards read
(dashboards/queries/office.py) and streams/README.md lists. Every signal_id is built from what the
signal is about (office, ticket, counter and local day, service and hour), so a replay writes the
same rows; a signal that can change (a burn escalating from warn to page) is re-sent with a higher
`_version`, never under a new id.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from pantau.catalog import Catalog
from pantau.contract.models import CounterOpened, TicketIssued
from pantau.kafka import topics
from streams.logic.fairness import QueueJump, QueueJumpDetector
from streams.logic.punctuality import CounterPunctuality
from streams.logic.sla import RollingCounts, evaluate_burn
from streams.logic.ticket_lifecycle import TicketEvent, TicketState
from streams.options import StreamOptions
from streams.state import Output, Stores
from streams.typed_state import TypedStore

QUEUE_JUMP = "queue_jump"
LATE_OPENING = "late_opening"
COMPLIANCE_BURN = "compliance_burn"
LATE_EVENT = "late_event"
TICKET_EXPIRED = "ticket_expired"
LATE_SURVEY = "late_survey"

_BURN_BUCKET_S = 300
# The ticket state already keeps an issue that arrives after its ticket left from re-entering the
# queue, so the detector needs departed tickets only for its tolerance check: a few minutes will do.
_DEPARTED_MEMORY_S = 300.0
_BURN_KEEP_HOURS = 2


def signal_output(
    signal_id: str,
    kind: str,
    office_id: str,
    key: str,
    detected_at: datetime,
    version: int,
    **columns: Any,
) -> Output:
    """A signals row as a message keyed `office|kind|key`; `columns` fill the optional columns."""
    row = {
        "signal_id": signal_id,
        "kind": kind,
        "office_id": office_id,
        "service_code": "",
        "counter_id": "",
        "subject_id": "",
        "detected_at": detected_at.astimezone(UTC),
        "value": 0.0,
        "threshold": 0.0,
        "severity": "info",
        "detail": "",
        **columns,
        "_version": version,
    }
    return Output(topics.SIGNALS, f"{office_id}|{kind}|{key}", row)


def _decode_detector(stored: Any) -> QueueJumpDetector | None:
    return QueueJumpDetector.from_dict(stored) if stored else None


def _encode_detector(detector: QueueJumpDetector | None) -> dict[str, Any]:
    assert detector is not None
    return detector.to_dict()


class SignalDetectors:
    """Runs the fairness, punctuality and compliance logic over the stores and emits their signals."""

    def __init__(self, catalog: Catalog, options: StreamOptions) -> None:
        self._catalog = catalog
        self._options = options
        self._detectors: TypedStore[QueueJumpDetector | None] = TypedStore(_decode_detector, _encode_detector)

    # -- queue jumps ---------------------------------------------------------------------------

    def queue_jumps(self, event: TicketEvent, state: TicketState, stores: Stores) -> list[Output]:
        """Feed a new ticket event to its office and service's detector; signals for jumps it decides.

        One detector per office and service keeps each stored value small. Events arrive out of
        order, so the ticket state gates them: a ticket.issued that comes after the ticket already
        left the queue is not a ticket joining it, and events of a ticket whose service is not yet
        known cannot be placed (their ticket is not in any queue the detector knows).
        """
        service_code = state.service_code
        if service_code is None:
            return []
        if isinstance(event, TicketIssued) and state.events.keys() != {"issued"}:
            return []
        key = f"{state.office_id}|{service_code}"
        detector = self._detectors.load(stores.fairness, key)
        if detector is None:
            detector = QueueJumpDetector(
                state.office_id,
                self._options.jump_tolerance_s,
                self._options.queue_track_s,
                departed_memory_s=max(self._options.jump_tolerance_s, _DEPARTED_MEMORY_S),
            )
        jumps = detector.apply(event)
        self._detectors.save(stores.fairness, key, detector)
        return [self._jump_output(jump) for jump in jumps]

    @staticmethod
    def _jump_output(jump: QueueJump) -> Output:
        return signal_output(
            f"{QUEUE_JUMP}:{jump.office_id}:{jump.ticket_id}",
            QUEUE_JUMP,
            jump.office_id,
            jump.ticket_id,
            jump.taken_at,
            1,
            service_code=jump.service_code,
            counter_id=jump.counter_id,
            subject_id=jump.ticket_id,
            value=(jump.issued_at - jump.first_skipped_issued_at).total_seconds(),
            severity="warn",
            detail=f"skipped {jump.skipped}",
        )

    # -- late openings -------------------------------------------------------------------------

    def late_opening(self, event: CounterOpened, stores: Stores) -> list[Output]:
        """A signal for a counter's first opening of the local day past schedule plus grace."""
        office = self._catalog.office(event.office_id)
        judge = CounterPunctuality(office, grace_s=self._options.opening_grace_s)
        stored = stores.punctuality.get(office.id)
        if stored:
            judge.restore_opened(stored)
        late = judge.apply(event)
        stores.punctuality[office.id] = judge.opened_to_dict()
        if late is None:
            return []
        local_date = late.local_date.isoformat()
        return [
            signal_output(
                f"{LATE_OPENING}:{late.office_id}:{late.counter_id}:{local_date}",
                LATE_OPENING,
                late.office_id,
                f"{late.counter_id}|{local_date}",
                late.opened_at,
                1,
                counter_id=late.counter_id,
                value=late.minutes_late,
                threshold=self._options.opening_grace_s / 60.0,
                severity="warn",
                detail=f"scheduled {late.scheduled_at.astimezone(office.zone):%H:%M}",
            )
        ]

    # -- compliance burn -----------------------------------------------------------------------

    def compliance_burn(self, row: dict[str, Any], now: datetime, stores: Stores) -> list[Output]:
        """Count a ticket whose wait just became known; a signal when both windows burn too fast.

        One signal per office, service and UTC hour of the office clock: sent at its first warn or
        page, re-sent once if it escalates to page. `value` is the long window's burn rate,
        `threshold` the rate it crossed; the volume guards of the policy come first.
        """
        office_id, service_code = str(row["office_id"]), str(row["service_code"])
        policy = self._options.burn
        key = f"{office_id}|{service_code}"
        stored = stores.burn.get(key)
        rolling = (
            RollingCounts.from_dict(stored["counts"]) if stored else RollingCounts(_BURN_BUCKET_S, policy.long_window_s)
        )
        sent: dict[str, list[Any]] = dict(stored["sent"]) if stored else {}
        rolling.add(row["started_at"], bool(row["wait_breached"]))
        long, short = rolling.counts(now, policy.long_window_s), rolling.counts(now, policy.short_window_s)
        target_within = self._catalog.service(service_code).target_within
        burn = evaluate_burn(long, short, target_within, policy)
        seconds = math.floor(now.timestamp())
        hour = seconds - seconds % 3600
        sent = {h: v for h, v in sent.items() if int(h) > hour - _BURN_KEEP_HOURS * 3600}
        outputs = []
        previous = sent.get(str(hour))
        if burn.severity is not None and (previous is None or (previous[0] == "warn" and burn.severity == "page")):
            version = 1 if previous is None else int(previous[1]) + 1
            sent[str(hour)] = [burn.severity, version]
            threshold = policy.page_burn if burn.severity == "page" else policy.warn_burn
            outputs.append(
                signal_output(
                    f"{COMPLIANCE_BURN}:{office_id}:{service_code}:{hour}",
                    COMPLIANCE_BURN,
                    office_id,
                    f"{service_code}|{hour}",
                    now,
                    version,
                    service_code=service_code,
                    value=burn.long_burn or 0.0,
                    threshold=threshold,
                    severity=burn.severity,
                    detail=f"1h {long.bad}/{long.total} over target, 5m {short.bad}/{short.total}",
                )
            )
        stores.burn[key] = {"counts": rolling.to_dict(), "sent": sent}
        return outputs
