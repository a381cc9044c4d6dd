"""The engine end to end without Kafka: a bad morning, a pungli night, a healthy office, silence."""

from __future__ import annotations

from datetime import datetime

from alerting.engine import AlertEngine, EngineOutput
from tests.unit.alerting.factories import BAD, HEALTHY, engine, event, wib


def feed(eng: AlertEngine, *items: object) -> None:
    for item in items:
        eng.apply_event(item)  # type: ignore[arg-type]


def sent(output: EngineOutput) -> list[tuple[str, str, list[str]]]:
    return [(n.kind, n.alert_id.split("@")[0], [c.id for c in n.contacts]) for n in output.notifications]


def heartbeat(eng: AlertEngine, at: datetime) -> None:
    """Both offices keep reporting (so pipeline_silent stays quiet) without touching the queues."""
    feed(eng, *(event("counter.opened", office, at, counter_id="L1") for office in (BAD, HEALTHY)))


def test_bad_morning_pages_once_escalates_and_resolves() -> None:
    eng = engine()
    heartbeat(eng, wib(2, "07:59"))
    feed(
        eng, *(event("ticket.issued", BAD, wib(2, f"08:0{n}"), ticket_id=f"T{n}", service_code="KTP") for n in range(4))
    )
    feed(eng, event("ticket.issued", HEALTHY, wib(2, "08:00"), ticket_id="H1", service_code="KTP"))
    feed(eng, event("service.started", HEALTHY, wib(2, "08:05"), ticket_id="H1", counter_id="L1"))
    timeline: dict[str, list[tuple[str, str, list[str]]]] = {}
    for hhmm in ("08:20", "08:31:59", "08:32:01", "08:40", "08:47:00", "08:47:02", "08:50"):
        heartbeat(eng, wib(2, hhmm))
        if hhmm == "08:50":
            feed(
                eng,
                *(event("service.started", BAD, wib(2, hhmm), ticket_id=f"T{n}", counter_id="L1") for n in range(4)),
            )
        timeline[hhmm] = sent(eng.evaluate(wib(2, hhmm)))
    key = "live_wait_breach:MPP-JKT-01:KTP"
    assert timeline == {
        "08:20": [],
        "08:31:59": [],  # T2 (08:02) passes 30 minutes at 08:32:00
        "08:32:01": [("firing", key, ["budi"])],
        "08:40": [],
        "08:47:00": [],  # escalation 15 minutes after the first page: 08:47:01
        "08:47:02": [("escalated", key, ["rina"])],
        "08:50": [("resolved", key, ["budi", "rina"])],
    }
    (alert,) = eng.book.by_id.values()
    assert (alert.state, alert.opened_at, alert.resolved_at) == ("resolved", wib(2, "08:32:01"), wib(2, "08:50"))


def test_pungli_at_night_pages_but_a_night_breach_stays_silent() -> None:
    eng = engine()
    feed(
        eng, *(event("ticket.issued", BAD, wib(2, f"21:0{n}"), ticket_id=f"T{n}", service_code="KTP") for n in range(3))
    )
    feed(eng, event("complaint.filed", BAD, wib(2, "22:00"), complaint_id="C9", category="pungli"))
    output = eng.evaluate(wib(2, "22:00:05"))
    assert sent(output) == [("firing", "pungli:MPP-JKT-01::C9", ["budi"])]
    # the breach is recorded (MTTR counts from it) but nobody is woken for it
    states = sorted((c.alert["rule"], c.event["state"]) for c in output.transitions)
    assert states == [("live_wait_breach", "firing"), ("pungli", "firing"), ("pungli", "notified")]


def test_a_healthy_office_produces_nothing() -> None:
    eng = engine()
    for minute in range(0, 60, 5):
        at = wib(2, f"08:{minute:02d}")
        feed(eng, event("counter.opened", HEALTHY, at, counter_id="L1"))
        feed(eng, event("ticket.issued", HEALTHY, at, ticket_id=f"H{minute}", service_code="KTP"))
        feed(
            eng,
            event("service.started", HEALTHY, at.replace(minute=minute + 4), ticket_id=f"H{minute}", counter_id="L1"),
        )
        output = eng.evaluate(at.replace(minute=minute + 4))
        assert output.transitions == [] and output.notifications == []


