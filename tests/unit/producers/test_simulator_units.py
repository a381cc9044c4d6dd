"""The simulator's building blocks on their own: timestamps, seeds, arrivals, one queue, survey scores."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime
from typing import Any

from producers.simulator.arrivals import issue_times
from producers.simulator.calendar import OfficeCalendar
from producers.simulator.clock import LocalStamper, epoch_seconds, to_ms, utc_datetime
from producers.simulator.counters import CounterPlan
from producers.simulator.profiles import office_profile
from producers.simulator.queueing import LAST_CALL_S, READY_S, Ticket, serve_queue
from producers.simulator.seeding import spread_flag, stable_seed
from producers.simulator.surveys import survey_scores
from tests.unit.producers.simulator_runs import CATALOG

MONDAY = date(2026, 11, 2)


def test_timestamps_are_local_with_milliseconds() -> None:
    moment = datetime(2026, 11, 2, 1, 15, 3, 120_000, tzinfo=UTC)
    ms = to_ms(epoch_seconds(moment))
    assert LocalStamper(7 * 3600)(ms) == "2026-11-02T08:15:03.120+07:00"
    assert LocalStamper(9 * 3600)(ms) == "2026-11-02T10:15:03.120+09:00"
    assert LocalStamper(7 * 3600)(ms + 23 * 3600 * 1000) == "2026-11-03T07:15:03.120+07:00"
    assert utc_datetime(ms) == moment


def test_seeds_are_stable_and_flags_are_spread_over_every_prefix() -> None:
    assert stable_seed(1, "MPP-JKT-01", "2026-11-02") == stable_seed(1, "MPP-JKT-01", "2026-11-02")
    assert stable_seed(1, "a") != stable_seed(2, "a")
    for seed in range(100):
        for stream, share in (("understaffed", 0.2), ("late", 0.15)):
            flags = [spread_flag(seed, stream, index, share) for index in range(26)]
            assert any(flags[:8]) and not all(flags[:8])  # every run of 8+ offices has both kinds
            assert round(share * 26) - 1 <= sum(flags) <= round(share * 26) + 1


def test_arrivals_fit_the_day_and_the_expected_volume() -> None:
    open_day = OfficeCalendar(CATALOG.offices[0]).open_day(MONDAY)
    assert open_day is not None
    issue_end = open_day.closes - 1800
    counts = []
    for seed in range(40):
        times = issue_times(random.Random(seed), open_day, issue_end, expected=200)
        assert times == sorted(times)
        assert all(open_day.opens < moment < issue_end for moment in times)
        counts.append(len(times))
    assert 190 < statistics.mean(counts) < 210


def _ticket(number: int, issued: float, priority: str | None = None, patience: float = 1e9) -> Ticket:
    return Ticket(f"KTP-{number:04d}", "KTP", 1800.0, issued, priority, "kiosk", patience)


def test_one_counter_serves_priority_first_then_in_issue_order_and_sends_the_rest_home() -> None:
    profile = office_profile(CATALOG, CATALOG.offices[0], 0, seed=1)
    desk = profile.desks[0]
    opens, closes = 1_000_000.0, 1_000_000.0 + 3600
    plan = CounterPlan("L01", "PTG001", opens, float("inf"), 0.0)
    tickets = [_ticket(n, opens + n, priority="elderly" if n == 5 else None) for n in range(1, 30)]
    events: list[tuple[float, str, dict[str, Any]]] = []
    serve_queue(random.Random(1), desk, [plan], tickets, closes, 0.0, lambda t, kind, f: events.append((t, kind, f)))
    called = [fields["ticket_id"] for _, kind, fields in events if kind == "ticket.called"]
    assert called[0] == "KTP-0001"  # the only ticket ready when the counter opened
    assert called[1] == "KTP-0005"  # the elderly citizen goes first
    assert called[2:] == sorted(called[2:])  # in issue order (no jump drawn with this seed)
    sent_home = [t for t in tickets if t.outcome == "left"]
    assert sent_home and all(t.ended == closes + LAST_CALL_S for t in sent_home)
    assert all(t.called >= t.issued + READY_S for t in tickets if t.called >= 0)
    assert events[-1][1] == "counter.closed"


def test_survey_scores_fall_with_the_wait_u3_most() -> None:
    rng = random.Random(5)
    short, long_ = _ticket(1, 0.0), _ticket(2, 0.0)
    short.started, long_.started = 300.0, 5400.0  # 0.17 and 3 times the 30-minute target
    quick = [survey_scores(rng, short, 0.0) for _ in range(2000)]
    slow = [survey_scores(rng, long_, 0.0) for _ in range(2000)]

    def mean(answers: list[dict[str, int]], unsur: str) -> float:
        return statistics.mean(answer[unsur] for answer in answers)

    assert 3.0 < mean(quick, "u3") < 3.6
    assert mean(quick, "u3") - mean(slow, "u3") > 1.0
    assert abs(mean(quick, "u4") - mean(slow, "u4")) < 0.1
