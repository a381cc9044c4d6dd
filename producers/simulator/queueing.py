"""One service's queue on one day: tickets issued, called, served or given up; counters opening and closing.

A discrete-event simulation; every rule below is checked by the unit tests.
- Tickets are issued from opening until ISSUE_STOP_S before closing (the ticket machine stops early
  so the day's queue can be served). A ticket can be called READY_S after it is issued.
- Counters open per their plan (some late, some closing for a lunch break: see `counters`) and close
  at closing time. At closing the queue is
  drained: counters keep calling until LAST_CALL_S after closing; whoever is still waiting then is
  sent home (ticket.abandoned, reason "left", at that moment). A service started by then ends at
  most MAX_SERVICE_S later, so every ticket event of a day lies in [opens, closes + DRAIN_MARGIN_S].
- Priority groups (elderly, disability, pregnant, child; ~8 % of tickets) are called first, in issue
  order; regular tickets in issue order, except that a JUMP_SHARE of the calls made while a line
  has formed take a regular ticket up to JUMP_REACH places down it (a queue jump).
- Each citizen has a patience drawn at issue (Weibull with shape > 1, so the hazard of leaving grows
  with the time waited; scale PATIENCE_SCALE x the service's waiting target). Waiting longer than it
  means leaving (reason "left") at that moment. A few citizens are gone when called (reason "no_show",
  after the counter has called them for one to three minutes).
- Service starts 5-60 s after the call (walking to the counter) and lasts a lognormal time around the
  catalog's target; ~5 % end rejected_incomplete (shorter), ~1 % referred.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from producers.simulator.counters import CounterPlan
from producers.simulator.profiles import SERVICE_TIME_SIGMA, ServiceDesk
from producers.simulator.seeding import pick

READY_S = 5.0
ISSUE_STOP_S = 30 * 60.0
LAST_CALL_S = 30 * 60.0
START_DELAY_S = (5.0, 60.0)
NO_SHOW_CALLING_S = (60.0, 180.0)
MAX_SERVICE_S = 90 * 60.0
SERVICE_CAP_FACTOR = 4.0  # a case this much longer than the median is escalated and closed
DRAIN_MARGIN_S = LAST_CALL_S + max(START_DELAY_S[1] + MAX_SERVICE_S, NO_SHOW_CALLING_S[1])

PRIORITY_SHARES = (("elderly", 0.045), ("disability", 0.01), ("pregnant", 0.012), ("child", 0.013))
CHANNELS = (("kiosk", 0.55), ("walk_in", 0.2), ("online", 0.25))
JUMP_SHARE = 0.03  # of calls made while two or more regular tickets wait: ~1.5 % of all calls
JUMP_REACH = 5
NO_SHOW_SHARE = 0.015
NO_SHOW_SHARE_ONLINE = 0.04  # booked online, then did not come in time
REFERRED_SHARE = 0.01
PATIENCE_SCALE = 3.5
PATIENCE_SHAPE = 2.2

Emit = Callable[[float, str, dict[str, Any]], None]


@dataclass(slots=True)
class Ticket:
    """One citizen's ticket and what became of it (times are epoch seconds; -1 when it did not happen)."""

    ticket_id: str
    service_code: str
    target_wait_s: float
    issued: float
    priority: str | None
    channel: str
    patience: float
    called: float = -1.0
    started: float = -1.0
    ended: float = -1.0
    outcome: str = ""  # served, rejected_incomplete, referred, left or no_show
    counter_id: str = ""
    jumped_over: bool = False

    @property
    def wait_s(self) -> float:
        """Waiting time as the domain defines it (started - issued); for those who left, how long they waited."""
        if self.started >= 0:
            return self.started - self.issued
        if self.outcome == "no_show":
            return self.called - self.issued
        return self.ended - self.issued

    @property
    def wait_ratio(self) -> float:
        """Waiting time over the service's waiting target."""
        return self.wait_s / self.target_wait_s


def issue_tickets(
    rng: random.Random, desk: ServiceDesk, times: list[float], ticket_id: Callable[[str, int], str], emit: Emit
) -> list[Ticket]:
    """Tickets at the given issue times (sorted), numbered per service and day; emits ticket.issued.

    `ticket_id(service_code, number)` names them (encoding.local_id: the day and the run are in it).
    """
    code = desk.service.code
    target = desk.service.target_wait_s
    scale = target * PATIENCE_SCALE
    random_ = rng.random
    tickets: list[Ticket] = []
    for number, issued in enumerate(times, start=1):
        ticket = Ticket(
            ticket_id=ticket_id(code, number),
            service_code=code,
            target_wait_s=target,
            issued=issued,
            priority=_pick_priority(random_()),
            channel=pick(CHANNELS, random_()),
            patience=rng.weibullvariate(scale, PATIENCE_SHAPE),
        )
        body: dict[str, Any] = {"ticket_id": ticket.ticket_id, "service_code": code, "channel": ticket.channel}
        if ticket.priority is not None:
            body["priority_group"] = ticket.priority
        emit(issued, "ticket.issued", body)
        tickets.append(ticket)
    return tickets