def test_ack_stops_escalation() -> None:
    eng = engine()
    feed(eng, event("counter.opened", BAD, wib(2, "07:59"), counter_id="L1"))
    feed(eng, *(event("ticket.issued", BAD, wib(2, "08:00"), ticket_id=f"T{n}", service_code="KTP") for n in range(3)))
    feed(eng, event("counter.opened", BAD, wib(2, "08:30"), counter_id="L1"))
    first = eng.evaluate(wib(2, "08:31"))
    (alert_id,) = [n.alert_id for n in first.notifications]
    ack = eng.command({"command": "ack", "alert_id": alert_id, "actor": "budi"}, wib(2, "08:35"))
    assert [(c.event["state"], c.event["actor"]) for c in ack.transitions] == [("acknowledged", "budi")]
    feed(eng, event("counter.opened", BAD, wib(2, "09:00"), counter_id="L1"))
    assert eng.evaluate(wib(2, "09:00")).notifications == []


def test_a_holiday_is_silent_except_for_zero_tolerance() -> None:
    """24 Dec 2026 is cuti bersama (a Thursday): the breach is recorded, only pungli pages."""
    eng = engine()
    issued = [
        event("ticket.issued", BAD, wib(24, f"09:0{n}", month=12), ticket_id=f"T{n}", service_code="KTP")
        for n in range(3)
    ]
    feed(eng, *issued)
    quiet = eng.evaluate(wib(24, "10:00", month=12))
    assert quiet.notifications == []
    assert ("live_wait_breach", "firing") in {(c.alert["rule"], c.event["state"]) for c in quiet.transitions}
    feed(eng, event("complaint.filed", BAD, wib(24, "10:05", month=12), complaint_id="C24", category="pungli"))
    loud = eng.evaluate(wib(24, "10:05:01", month=12))
    assert [(n.kind, n.alert_id.split("@")[0]) for n in loud.notifications] == [("firing", "pungli:MPP-JKT-01::C24")]
    # the same hour on an ordinary Thursday pages the breach: the silence above is the holiday's
    ordinary = engine()
    feed(
        ordinary,
        *(
            event("ticket.issued", BAD, wib(3, f"09:0{n}", month=12), ticket_id=f"T{n}", service_code="KTP")
            for n in range(3)
        ),
    )
    pages = [(n.kind, n.alert_id.split("@")[0]) for n in ordinary.evaluate(wib(3, "10:00", month=12)).notifications]
    assert ("firing", "live_wait_breach:MPP-JKT-01:KTP") in pages


def test_an_office_fed_history_raises_nothing_by_the_wall_clock() -> None:
    """`pantau up --simulate` catching up, or a replay: yesterday's queue is not late by today's clock."""
    eng = engine()
    today = wib(3, "10:00")
    for n in range(4):
        issued = event("ticket.issued", BAD, wib(2, f"08:0{n}"), ticket_id=f"T{n}", service_code="KTP")
        eng.apply_event(issued, received_at=today)  # received a day after it happened

    assert sent(eng.evaluate(today)) == []
    assert eng.book.by_id == {}


def test_a_live_office_reports_a_wait_no_longer_than_it_has_been_open_today() -> None:
    """Tickets issued before opening waited, but the text cannot claim more than the hours open so far."""
    eng = engine()
    now = wib(2, "09:00")  # BAD opens at 08:00
    for n in range(4):
        issued = event("ticket.issued", BAD, wib(2, f"07:0{n}"), ticket_id=f"T{n}", service_code="KTP")
        eng.apply_event(issued, received_at=issued.occurred_at)
    eng.apply_event(event("ticket.issued", BAD, wib(1, "12:00"), ticket_id="STALE", service_code="KTP"))

    eng.evaluate(now)

    (alert,) = [a for a in eng.book.by_id.values() if a.rule == "live_wait_breach"]
    assert "(terlama 60 menit)" in alert.summary
    assert "4 tiket" in alert.summary  # yesterday's ticket left in the queue is not counted
