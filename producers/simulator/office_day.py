"""One office on one local day: counters, every service's queue, then what citizens say afterwards.

The office-day has its own random generator (seed, office, date), so it comes out the same whatever
else is simulated. Demand per service is the desk's load times its counters' capacity over the
issuing hours, times the day's factor (weekday, after a holiday) and some day-to-day noise.
"""

from __future__ import annotations

from datetime import date, datetime

from producers.simulator.arrivals import day_factor, issue_times
from producers.simulator.calendar import OpenDay
from producers.simulator.clock import LocalStamper
from producers.simulator.complaints import follow_ups, maybe_complaint
from producers.simulator.counters import officers_on_duty, plan_counters
from producers.simulator.encoding import EventWriter, event_id_prefix, local_id
from producers.simulator.profiles import OfficeProfile, ServiceDesk
from producers.simulator.queueing import ISSUE_STOP_S, Ticket, issue_tickets, serve_queue
from producers.simulator.seeding import derived_random
from producers.simulator.surveys import survey_delay_s, survey_scores

DAILY_NOISE_SIGMA = 0.1


def expected_tickets(desk: ServiceDesk, open_day: OpenDay, issue_end: float, factor: float) -> float:
    """Tickets a desk expects on a day: load x capacity of its counters over the issuing hours x factor."""
    capacity = desk.demand_capacity_counters * (issue_end - open_day.opens) / desk.mean_service_s
    return capacity * desk.load * factor


def office_day_events(profile: OfficeProfile, day: date, seed: int, tag: str) -> list[tuple[int, str, bytes]]:
    """(epoch ms, office_id, JSON line) of everything the office's day produces, follow-ups included; [] when closed.

    `tag` (encoding.run_tag) goes into every id; the randomness depends on the seed only.
    """
    open_day = profile.calendar.open_day(day)
    if open_day is None:
        return []
    office = profile.office
    rng = derived_random(seed, office.id, day.isoformat())
    stampers = {open_day.utc_offset_s: LocalStamper(open_day.utc_offset_s)}
    writer = EventWriter(office.id, event_id_prefix(tag, office.id, day), stampers[open_day.utc_offset_s])
    emit = writer.emit

    def stamper_at(moment: float) -> LocalStamper:
        """The stamper for an instant after the day (a complaint days later), at that instant's offset."""
        offset = datetime.fromtimestamp(moment, office.zone).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        return stampers.get(seconds) or stampers.setdefault(seconds, LocalStamper(seconds))

    issue_end = open_day.closes - ISSUE_STOP_S
    factor = day_factor(profile.calendar, day)
    officers = officers_on_duty(rng, profile)
    served: list[tuple[ServiceDesk, Ticket]] = []

    def ticket_id(code: str, number: int) -> str:
        return local_id(code, day, tag, number)

    for desk in profile.desks:
        plans = plan_counters(rng, profile, desk, open_day, officers)
        expected = expected_tickets(desk, open_day, issue_end, factor) * rng.lognormvariate(0.0, DAILY_NOISE_SIGMA)
        tickets = issue_tickets(rng, desk, issue_times(rng, open_day, issue_end, expected), ticket_id, emit)
        serve_queue(rng, desk, plans, tickets, open_day.closes, profile.rejection_share, emit)
        served.extend((desk, ticket) for ticket in tickets)

    surveys = complaints = 0
    for desk, ticket in served:
        if ticket.outcome == "served" and rng.random() < profile.survey_share:
            surveys += 1
            fields = {
                "survey_id": local_id("SKM", day, tag, surveys),
                "service_code": desk.service.code,
                "scores": survey_scores(rng, ticket, profile.staff_courtesy),
            }
            emit(ticket.ended + survey_delay_s(rng), "survey.submitted", fields)
        complaint = maybe_complaint(rng, ticket, profile, desk.service.name, local_id("ADU", day, tag, complaints + 1))
        if complaint is not None:
            complaints += 1
            emit(complaint.filed_at, "complaint.filed", complaint.fields, stamper_at(complaint.filed_at))
            for moment, event_type in follow_ups(rng, profile.calendar, complaint):
                emit(moment, event_type, {"complaint_id": complaint.complaint_id}, stamper_at(moment))
    return writer.lines
