"""Stand-in for the stream worker's signals, derived from the simulated week with Pantau's own logic.

The worker will emit `signals` (queue_jump, late_opening, compliance_burn, ...) and `sla_breaches`
itself (issue #4); until it does, the dashboard tests need those tables filled, so this module
derives them from the same events and ticket rows: queue jumps with streams.logic.fairness,
late openings with streams.logic.punctuality, breaches and hourly burn rates from the ticket rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pantau.catalog import Catalog
from pantau.contract.models import (
    CounterOpened,
    Event,
    ServiceCompleted,
    ServiceStarted,
    TicketAbandoned,
    TicketCalled,
    TicketIssued,
)
from sinks.columns import _datetime as parse_time
from streams.logic.fairness import QueueJumpDetector
from streams.logic.punctuality import CounterPunctuality

_TICKET_EVENTS = (TicketIssued, TicketCalled, ServiceStarted, ServiceCompleted, TicketAbandoned)
BURN_MIN_TICKETS = 5


def derive_signals(
    catalog: Catalog, events: Sequence[Event], tickets: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(signals rows, sla_breaches rows) for the week."""
    ordered = sorted(events, key=lambda event: (event.occurred_at, event.event_id))
    signals = _queue_jumps(catalog, ordered) + _late_openings(catalog, ordered) + _burn_rates(catalog, tickets)
    return signals, _breaches(tickets)


def _queue_jumps(catalog: Catalog, events: list[Event]) -> list[dict[str, Any]]:
    detectors = {office.id: QueueJumpDetector(office.id) for office in catalog.offices}
    jumps = []
    for event in events:
        if isinstance(event, _TICKET_EVENTS):
            jumps += detectors[event.office_id].apply(event)
    for detector in detectors.values():
        jumps += detector.flush()
    return [
        _signal(
            f"queue_jump:{jump.office_id}:{jump.ticket_id}", "queue_jump", jump.office_id, jump.taken_at,
            value=(jump.issued_at - jump.first_skipped_issued_at).total_seconds(), service_code=jump.service_code,
            counter_id=jump.counter_id, subject_id=jump.ticket_id, severity="warn",
            detail=f"skipped {jump.skipped}",
        )
        for jump in jumps
    ]


def _late_openings(catalog: Catalog, events: list[Event]) -> list[dict[str, Any]]:
    judges = {office.id: CounterPunctuality(office) for office in catalog.offices}
    rows = []
    for event in events:
        if isinstance(event, CounterOpened):
            late = judges[event.office_id].apply(event)
            if late is not None:
                rows.append(
                    _signal(
                        f"late_opening:{late.office_id}:{late.counter_id}:{late.local_date}", "late_opening",
                        late.office_id, late.opened_at, value=late.minutes_late, counter_id=late.counter_id,
                        threshold=5.0, severity="warn",
                    )
                )
    return rows


def _burn_rates(catalog: Catalog, tickets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hourly burn rate per office and service: breach share over the error budget (1 - target_within)."""
    hours: dict[tuple[str, str, datetime], list[int]] = defaultdict(lambda: [0, 0])
    for ticket in tickets:
        if ticket.get("started_at") is None:
            continue
        started = parse_time(ticket["started_at"])
        key = (ticket["office_id"], ticket["service_code"], started.replace(minute=0, second=0, microsecond=0))
        hours[key][0] += 1
        hours[key][1] += int(ticket["wait_breached"])
    rows = []
    for (office_id, service_code, hour), (count, breached) in sorted(hours.items()):
        budget = 1.0 - catalog.service(service_code).target_within
        burn = (breached / count) / budget if budget > 0 else 0.0
        if count >= BURN_MIN_TICKETS and burn > 1.0:
            rows.append(
                _signal(
                    f"compliance_burn:{office_id}:{service_code}:{int(hour.timestamp())}", "compliance_burn",
                    office_id, hour + timedelta(hours=1), value=burn, service_code=service_code, threshold=1.0,
                    severity="page" if burn >= 6 else "warn",
                )
            )
    return rows


def _breaches(tickets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for ticket in tickets:
        if not int(ticket["wait_breached"]) or ticket.get("issued_at") is None:
            continue
        issued = parse_time(ticket["issued_at"])
        target = float(ticket["target_wait_s"])
        common = {"office_id": ticket["office_id"], "service_code": ticket["service_code"],
                  "ticket_id": ticket["ticket_id"], "threshold_s": target, "_version": 1}
        rows.append({**common, "breach_id": f"live:{ticket['office_id']}:{ticket['ticket_id']}", "kind": "live_wait",
                     "detected_at": issued + timedelta(seconds=target + 1), "observed_s": target + 1})
        rows.append({**common, "breach_id": f"done:{ticket['office_id']}:{ticket['ticket_id']}",
                     "kind": "completed_wait", "detected_at": parse_time(ticket["started_at"]),
                     "observed_s": float(ticket["wait_s"])})
    return rows


def _signal(signal_id: str, kind: str, office_id: str, at: datetime, value: float, **extra: Any) -> dict[str, Any]:
    return {"signal_id": signal_id, "kind": kind, "office_id": office_id, "detected_at": at.astimezone(UTC),
            "value": value, "_version": 1, **extra}