def serve_queue(
    rng: random.Random,
    desk: ServiceDesk,
    plans: list[CounterPlan],
    tickets: list[Ticket],
    closes: float,
    rejection_share: float,
    emit: Emit,
) -> None:
    """Run the desk's day: calls, services, abandonment, counter events. Fills in each ticket's fate."""
    counters = range(len(plans))
    free_at = [plan.opens_at for plan in plans]
    break_start = [plan.break_start for plan in plans]
    busy_until = [closes] * len(plans)
    for plan in plans:
        emit(plan.opens_at, "counter.opened", {"counter_id": plan.counter_id})
    last_call = closes + LAST_CALL_S
    mu = math.log(desk.median_service_s)
    cap = min(desk.median_service_s * SERVICE_CAP_FACTOR, MAX_SERVICE_S)
    priority: deque[Ticket] = deque()
    regular: deque[Ticket] = deque()
    admitted = 0
    random_ = rng.random
    uniform = rng.uniform
    while True:
        k = min(counters, key=free_at.__getitem__)
        now = free_at[k]
        if now > last_call:  # also when every counter is idle for good (math.inf)
            break
        plan = plans[k]
        if now >= break_start[k]:
            break_start[k] = math.inf
            if now < plan.break_end:
                emit(now, "counter.closed", {"counter_id": plan.counter_id})
                emit(plan.break_end, "counter.opened", {"counter_id": plan.counter_id})
                free_at[k] = plan.break_end
                continue
        while admitted < len(tickets) and tickets[admitted].issued + READY_S <= now:
            ticket = tickets[admitted]
            (regular if ticket.priority is None else priority).append(ticket)
            admitted += 1
        ticket_or_none = _next_ticket(rng, priority, regular, now, emit)
        if ticket_or_none is None:
            wake = math.inf
            if admitted < len(tickets):
                wake = tickets[admitted].issued + READY_S + uniform(1.0, 15.0)
            free_at[k] = min(wake, break_start[k])
            continue
        ticket = ticket_or_none
        ticket.called = now
        ticket.counter_id = plan.counter_id
        emit(now, "ticket.called", {"ticket_id": ticket.ticket_id, "counter_id": plan.counter_id})
        no_show = NO_SHOW_SHARE_ONLINE if ticket.channel == "online" else NO_SHOW_SHARE
        if random_() < no_show:
            gone = now + uniform(*NO_SHOW_CALLING_S)
            ticket.ended = gone
            ticket.outcome = "no_show"
            emit(gone, "ticket.abandoned", {"ticket_id": ticket.ticket_id, "reason": "no_show"})
            busy_until[k] = free_at[k] = gone
            continue
        ticket.started = now + uniform(*START_DELAY_S)
        roll = random_()
        if roll < rejection_share:
            ticket.outcome, factor = "rejected_incomplete", 0.5
        elif roll < rejection_share + REFERRED_SHARE:
            ticket.outcome, factor = "referred", 0.7
        else:
            ticket.outcome, factor = "served", 1.0
        ticket.ended = ticket.started + min(rng.lognormvariate(mu, SERVICE_TIME_SIGMA) * factor, cap)
        emit(
            ticket.started,
            "service.started",
            {"ticket_id": ticket.ticket_id, "counter_id": plan.counter_id, "officer_id": plan.officer_id},
        )
        emit(ticket.ended, "service.completed", {"ticket_id": ticket.ticket_id, "outcome": ticket.outcome})
        busy_until[k] = ticket.ended
        free_at[k] = ticket.ended + uniform(5.0, 40.0)
    for ticket in [*priority, *regular, *tickets[admitted:]]:
        if ticket.outcome == "":
            _leave(ticket, min(ticket.issued + ticket.patience, last_call), emit)
    for k in counters:
        closed_at = max(closes + uniform(0.0, 60.0), busy_until[k] + uniform(10.0, 120.0))
        emit(closed_at, "counter.closed", {"counter_id": plans[k].counter_id})


def _next_ticket(
    rng: random.Random, priority: deque[Ticket], regular: deque[Ticket], now: float, emit: Emit
) -> Ticket | None:
    """The ticket to call at `now`; tickets whose patience ran out on the way are recorded as left."""
    while priority:
        ticket = priority.popleft()
        if ticket.issued + ticket.patience > now:
            return ticket
        _leave(ticket, ticket.issued + ticket.patience, emit)
    while regular and regular[0].issued + regular[0].patience <= now:
        ticket = regular.popleft()
        _leave(ticket, ticket.issued + ticket.patience, emit)
    if not regular:
        return None
    if len(regular) > 1 and rng.random() < JUMP_SHARE:
        position = rng.randint(1, min(len(regular) - 1, JUMP_REACH))
        chosen = regular[position]
        if chosen.issued + chosen.patience > now:
            del regular[position]
            for skipped in list(regular)[:position]:
                if skipped.issued + skipped.patience > now:
                    skipped.jumped_over = True
            return chosen
    return regular.popleft()


def _leave(ticket: Ticket, at: float, emit: Emit) -> None:
    ticket.ended = at
    ticket.outcome = "left"
    emit(at, "ticket.abandoned", {"ticket_id": ticket.ticket_id, "reason": "left"})


def _pick_priority(roll: float) -> str | None:
    for group, share in PRIORITY_SHARES:
        if roll < share:
            return group
        roll -= share
    return None
