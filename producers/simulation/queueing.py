"""One office's day at the counters: tickets, calls, service, abandonment, counters opening and closing.

A discrete-event simulation per service queue. Rules (what the tests check):
- tickets are issued from opening until 30 minutes before closing;
- counters open at opening time, some minutes late at late-opening offices, and close at closing time
  or, when citizens are still waiting, after serving them, at most DRAIN after closing; anyone still
  waiting then leaves (ticket.abandoned, reason left);
- priority groups are called first; regular tickets in issue order, except a small share of queue jumps;
- each citizen has a patience drawn when the ticket is issued (lognormal, median PATIENCE_FACTOR x the
  waiting target, so few leave early and most leave once waits run far past the target): waiting
  longer than it means leaving, so abandonment grows with waiting;
- a few citizens do not answer when called (no-show).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pantau.catalog import Service

DRAIN = timedelta(minutes=90)
LAST_ISSUE_BEFORE_CLOSE = timedelta(minutes=30)
PATIENCE_FACTOR = 2.5
PRIORITY_SHARE = {"elderly": 0.04, "disability": 0.01, "pregnant": 0.015, "child": 0.015}
JUMP_SHARE = 0.015
NO_SHOW_SHARE = 0.01
OUTCOMES = (("served", 0.94), ("rejected_incomplete", 0.05), ("referred", 0.01))

TimedEvent = tuple[datetime, dict[str, Any]]


@dataclass
class Ticket:
    ticket_id: str
    service: Service
    issued: datetime
    priority: str | None
    channel: str
    patience_s: float
    started: datetime | None = None
    completed: datetime | None = None
    outcome: str | None = None
    abandoned_at: datetime | None = None

    @property
    def wait_s(self) -> float | None:
        return None if self.started is None else (self.started - self.issued).total_seconds()


@dataclass
class ServiceDay:
    """Inputs for one service queue on one day."""

    service: Service
    counters: list[str]
    arrivals: list[datetime]
    opens: datetime
    closes: datetime
    counter_delays_s: list[float]
    service_time_factor: float
    tickets: list[Ticket] = field(default_factory=list)


def run_service_day(rng: random.Random, day: ServiceDay, events: list[TimedEvent]) -> list[Ticket]:
    """Simulate one service queue; appends its events to `events` and returns the tickets."""
    code = day.service.code
    stamp = day.opens.strftime("%Y%m%d")
    for number, issued in enumerate(day.arrivals, start=1):
        priority = _priority(rng)
        ticket = Ticket(
            ticket_id=f"{code}-{stamp}-{number:04d}",
            service=day.service,
            issued=issued,
            priority=priority,
            channel=rng.choices(("walk_in", "online", "kiosk"), (0.7, 0.2, 0.1))[0],
            patience_s=day.service.target_wait_s * rng.lognormvariate(math.log(PATIENCE_FACTOR), 0.6),
        )
        day.tickets.append(ticket)
        body: dict[str, Any] = {
            "type": "ticket.issued",
            "ticket_id": ticket.ticket_id,
            "service_code": code,
            "channel": ticket.channel,
        }
        if priority:
            body["priority_group"] = priority
        events.append((issued, body))

    free_at = [day.opens + timedelta(seconds=delay) for delay in day.counter_delays_s]
    for counter, opened in zip(day.counters, free_at, strict=True):
        events.append((opened, {"type": "counter.opened", "counter_id": counter}))
    deadline = day.closes + DRAIN
    waiting: list[Ticket] = []
    pending = list(day.tickets)  # in issue order
    next_arrival = 0
    closed_at = [day.closes] * len(day.counters)
    while True:
        k = min(range(len(free_at)), key=free_at.__getitem__)
        now = free_at[k]
        while next_arrival < len(pending) and pending[next_arrival].issued <= now:
            waiting.append(pending[next_arrival])
            next_arrival += 1
        waiting = _drop_impatient(waiting, now, events)
        if not waiting:
            if next_arrival >= len(pending):
                break
            free_at[k] = pending[next_arrival].issued
            continue
        if now >= deadline:
            for ticket in waiting:
                _abandon(ticket, deadline, "left", events)
            break
        ticket = _next_ticket(rng, waiting)
        waiting.remove(ticket)
        counter = day.counters[k]
        events.append((now, {"type": "ticket.called", "ticket_id": ticket.ticket_id, "counter_id": counter}))
        if rng.random() < NO_SHOW_SHARE:
            _abandon(ticket, now + timedelta(seconds=rng.uniform(60, 180)), "no_show", events)
            free_at[k] = now + timedelta(seconds=120)
            continue
        ticket.started = now + timedelta(seconds=rng.uniform(5, 45))
        mean_s = day.service.target_service_min * 60.0 * day.service_time_factor
        duration = rng.lognormvariate(math.log(mean_s) - 0.125, 0.5)  # mean ~ mean_s, right-skewed
        ticket.completed = ticket.started + timedelta(seconds=duration)
        ticket.outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        events.append(
            (
                ticket.started,
                {
                    "type": "service.started",
                    "ticket_id": ticket.ticket_id,
                    "counter_id": counter,
                    "officer_id": f"ASN-{counter}",
                },
            )
        )
        events.append(
            (ticket.completed, {"type": "service.completed", "ticket_id": ticket.ticket_id, "outcome": ticket.outcome})
        )
        free_at[k] = ticket.completed + timedelta(seconds=rng.uniform(10, 60))
        closed_at[k] = max(closed_at[k], ticket.completed)
    for counter, closed in zip(day.counters, closed_at, strict=True):
        events.append((max(closed, day.closes), {"type": "counter.closed", "counter_id": counter}))
    return day.tickets


def _priority(rng: random.Random) -> str | None:
    roll = rng.random()
    for group, share in PRIORITY_SHARE.items():
        if roll < share:
            return group
        roll -= share
    return None


def _next_ticket(rng: random.Random, waiting: list[Ticket]) -> Ticket:
    priority = [ticket for ticket in waiting if ticket.priority]
    if priority:
        return min(priority, key=lambda ticket: ticket.issued)
    regular = sorted(waiting, key=lambda ticket: ticket.issued)
    if len(regular) >= 2 and rng.random() < JUMP_SHARE:
        return rng.choice(regular[1:])  # served out of turn
    return regular[0]


def _drop_impatient(waiting: list[Ticket], now: datetime, events: list[TimedEvent]) -> list[Ticket]:
    staying = []
    for ticket in waiting:
        gives_up = ticket.issued + timedelta(seconds=ticket.patience_s)
        if gives_up <= now:
            _abandon(ticket, gives_up, "left", events)
        else:
            staying.append(ticket)
    return staying


def _abandon(ticket: Ticket, at: datetime, reason: str, events: list[TimedEvent]) -> None:
    ticket.abandoned_at = at
    ticket.outcome = "abandoned"
    events.append((at, {"type": "ticket.abandoned", "ticket_id": ticket.ticket_id, "reason": reason}))
