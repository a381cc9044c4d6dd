"""Alert lifecycle: dedup, auto-resolve, reopen, manual hold, notification timing, restore."""

from __future__ import annotations

from datetime import timedelta

from alerting.lifecycle import AlertBook, LifecyclePolicy, notify_due
from alerting.model import Alert, AlertState, Condition, Severity
from tests.unit.alerting.factories import BAD, wib

POLICY = LifecyclePolicy(escalate_after_s=900, repeat_s=3600, reopen_window_s=600)


def breach(summary: str = "3 tiket") -> Condition:
    return Condition("live_wait_breach", BAD, Severity.critical, summary, wib(2, "08:30"), service_code="KTP")


def reconcile(book: AlertBook, conditions: list[Condition], hhmm: str) -> list[str]:
    changes, _ = book.reconcile(BAD, conditions, wib(2, hhmm), lambda _: POLICY)
    return [change.event["state"] for change in changes]


def test_one_alert_while_the_condition_holds_then_auto_resolve() -> None:
    book = AlertBook()
    assert reconcile(book, [breach()], "08:32") == ["firing"]
    assert reconcile(book, [breach("5 tiket")], "08:33") == []
    (alert,) = book.active()
    assert alert.summary == "5 tiket" and alert.version == 1
    assert reconcile(book, [], "08:50") == ["resolved"]
    assert alert.state is AlertState.resolved and alert.resolved_at == wib(2, "08:50") and alert.version == 2


def test_reopen_within_the_window_keeps_the_alert_id_later_opens_a_new_one() -> None:
    book = AlertBook()
    reconcile(book, [breach()], "08:32")
    first = book.active()[0].alert_id
    reconcile(book, [], "08:40")
    assert reconcile(book, [breach()], "08:45") == ["firing"]
    assert book.active()[0].alert_id == first
    reconcile(book, [], "09:00")
    reconcile(book, [breach()], "09:11")  # 11 minutes after resolving: a new incident
    assert book.active()[0].alert_id != first
    assert len(book.by_id) == 2


def test_manual_resolve_holds_until_the_condition_clears() -> None:
    book = AlertBook()
    reconcile(book, [breach()], "08:32")
    alert_id = book.active()[0].alert_id
    change = book.resolve(alert_id, "budi", wib(2, "08:40"), "dicek")
    assert change is not None and change.event["actor"] == "budi"
    assert reconcile(book, [breach()], "08:41") == []  # still held
    assert reconcile(book, [], "08:42") == []
    assert reconcile(book, [breach()], "09:30") == ["firing"]


def test_acknowledge_only_from_firing() -> None:
    book = AlertBook()
    reconcile(book, [breach()], "08:32")
    alert = book.active()[0]
    assert book.acknowledge(alert.alert_id, "budi", wib(2, "08:35")) is not None
    assert alert.acked_at == wib(2, "08:35")
    assert book.acknowledge(alert.alert_id, "budi", wib(2, "08:36")) is None


def fired(at_hhmm: str) -> Alert:
    book = AlertBook()
    book.reconcile(BAD, [breach()], wib(2, at_hhmm), lambda _: POLICY)
    return book.active()[0]


def test_notify_then_escalate_then_remind() -> None:
    alert = fired("08:32")
    staffed = {0: True, 1: True, 2: False}.__getitem__
    due = notify_due(alert, wib(2, "08:32"), POLICY, True, staffed, 3)
    assert due is not None and (due.kind, due.level) == ("firing", 0)
    alert.level, alert.last_notified_at = 0, wib(2, "08:32")
    assert notify_due(alert, wib(2, "08:46"), POLICY, True, staffed, 3) is None
    due = notify_due(alert, wib(2, "08:47"), POLICY, True, staffed, 3)
    assert due is not None and (due.kind, due.level) == ("escalated", 1)
    alert.level, alert.last_notified_at = 1, wib(2, "08:47")
    # level 2 has nobody: no escalation, a reminder after the repeat interval
    assert notify_due(alert, wib(2, "09:46"), POLICY, True, staffed, 3) is None
    due = notify_due(alert, wib(2, "09:47"), POLICY, True, staffed, 3)
    assert due is not None and (due.kind, due.level) == ("reminder", 1)


def test_no_notification_when_routing_forbids_or_acknowledged() -> None:
    alert = fired("08:32")
    assert notify_due(alert, wib(2, "08:32"), POLICY, False, lambda _: True, 3) is None
    alert.state = AlertState.acknowledged
    assert notify_due(alert, wib(2, "10:00"), POLICY, True, lambda _: True, 3) is None


def test_restore_takes_the_newest_version_and_keeps_the_dedup_key() -> None:
    book = AlertBook()
    reconcile(book, [breach()], "08:32")
    alert = book.active()[0]
    old_row = alert.to_row()
    reconcile(book, [], "08:50")
    rows = [book.by_id[alert.alert_id].to_row(), old_row]  # out of order on purpose
    restored = AlertBook()
    assert restored.restore(rows) == 1
    assert restored.by_id[alert.alert_id].state is AlertState.resolved
    assert restored.by_id[alert.alert_id].resolved_at == wib(2, "08:50") - timedelta(0)
    # the restored book reopens within the window instead of opening a new incident
    changes, _ = restored.reconcile(BAD, [breach()], wib(2, "08:55"), lambda _: POLICY)
    assert [c.alert["alert_id"] for c in changes] == [alert.alert_id]
    assert changes[0].alert["_version"] == 3
