"""The alerting engine: live view + rules + lifecycle + routing, with no Kafka and no network.

The service feeds it events, complaint rows and commands, and calls `evaluate(now)` on every tick; it
returns the transitions to publish and the notifications to send. Time is the office's event time,
advanced to the wall clock in live mode, so the same input gives the same alerts in a test, a replay
and production.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from alerting.config import RuleBook
from alerting.hours import is_open
from alerting.lifecycle import AlertBook, LifecyclePolicy, notify_due
from alerting.messages import AlertMessage, compose
from alerting.model import Alert, Condition, Transition, transition
from alerting.office_view import LiveView
from alerting.oncall import Contact, OnCallSchedule
from alerting.rules import evaluate
from pantau.catalog import Catalog
from pantau.contract import Event
from streams.logic.working_days import WorkingDayCalendar


@dataclass(frozen=True)
class Notification:
    """A message for some contacts about one alert."""

    alert_id: str
    kind: str
    contacts: tuple[Contact, ...]
    message: AlertMessage


@dataclass
class EngineOutput:
    """What one step produced: rows to publish and messages to send."""

    transitions: list[Transition] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    def extend(self, other: EngineOutput) -> None:
        self.transitions += other.transitions
        self.notifications += other.notifications


DEFAULT_LIVE_LAG = timedelta(minutes=15)
"""The stream worker's default live lag (PANTAU_STREAM_LIVE_MAX_AHEAD_S), so both call the same offices live."""


class AlertEngine:
    """Decides, for every office, which alerts fire, resolve, escalate, and who hears about them."""

    def __init__(
        self,
        catalog: Catalog,
        rules: RuleBook,
        schedule: OnCallSchedule,
        dashboard_url: str,
        extra_contacts: Iterable[Contact] = (),
        live_lag: timedelta = DEFAULT_LIVE_LAG,
    ) -> None:
        """`extra_contacts` (e.g. a global webhook) hear about every notification an office's on-call hears.

        `live_lag` (PANTAU_STREAM_LIVE_MAX_AHEAD_S): an office is live while the event that last
        moved its clock arrived within this of occurring; only live offices are judged by the wall
        clock, and offices fed history (a replay, a simulation catching up) raise no alerts.
        """
        self.live_lag = live_lag
        self.catalog = catalog
        self.rules = rules
        self.schedule = schedule
        self.dashboard_url = dashboard_url
        self.extra_contacts = tuple(extra_contacts)
        self.calendar = WorkingDayCalendar(rules.extra_holidays, rules.cancelled_holidays)
        self.view = LiveView(catalog)
        self.book = AlertBook()

    # -- input -----------------------------------------------------------------------------------

    def apply_event(self, event: Event, received_at: datetime | None = None) -> None:
        """Fold in an event; `received_at` (when it reached Pantau) tells live offices from history.

        Without `received_at` the event counts as live (callers that feed events as they happen).
        """
        arrived_live = received_at is None or received_at - event.occurred_at <= self.live_lag
        self.view.apply(event, arrived_live)

    def apply_complaint_row(self, row: dict[str, Any]) -> None:
        self.view.apply_complaint_row(row)

    def command(self, command: dict[str, Any], now: datetime) -> EngineOutput:
        """`{"command": "ack"|"resolve", "alert_id", "actor", "note"}`; UnknownAlertError for a wrong id."""
        alert_id = str(command.get("alert_id") or "")
        actor = str(command.get("actor") or "unknown")
        if command.get("command") == "ack":
            change = self.book.acknowledge(alert_id, actor, now)
        elif command.get("command") == "resolve":
            change = self.book.resolve(alert_id, actor, now, str(command.get("note") or ""))
        else:
            return EngineOutput()
        return EngineOutput(transitions=[change] if change is not None else [])

    def delivery(self, alert_id: str, state: str, detail: str, at: datetime) -> Transition | None:
        """Record a delivery outcome (delivered / delivery_failed) on the alert's history."""
        alert = self.book.by_id.get(alert_id)
        return transition(alert, state, at, "dispatcher", detail) if alert is not None else None

    # -- evaluation ------------------------------------------------------------------------------

    def evaluate(self, wall_now: datetime | None = None) -> EngineOutput:
        """Evaluate every office at its own time: its latest event time, or `wall_now` when later.

        With a wall clock, an office whose clock was last moved by history (events that arrived
        long after they occurred) is not evaluated at all: a replay or a simulation catching up
        must not page anyone, and judging its queue by today's wall clock would make every ticket
        waiting in it hours late. Without a wall clock (`AlertService(clock=None)`, for replays
        on purpose) every office runs on its event time.
        """
        output = EngineOutput()
        for office_id, view in self.view.offices.items():
            if view.clock is None and wall_now is None:
                continue
            if wall_now is not None and not view.live:
                continue
            now = max(t for t in (view.clock, wall_now) if t is not None)
            conditions = evaluate(view, now, self.rules, self.calendar)
            changes, resolved = self.book.reconcile(office_id, conditions, now, self._policy)
            output.transitions += changes
            for alert in resolved:
                output.notifications += self._resolved_notice(alert, now)
            for alert in self.book.active(office_id):
                output.extend(self._route(alert, now))
            view.forget_before(now)
        return output

    def _route(self, alert: Alert, now: datetime) -> EngineOutput:
        office = self.catalog.office(alert.office_id)
        settings = self.rules.settings(alert.rule, office, alert.service_code)
        allowed = alert.zero_tolerance or is_open(office, now, self.calendar, settings.minutes_s("hours_margin_min"))
        levels = len(self.schedule.levels)
        due = notify_due(
            alert,
            now,
            self._policy(alert),
            allowed,
            lambda level: bool(self.schedule.on_call(office, level, now)),
            levels,
        )
        if due is None:
            return EngineOutput()
        contacts = tuple(self.schedule.on_call(office, due.level, now)) + self.extra_contacts
        alert.level, alert.last_notified_at = due.level, now
        alert.notified_to = list(dict.fromkeys([*alert.notified_to, *(c.id for c in contacts)]))
        level_name = self.schedule.levels[due.level]
        change = transition(
            alert,
            "notified" if due.kind != "escalated" else "escalated",
            now,
            "router",
            f"{due.kind} {level_name}: {', '.join(c.id for c in contacts)}",
        )
        message = compose(alert, due.kind, self.catalog, self.dashboard_url, now, settings.action, level_name)
        return EngineOutput([change], [Notification(alert.alert_id, due.kind, contacts, message)])

    def _resolved_notice(self, alert: Alert, now: datetime) -> list[Notification]:
        """Those who were paged hear that it is over; nobody else does."""
        if not alert.notified_to:
            return []
        office = self.catalog.office(alert.office_id)
        known = {
            c.id: c for level in range(len(self.schedule.levels)) for c in self.schedule.on_call(office, level, now)
        }
        known.update({c.id: c for c in self.extra_contacts})
        known.update({name: c.model_copy(update={"id": name}) for name, c in self.schedule.contacts.items()})
        contacts = tuple(known[name] for name in alert.notified_to if name in known)
        message = compose(alert, "resolved", self.catalog, self.dashboard_url, now)
        return [Notification(alert.alert_id, "resolved", contacts, message)]

    def _policy(self, item: Condition | Alert) -> LifecyclePolicy:
        settings = self.rules.settings(item.rule, self.catalog.office(item.office_id), item.service_code)
        return LifecyclePolicy(
            escalate_after_s=settings.minutes_s("escalate_after_min"),
            repeat_s=settings.minutes_s("repeat_min"),
            reopen_window_s=settings.minutes_s("reopen_window_min"),
        )
