"""Complaints (pengaduan via SP4N-LAPOR! and other channels) that follow the service citizens got.

Whether a ticket leads to a complaint depends on what happened to it: a wait past the target (more
so the further past), giving up, a rejection for incomplete requirements, being jumped in the queue,
plus a small baseline (facilities, behaviour) that is higher where staff are discourteous. The cause
picks the category: long waits give mostly "waktu", rejections "persyaratan", queue jumps
"diskriminasi". A rare complaint is about pungli (illegal levies), whatever the cause.

Online channels are used hours or days later; kotak saran and the complaint desk on the spot. The
office responds some working days later (first-response deadline: 3) and resolves later still
(deadline 5, 14 where supervision is involved, as for pungli), in working hours; some complaints are
answered late and some never, as in real life. Follow-ups after the simulated period are dropped by
the engine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from producers.simulator.calendar import OfficeCalendar
from producers.simulator.complaint_texts import complaint_text, make_nik
from producers.simulator.profiles import OfficeProfile
from producers.simulator.queueing import Ticket
from producers.simulator.seeding import pick

PUNGLI_SHARE = 0.015
_BASELINE = 0.003
_PER_TARGET_PAST = 0.015  # per multiple of the waiting target past it, up to _MAX_PAST
_MAX_PAST = 4.0
_CATEGORIES = {
    "slow": (("waktu", 0.75), ("perilaku_petugas", 0.08), ("sarana_prasarana", 0.07), ("persyaratan", 0.03),
             ("diskriminasi", 0.02), ("lainnya", 0.05)),
    "rejected": (("persyaratan", 0.65), ("perilaku_petugas", 0.15), ("waktu", 0.05), ("lainnya", 0.15)),
    "jumped": (("diskriminasi", 0.6), ("perilaku_petugas", 0.2), ("waktu", 0.2)),
    "baseline": (("sarana_prasarana", 0.3), ("perilaku_petugas", 0.25), ("persyaratan", 0.15), ("waktu", 0.1),
                 ("diskriminasi", 0.05), ("lainnya", 0.15)),
}  # fmt: skip
_CHANNELS = (("lapor", 0.3), ("whatsapp", 0.3), ("kotak_saran", 0.12), ("email", 0.06), ("langsung", 0.22))
_RESPONSE_DAYS = ((1, 0.35), (2, 0.3), (3, 0.15), (4, 0.08), (5, 0.06), (7, 0.04), (10, 0.02))
_RESOLUTION_DAYS = ((1, 0.2), (2, 0.2), (3, 0.15), (4, 0.1), (5, 0.1), (7, 0.1), (10, 0.08), (15, 0.07))
_SUPERVISED_RESOLUTION_DAYS = ((5, 0.3), (10, 0.3), (14, 0.2), (20, 0.2))
NEVER_RESPONDED = 0.05
NEVER_RESOLVED = 0.1


@dataclass(frozen=True, slots=True)
class Complaint:
    """A filed complaint: when, and the event's fields."""

    complaint_id: str
    filed_at: float
    category: str
    fields: dict[str, Any]


def complaint_causes(ticket: Ticket, profile: OfficeProfile) -> list[tuple[str, float]]:
    """(cause, probability) pairs for one ticket; their sum is the chance of a complaint."""
    causes = [("baseline", _BASELINE + 0.01 * max(0.0, -profile.staff_courtesy))]
    if ticket.outcome != "no_show":
        past = ticket.wait_ratio - 1.0
        slow = _PER_TARGET_PAST * min(past, _MAX_PAST) if past > 0 else 0.0
        if ticket.outcome == "left":
            slow += 0.015
        if slow > 0:
            causes.append(("slow", slow))
    if ticket.outcome == "rejected_incomplete":
        causes.append(("rejected", 0.02))
    if ticket.jumped_over:
        causes.append(("jumped", 0.03))
    return causes


def maybe_complaint(
    rng: random.Random, ticket: Ticket, profile: OfficeProfile, service_name: str, complaint_id: str
) -> Complaint | None:
    """A complaint about this ticket's visit, or None (most of the time)."""
    roll = rng.random()
    cause = None
    for name, probability in complaint_causes(ticket, profile):
        if roll < probability:
            cause = name
            break
        roll -= probability
    if cause is None:
        return None
    category = "pungli" if rng.random() < PUNGLI_SHARE else pick(_CATEGORIES[cause], rng.random())
    channel = pick(_CHANNELS, rng.random())
    filed_at = ticket.ended + _filing_delay_s(rng, channel)
    nik = make_nik(rng, profile.province_code) if rng.random() < (0.6 if channel == "lapor" else 0.25) else None
    fields: dict[str, Any] = {
        "complaint_id": complaint_id,
        "category": category,
        "channel": channel,
        "service_code": ticket.service_code,
    }
    if nik is not None:
        fields["reporter_nik"] = nik
    fields["text"] = complaint_text(
        rng,
        category,
        service_name,
        ticket.counter_id,
        round(ticket.wait_s / 60.0),
        nik if nik is not None and rng.random() < 0.4 else None,
        rng.random() < (0.45 if channel == "whatsapp" else 0.2),
    )
    return Complaint(complaint_id, filed_at, category, fields)


def follow_ups(rng: random.Random, calendar: OfficeCalendar, complaint: Complaint) -> list[tuple[float, str]]:
    """(epoch seconds, type) of the complaint's response and resolution, if they ever come."""
    if rng.random() < NEVER_RESPONDED:
        return []
    filed_day = datetime.fromtimestamp(complaint.filed_at, calendar.office.zone).date()
    responded_day, responded_at = _in_working_hours(rng, calendar, filed_day, _RESPONSE_DAYS)
    events = [(responded_at, "complaint.responded")]
    if rng.random() >= NEVER_RESOLVED:
        table = _SUPERVISED_RESOLUTION_DAYS if complaint.category == "pungli" else _RESOLUTION_DAYS
        _, resolved_at = _in_working_hours(rng, calendar, responded_day, table)
        events.append((resolved_at, "complaint.resolved"))
    return events


def _in_working_hours(
    rng: random.Random, calendar: OfficeCalendar, after: date, table: tuple[tuple[int, float], ...]
) -> tuple[date, float]:
    roll = rng.random()
    days = table[-1][0]
    for value, share in table:
        if roll < share:
            days = value
            break
        roll -= share
    open_day = calendar.working_day_after(after, days)
    moment = open_day.opens + rng.uniform(0.1, 0.9) * (open_day.closes - open_day.opens)
    return open_day.day, moment


def _filing_delay_s(rng: random.Random, channel: str) -> float:
    if channel in ("langsung", "kotak_saran"):
        return rng.uniform(60.0, 1800.0)
    if channel == "whatsapp":
        return min(rng.lognormvariate(7.8, 1.0), 2 * 86_400.0)  # median ~40 min
    return min(rng.lognormvariate(9.8, 1.0), 5 * 86_400.0)  # lapor, email: median ~5 h
