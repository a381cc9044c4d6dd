"""Alert lifecycle: one alert per dedup key while its condition holds; firing -> acknowledged -> resolved.

Alertmanager's conventions, made explicit:
- a condition that appears opens an alert (or reopens the last one when it resolved less than
  `reopen_window` ago, so a flapping queue does not page again);
- a condition that disappears resolves the alert automatically;
- a manual resolve holds the key until its condition clears once, so a pungli complaint that a
  supervisor closed does not fire again on the next tick;
- notification is due at the first allowed moment, then escalates one level every `escalate_after`
  without acknowledgement, and repeats at the last level at most every `repeat`.
Every change is a `Transition` (alert row with a higher `_version` plus an `alert_events` row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from alerting.errors import UnknownAlertError
from alerting.model import Alert, AlertState, Condition, Transition, alert_id_for, transition

NotifyKind = Literal["firing", "escalated", "reminder"]


@dataclass(frozen=True)
class LifecyclePolicy:
    """Timings of one rule at one office (from the rules file, in seconds)."""

    escalate_after_s: float = 900.0
    repeat_s: float = 3600.0
    reopen_window_s: float = 600.0


@dataclass(frozen=True)
class NotifyDue:
    """The notification an alert needs now: which kind, to which escalation level."""

    kind: NotifyKind
    level: int


class AlertBook:
    """Every alert the service knows, by id and by dedup key (the newest incident of each key)."""

    def __init__(self) -> None:
        self.by_id: dict[str, Alert] = {}
        self.by_key: dict[str, Alert] = {}
        self._held: set[str] = set()  # manually resolved keys whose condition has not cleared yet

    def restore(self, rows: Iterable[dict[str, Any]]) -> int:
        """Rebuild from `alerts` rows (any order, repeats allowed): the highest `_version` per id wins."""
        for row in rows:
            if "dedup_key" not in row:
                continue
            alert = Alert.from_row(row)
            known = self.by_id.get(alert.alert_id)
            if known is None or alert.version > known.version:
                self.by_id[alert.alert_id] = alert
        for alert in sorted(self.by_id.values(), key=lambda a: a.opened_at):
            self.by_key[alert.dedup_key] = alert
        self._held = {key for key, alert in self.by_key.items() if alert.manually_resolved and not alert.active}
        return len(self.by_id)

    def active(self, office_id: str | None = None) -> list[Alert]:
        return [a for a in self.by_key.values() if a.active and (office_id is None or a.office_id == office_id)]

    def reconcile(
        self,
        office_id: str,
        conditions: Iterable[Condition],
        now: datetime,
        policy_for: Callable[[Condition | Alert], LifecyclePolicy],
    ) -> tuple[list[Transition], list[Alert]]:
        """Open, reopen, update and auto-resolve this office's alerts; returns transitions and resolved alerts."""
        present = {condition.dedup_key: condition for condition in conditions}
        transitions: list[Transition] = []
        for key, condition in present.items():
            alert = self.by_key.get(key)
            if alert is not None and alert.active:
                alert.summary, alert.facts, alert.severity = condition.summary, condition.facts, condition.severity
            elif key in self._held:
                continue
            elif (
                alert is not None
                and alert.resolved_at is not None
                and (now - alert.resolved_at <= timedelta(seconds=policy_for(condition).reopen_window_s))
            ):
                alert.state, alert.resolved_at, alert.acked_at = AlertState.firing, None, None
                alert.summary, alert.facts = condition.summary, condition.facts
                transitions.append(transition(alert, "firing", now, "rule", "reopened: " + condition.summary))
            else:
                alert = self._open(condition, now)
                transitions.append(transition(alert, "firing", now, "rule", condition.summary))
        resolved = []
        for alert in self.active(office_id):
            if alert.dedup_key not in present:
                alert.state, alert.resolved_at = AlertState.resolved, now
                transitions.append(transition(alert, "resolved", now, "auto", "kondisi sudah normal"))
                resolved.append(alert)
        self._held -= {key for key in self._held if key.split("|")[1] == office_id and key not in present}
        return transitions, resolved

    def acknowledge(self, alert_id: str, actor: str, now: datetime) -> Transition | None:
        """Stop escalation and reminders; None when already acknowledged or resolved."""
        alert = self._get(alert_id)
        if alert.state is not AlertState.firing:
            return None
        alert.state, alert.acked_at = AlertState.acknowledged, now
        return transition(alert, "acknowledged", now, actor)

    def resolve(self, alert_id: str, actor: str, now: datetime, note: str = "") -> Transition | None:
        """Close by hand; the key stays quiet until its condition clears. None when already resolved."""
        alert = self._get(alert_id)
        if not alert.active:
            return None
        alert.state, alert.resolved_at, alert.manually_resolved = AlertState.resolved, now, True
        self._held.add(alert.dedup_key)
        return transition(alert, "resolved", now, actor, note)

    def _get(self, alert_id: str) -> Alert:
        alert = self.by_id.get(alert_id)
        if alert is None:
            raise UnknownAlertError(f"no alert {alert_id!r}; `pantau alerts list` shows the ids")
        return alert

    def _open(self, condition: Condition, now: datetime) -> Alert:
        alert = Alert(
            alert_id=alert_id_for(condition.dedup_key, now),
            dedup_key=condition.dedup_key,
            rule=condition.rule,
            office_id=condition.office_id,
            service_code=condition.service_code,
            subject=condition.subject,
            severity=condition.severity,
            zero_tolerance=condition.zero_tolerance,
            state=AlertState.firing,
            opened_at=now,
            summary=condition.summary,
            facts=condition.facts,
            since=condition.since,
        )
        self.by_id[alert.alert_id] = alert
        self.by_key[alert.dedup_key] = alert
        return alert


def notify_due(
    alert: Alert,
    now: datetime,
    policy: LifecyclePolicy,
    allowed: bool,
    staffed: Callable[[int], bool],
    levels: int,
) -> NotifyDue | None:
    """The notification a firing alert needs at `now`, if any.

    `allowed` is the routing verdict (open hours or zero tolerance); `staffed(level)` says whether
    anybody is on call at that level, so an empty level is skipped rather than swallowing the page.
    """
    if alert.state is not AlertState.firing or not allowed:
        return None
    if alert.level < 0 or alert.last_notified_at is None:
        first = _next_staffed(-1, staffed, levels)
        return NotifyDue("firing", first) if first is not None else None
    quiet_s = (now - alert.last_notified_at).total_seconds()
    higher = _next_staffed(alert.level, staffed, levels)
    if higher is not None and quiet_s >= policy.escalate_after_s:
        return NotifyDue("escalated", higher)
    if higher is None and quiet_s >= policy.repeat_s:
        return NotifyDue("reminder", alert.level)
    return None


def _next_staffed(level: int, staffed: Callable[[int], bool], levels: int) -> int | None:
    for candidate in range(level + 1, levels):
        if staffed(candidate):
            return candidate
    return None
