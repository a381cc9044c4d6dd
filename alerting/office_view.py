"""The alerting service's own live view of each office, built from raw events and complaint rows.

It keeps only what the rules need: tickets still waiting (the stream's `LiveWaitMonitor`), waits of
recently started services for burn rates (`RollingCounts`), which counters opened on which local day,
open complaints, complaints filed per local day (the spike baseline) and the office's event-time
clock (the latest `occurred_at` seen). No personal data: a complaint is kept as flags and times.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pantau.catalog import Catalog, Office, Service
from pantau.contract import (
    ComplaintFiled,
    ComplaintResolved,
    ComplaintResponded,
    CounterOpened,
    Event,
    ServiceCompleted,
    ServiceStarted,
    TicketAbandoned,
    TicketCalled,
    TicketIssued,
)
from streams.logic.complaints import is_pungli
from streams.logic.sla import LiveWaitMonitor, RollingCounts

ROLLING_BUCKET_S = 60
ROLLING_KEEP_S = 2 * 3600
KEEP_DAYS = 60


@dataclass
class ComplaintTrack:
    """What the rules need of one complaint: when, which service, pungli, answered or not."""

    filed_at: datetime | None = None
    service_code: str = ""
    pungli: bool = False
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    overdue_flag: bool = False  # the stream worker's response_overdue, when its row arrived

    @property
    def answered(self) -> bool:
        return self.responded_at is not None or self.resolved_at is not None


class OfficeView:
    """Live state of one office; `clock` is the latest event time seen there."""

    def __init__(self, office: Office, services: dict[str, Service]) -> None:
        self.office = office
        self.services = services
        self.wait_targets_s = {code: service.target_wait_s for code, service in services.items()}
        self.queue = LiveWaitMonitor(office.id)
        self.rolling: dict[str, RollingCounts] = {}
        self.clock: datetime | None = None
        self.live = True
        """Whether the event that last moved `clock` arrived as it happened (see AlertEngine.evaluate)."""
        self.counter_days: dict[str, set[date]] = {}
        self.complaints: dict[str, ComplaintTrack] = {}
        self.complaints_per_day: Counter[date] = Counter()

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.office.zone).date()

    def apply(self, event: Event, arrived_live: bool = True) -> None:
        """Fold one valid event of this office in; only an event that moves the clock decides `live`."""
        if self.clock is None or event.occurred_at > self.clock:
            self.clock = event.occurred_at
            self.live = arrived_live
        if isinstance(event, ServiceStarted):
            self._count_wait(event)
        if isinstance(event, TicketIssued | TicketCalled | ServiceStarted | ServiceCompleted | TicketAbandoned):
            self.queue.apply(event)
        elif isinstance(event, CounterOpened):
            self.counter_days.setdefault(event.counter_id, set()).add(self.local_date(event.occurred_at))
        elif isinstance(event, ComplaintFiled):
            track = self._complaint(event.complaint_id, event.occurred_at)
            track.service_code = track.service_code or (event.service_code or "")
            track.pungli = track.pungli or is_pungli(event.category, event.text)
        elif isinstance(event, ComplaintResponded):
            track = self.complaints.setdefault(event.complaint_id, ComplaintTrack())
            track.responded_at = _earliest(track.responded_at, event.occurred_at)
        elif isinstance(event, ComplaintResolved):
            track = self.complaints.setdefault(event.complaint_id, ComplaintTrack())
            track.resolved_at = _earliest(track.resolved_at, event.occurred_at)

    def apply_complaint_row(self, row: dict[str, Any]) -> None:
        """Fold in a `complaints` row of the stream worker (pseudonymized; its flags are authoritative)."""
        filed_at = _parse(row.get("filed_at"))
        track = self._complaint(str(row["complaint_id"]), filed_at)
        track.service_code = track.service_code or str(row.get("service_code") or "")
        track.pungli = track.pungli or bool(row.get("pungli")) or is_pungli(str(row.get("category") or ""), None)
        track.responded_at = _earliest(track.responded_at, _parse(row.get("responded_at")))
        track.resolved_at = _earliest(track.resolved_at, _parse(row.get("resolved_at")))
        track.overdue_flag = bool(row.get("response_overdue"))

    def waiting_by_service(self) -> dict[str, list[datetime]]:
        """Issue times of tickets still waiting, per service."""
        result: dict[str, list[datetime]] = {}
        for ticket in self.queue.waiting:
            result.setdefault(ticket.service_code, []).append(ticket.issued_at)
        return result

    def forget_before(self, now: datetime) -> None:
        """Drop what no rule can still need, so memory stays bounded over months."""
        self.queue.check(now, {})  # prunes tickets older than its track limit
        cutoff = self.local_date(now) - timedelta(days=KEEP_DAYS)
        for days in self.counter_days.values():
            days.difference_update({day for day in days if day < cutoff})
        for day in [day for day in self.complaints_per_day if day < cutoff]:
            del self.complaints_per_day[day]
        for complaint_id, track in list(self.complaints.items()):
            if track.resolved_at is not None and self.local_date(track.resolved_at) < cutoff:
                del self.complaints[complaint_id]

    def _count_wait(self, event: ServiceStarted) -> None:
        for ticket in self.queue.waiting:
            if ticket.ticket_id == event.ticket_id:
                target = self.wait_targets_s.get(ticket.service_code)
                if target is not None:
                    rolling = self.rolling.setdefault(
                        ticket.service_code, RollingCounts(ROLLING_BUCKET_S, ROLLING_KEEP_S)
                    )
                    rolling.add(event.occurred_at, (event.occurred_at - ticket.issued_at).total_seconds() > target)
                return

    def _complaint(self, complaint_id: str, filed_at: datetime | None) -> ComplaintTrack:
        track = self.complaints.setdefault(complaint_id, ComplaintTrack())
        if filed_at is not None and track.filed_at is None:
            track.filed_at = filed_at
            self.complaints_per_day[self.local_date(filed_at)] += 1
        return track


class LiveView:
    """Every office's view, created on first sight."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.offices: dict[str, OfficeView] = {}

    def office(self, office_id: str) -> OfficeView:
        view = self.offices.get(office_id)
        if view is None:
            view = self.offices[office_id] = OfficeView(self.catalog.office(office_id), self.catalog.services_by_code)
        return view

    def apply(self, event: Event, arrived_live: bool = True) -> OfficeView:
        view = self.office(event.office_id)
        view.apply(event, arrived_live)
        return view

    def apply_complaint_row(self, row: dict[str, Any]) -> OfficeView | None:
        office_id = str(row.get("office_id") or "")
        if not self.catalog.has_office(office_id) or not row.get("complaint_id"):
            return None
        view = self.office(office_id)
        view.apply_complaint_row(row)
        return view


def _earliest(current: datetime | None, new: datetime | None) -> datetime | None:
    if new is None:
        return current
    return new if current is None or new < current else current


def _parse(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
