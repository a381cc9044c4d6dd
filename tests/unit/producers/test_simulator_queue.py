"""Queues behave like real ones: lifecycle order, FIFO with rare jumps, priority first, peaks, abandonment."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict

from tests.unit.producers.simulator_runs import CATALOG, WEEK, Event, at, run, seconds_between, wait_s

PRIORITY_GROUPS = {"elderly", "disability", "pregnant", "child"}
TOLERANCE_S = 5.0  # two counters calling at once may take tickets in either order


def _groups() -> dict[tuple[str, str, str], list[dict[str, Event]]]:
    """Tickets by (office, service, local day)."""
    groups: dict[tuple[str, str, str], list[dict[str, Event]]] = defaultdict(list)
    for (office_id, _), ticket in run(WEEK).tickets.items():
        issued = ticket["ticket.issued"]
        groups[(office_id, issued["service_code"], issued["occurred_at"][:10])].append(ticket)
    return groups


def test_every_ticket_follows_the_lifecycle_and_nothing_precedes_its_issue() -> None:
    for ticket in run(WEEK).tickets.values():
        assert "ticket.issued" in ticket
        issued = at(ticket["ticket.issued"])
        assert all(at(event) >= issued for event in ticket.values())
        assert ("service.completed" in ticket) != ("ticket.abandoned" in ticket)  # exactly one ending
        if "service.completed" in ticket:
            assert issued < at(ticket["ticket.called"]) < at(ticket["service.started"])
            assert at(ticket["service.started"]) < at(ticket["service.completed"])
            assert 5 <= seconds_between(ticket["ticket.called"], ticket["service.started"]) <= 60
        elif ticket["ticket.abandoned"]["reason"] == "no_show":
            assert "ticket.called" in ticket and "service.started" not in ticket
            assert at(ticket["ticket.called"]) < at(ticket["ticket.abandoned"])
        else:
            assert ticket["ticket.abandoned"]["reason"] == "left" and "ticket.called" not in ticket


def test_regular_tickets_are_called_in_issue_order_except_a_small_share_of_queue_jumps() -> None:
    jumps = calls = 0
    for tickets in _groups().values():
        regular = [t for t in tickets if "priority_group" not in t["ticket.issued"]]
        regular.sort(key=lambda t: at(t["ticket.issued"]))
        still_waiting_until = -math.inf  # latest moment an earlier-issued ticket left the queue
        for ticket in regular:
            left_queue = at(ticket.get("ticket.called") or ticket["ticket.abandoned"]).timestamp()
            if "ticket.called" in ticket:
                calls += 1
                jumps += still_waiting_until > left_queue + TOLERANCE_S
            still_waiting_until = max(still_waiting_until, left_queue)
    assert calls > 10_000
    assert 0.005 < jumps / calls < 0.03


def test_priority_groups_are_about_eight_percent_and_wait_much_less() -> None:
    waits: dict[bool, list[float]] = {True: [], False: []}
    groups: Counter[str | None] = Counter()
    for ticket in run(WEEK).tickets.values():
        group = ticket["ticket.issued"].get("priority_group")
        groups[group] += 1
        if "service.started" in ticket:
            waits[group is not None].append(wait_s(ticket))
    assert set(groups) - {None} == PRIORITY_GROUPS
    assert 0.06 < 1 - groups[None] / groups.total() < 0.10
    assert statistics.mean(waits[True]) < 0.5 * statistics.mean(waits[False])


def test_abandonment_grows_with_the_wait() -> None:
    queues = []  # (mean wait ratio of served tickets, share that left) per office, service and day
    for (_, code, _), tickets in _groups().items():
        started = [wait_s(t) for t in tickets if "service.started" in t]
        if len(tickets) >= 30 and started:
            left = sum(t.get("ticket.abandoned", {}).get("reason") == "left" for t in tickets)
            queues.append((statistics.mean(started) / CATALOG.service(code).target_wait_s, left / len(tickets)))
    queues.sort()
    third = len(queues) // 3
    short, long_ = queues[:third], queues[-third:]
    assert statistics.mean(share for _, share in long_) > 3 * statistics.mean(share for _, share in short)


def test_arrivals_peak_in_the_morning_and_mondays_are_busiest() -> None:
    by_hour: Counter[int] = Counter()
    by_weekday: Counter[int] = Counter()
    for event in run(WEEK).of_type("ticket.issued"):
        local = at(event)  # occurred_at is in the office's own offset
        by_hour[local.hour] += 1
        by_weekday[local.weekday()] += 1
    assert by_hour.most_common(1)[0][0] in (9, 10)
    assert by_hour[9] > 1.5 * by_hour[13] and by_hour[10] > 1.5 * by_hour[12]
    assert by_weekday[0] == max(by_weekday.values()) and by_weekday[0] > 1.2 * by_weekday[4]


def test_outcomes_and_service_times_are_realistic() -> None:
    outcomes: Counter[str] = Counter()
    durations: dict[str, list[float]] = defaultdict(list)
    no_shows = called = 0
    for ticket in run(WEEK).tickets.values():
        called += "ticket.called" in ticket
        no_shows += ticket.get("ticket.abandoned", {}).get("reason") == "no_show"
        if "service.completed" in ticket:
            outcome = ticket["service.completed"]["outcome"]
            outcomes[outcome] += 1
            if outcome == "served":
                code = ticket["ticket.issued"]["service_code"]
                durations[code].append(seconds_between(ticket["service.started"], ticket["service.completed"]))
    total = outcomes.total()
    assert 0.03 < outcomes["rejected_incomplete"] / total < 0.08
    assert 0.004 < outcomes["referred"] / total < 0.02
    assert 0.01 < no_shows / called < 0.04
    for code, values in durations.items():
        target_s = CATALOG.service(code).target_service_min * 60
        assert 0.7 * target_s < statistics.mean(values) < 1.3 * target_s, code
        assert statistics.mean(values) > statistics.median(values)  # right-skewed, lognormal


def test_understaffed_offices_breach_the_waiting_target_and_the_others_mostly_do_not() -> None:
    tally = {True: [0, 0], False: [0, 0]}  # understaffed -> [breaches, started]
    profiles = run(WEEK).profiles
    for (office_id, _), ticket in run(WEEK).tickets.items():
        if "service.started" in ticket:
            target = CATALOG.service(ticket["ticket.issued"]["service_code"]).target_wait_s
            tally[profiles[office_id].understaffed][0] += wait_s(ticket) > target
            tally[profiles[office_id].understaffed][1] += 1
    assert tally[True][0] / tally[True][1] > 0.3
    assert tally[False][0] / tally[False][1] < 0.15
