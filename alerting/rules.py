"""The alert rules: pure functions from an office's live view at office time `now` to conditions.

Each rule returns the conditions that hold now; the lifecycle turns a condition that appears into a
firing alert and one that disappears into a resolved alert. Rules never remember what they reported.
Summaries are Indonesian, because supervisors read them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from alerting.config import RuleBook, RuleSettings
from alerting.hours import is_open, span_at
from alerting.model import Condition, Severity
from alerting.office_view import OfficeView
from streams.logic.sla import BurnRatePolicy, evaluate_burn
from streams.logic.working_days import WorkingDayCalendar

Rule = Callable[[OfficeView, datetime, RuleBook, WorkingDayCalendar], list[Condition]]


def _condition(
    settings: RuleSettings,
    view: OfficeView,
    summary: str,
    since: datetime,
    facts: dict[str, Any],
    service_code: str = "",
    subject: str = "",
    severity: Severity | None = None,
) -> Condition:
    return Condition(
        rule=settings.rule,
        office_id=view.office.id,
        severity=severity or settings.severity,
        summary=summary,
        since=since,
        service_code=service_code,
        subject=subject,
        zero_tolerance=settings.zero_tolerance,
        facts=facts,
    )


def live_wait_breach(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """At least `min_count` tickets of a service still waiting past its target_wait_min."""
    found = []
    for service_code, issued in sorted(view.waiting_by_service().items()):
        settings = book.settings("live_wait_breach", view.office, service_code)
        target_s = view.wait_targets_s.get(service_code)
        if not settings.enabled or target_s is None:
            continue
        # Only today's tickets: one left in the queue on an earlier day (its end event lost) is stale
        # data, not a citizen who has waited since then.
        day_start = view.office.day_start(now)
        late = sorted(at for at in issued if at >= day_start and (now - at).total_seconds() > target_s)
        if len(late) >= max(1, settings.count("min_count")):
            # A wait reported can never exceed the time the office has been open today.
            span = span_at(view.office, now, calendar)
            waited_from = max(late[0], span.opens) if span is not None and span.opens <= now else late[0]
            oldest_min = (now - waited_from).total_seconds() / 60
            summary = (
                f"{len(late)} tiket {service_code} menunggu lebih dari {target_s / 60:.0f} menit "
                f"(terlama {oldest_min:.0f} menit)"
            )
            facts = {"count": len(late), "oldest_wait_min": round(oldest_min, 1), "target_min": target_s / 60}
            since = late[0] + timedelta(seconds=target_s)
            found.append(_condition(settings, view, summary, since, facts, service_code=service_code))
    return found


def queue_length(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """More than `max_waiting` tickets waiting for one service."""
    found = []
    for service_code, issued in sorted(view.waiting_by_service().items()):
        settings = book.settings("queue_length", view.office, service_code)
        if settings.enabled and len(issued) > settings.count("max_waiting"):
            limit = settings.count("max_waiting")
            summary = f"{len(issued)} tiket {service_code} dalam antrean (batas {limit})"
            facts = {"waiting": len(issued), "limit": limit}
            found.append(_condition(settings, view, summary, min(issued), facts, service_code=service_code))
    return found


def burn_rate(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """Multi-window burn rate of the waiting-time compliance budget (the stream's `evaluate_burn`)."""
    found = []
    for service_code, rolling in sorted(view.rolling.items()):
        settings = book.settings("burn_rate", view.office, service_code)
        service = view.services.get(service_code)
        if not settings.enabled or service is None:
            continue
        policy = BurnRatePolicy(
            long_window_s=int(settings.minutes_s("long_window_min")),
            short_window_s=int(settings.minutes_s("short_window_min")),
            page_burn=settings.number("page_burn"),
            warn_burn=settings.number("warn_burn"),
            min_long_volume=settings.count("min_long_volume"),
            min_short_volume=settings.count("min_short_volume"),
        )
        long = rolling.counts(now, policy.long_window_s)
        short = rolling.counts(now, policy.short_window_s)
        signal = evaluate_burn(long, short, service.target_within, policy)
        if signal.severity is None:
            continue
        summary = (
            f"anggaran kepatuhan {service_code} terpakai {signal.long_burn or 0:.1f}x lebih cepat "
            f"({long.bad} dari {long.total} tiket melewati target dalam {policy.long_window_s // 60} menit)"
        )
        facts = {
            "long_burn": round(signal.long_burn or 0.0, 2),
            "short_burn": round(signal.short_burn or 0.0, 2),
            "bad": long.bad,
            "total": long.total,
        }
        severity = Severity.critical if signal.severity == "page" else Severity.warning
        since = now - timedelta(seconds=policy.short_window_s)
        found.append(_condition(settings, view, summary, since, facts, service_code=service_code, severity=severity))
    return found


def complaint_spike(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """Today's complaints at least `factor` times the office's own daily mean and at least `min_count`."""
    settings = book.settings("complaint_spike", view.office)
    if not settings.enabled:
        return []
    today = view.local_date(now)
    days = settings.count("baseline_days")
    history = sum(view.complaints_per_day.get(today - timedelta(days=n), 0) for n in range(1, days + 1))
    baseline = history / days if days > 0 else 0.0
    count = view.complaints_per_day.get(today, 0)
    threshold = max(settings.number("min_count"), settings.number("factor") * baseline)
    if count < threshold:
        return []
    summary = f"{count} pengaduan hari ini, biasanya {baseline:.1f} per hari"
    facts = {"today": count, "baseline_per_day": round(baseline, 2), "threshold": round(threshold, 1)}
    start_of_day = datetime.combine(today, datetime.min.time(), tzinfo=view.office.zone)
    return [_condition(settings, view, summary, start_of_day, facts)]


def pungli(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """Zero tolerance: every unresolved pungli complaint is an alert of its own, day or night."""
    found = []
    for complaint_id, track in sorted(view.complaints.items()):
        if not track.pungli or track.resolved_at is not None or track.filed_at is None:
            continue
        settings = book.settings("pungli", view.office, track.service_code)
        if not settings.enabled or now - track.filed_at > timedelta(days=settings.number("max_age_days")):
            continue
        service = f" layanan {track.service_code}" if track.service_code else ""
        summary = f"pengaduan pungli {complaint_id}{service}"
        facts = {"complaint_id": complaint_id}
        found.append(
            _condition(
                settings, view, summary, track.filed_at, facts, service_code=track.service_code, subject=complaint_id
            )
        )
    return found


def office_not_open(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """No counter opened by the scheduled opening plus `grace_min` on an open day."""
    settings = book.settings("office_not_open", view.office)
    span = span_at(view.office, now, calendar)
    if not settings.enabled or span is None:
        return []
    due = span.opens + timedelta(seconds=settings.minutes_s("grace_min"))
    today = view.local_date(now)
    if not due <= now < span.closes or any(today in days for days in view.counter_days.values()):
        return []
    late_min = (now - span.opens).total_seconds() / 60
    summary = f"belum ada loket buka, {late_min:.0f} menit setelah jadwal buka {span.opens:%H.%M}"
    return [_condition(settings, view, summary, due, {"minutes_late": round(late_min)})]


def counter_not_open(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """Counters that opened on recent days but not today, once the office itself opened."""
    settings = book.settings("counter_not_open", view.office)
    span = span_at(view.office, now, calendar)
    if not settings.enabled or span is None:
        return []
    due = span.opens + timedelta(seconds=settings.minutes_s("grace_min"))
    today = view.local_date(now)
    if not due <= now < span.closes:
        return []
    first = today - timedelta(days=settings.count("known_within_days"))
    opened_today = {counter for counter, days in view.counter_days.items() if today in days}
    if not opened_today:
        return []  # office_not_open covers it
    missing = sorted(
        counter
        for counter, days in view.counter_days.items()
        if counter not in opened_today and any(first <= day < today for day in days)
    )
    if not missing:
        return []
    summary = f"loket belum buka: {', '.join(missing)}"
    return [_condition(settings, view, summary, due, {"counters": missing})]


def complaint_response_overdue(
    view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar
) -> list[Condition]:
    """Complaints without a first response past their deadline in working days (or flagged by the worker)."""
    settings = book.settings("complaint_response_overdue", view.office)
    if not settings.enabled:
        return []
    days = settings.count("response_days")
    overdue = []
    for complaint_id, track in view.complaints.items():
        if track.answered or track.filed_at is None:
            continue
        due = calendar.add_working_days(track.filed_at, days, view.office.zone)
        if track.overdue_flag or now > due:
            overdue.append((due, complaint_id))
    if len(overdue) < max(1, settings.count("min_count")):
        return []
    overdue.sort()
    summary = f"{len(overdue)} pengaduan belum ditanggapi melewati {days} hari kerja"
    facts = {"count": len(overdue), "complaints": [complaint_id for _, complaint_id in overdue[:10]]}
    return [_condition(settings, view, summary, overdue[0][0], facts)]


def pipeline_silent(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """An open office that usually reports has sent nothing for `silent_min` minutes."""
    settings = book.settings("pipeline_silent", view.office)
    if not settings.enabled or view.clock is None or not is_open(view.office, now, calendar):
        return []
    if now - view.clock > timedelta(days=settings.number("known_within_days")):
        return []  # not an office that reports any more: nobody to wake
    span = span_at(view.office, now, calendar)
    quiet_since = max(view.clock, span.opens) if span is not None else view.clock
    silent_s = (now - quiet_since).total_seconds()
    if silent_s < settings.minutes_s("silent_min"):
        return []
    summary = f"tidak ada data dari kantor selama {silent_s / 60:.0f} menit"
    return [_condition(settings, view, summary, quiet_since, {"silent_min": round(silent_s / 60)})]


RULES: dict[str, Rule] = {
    "live_wait_breach": live_wait_breach,
    "burn_rate": burn_rate,
    "queue_length": queue_length,
    "complaint_spike": complaint_spike,
    "pungli": pungli,
    "office_not_open": office_not_open,
    "counter_not_open": counter_not_open,
    "complaint_response_overdue": complaint_response_overdue,
    "pipeline_silent": pipeline_silent,
}


def evaluate(view: OfficeView, now: datetime, book: RuleBook, calendar: WorkingDayCalendar) -> list[Condition]:
    """Every condition that holds at this office at `now`."""
    return [condition for rule in RULES.values() for condition in rule(view, now, book, calendar)]
