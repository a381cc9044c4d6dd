"""Alerts and the conditions that raise them; rows as the ClickHouse `alerts` and `alert_events` tables.

A `Condition` is what a rule sees at one instant ("6 KTP tickets waiting past 30 minutes at
MPP-JKT-01"). An `Alert` is one incident of one dedup key (rule, office, service, subject): it lives
from firing to resolved, and every change of it is a transition with a growing `_version`, so
ReplacingMergeTree keeps its newest state and `alert_events` keeps its history (MTTA, MTTR).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad: critical pages at once; warning is worth a look within the hour."""

    critical = "critical"
    warning = "warning"


class AlertState(StrEnum):
    firing = "firing"
    acknowledged = "acknowledged"
    resolved = "resolved"


ACTIVE_STATES = frozenset({AlertState.firing, AlertState.acknowledged})


@dataclass(frozen=True)
class Condition:
    """A rule's finding for one office (and service/subject) at one instant.

    `since` is when the problem started as far as the data tells (e.g. when the oldest ticket passed
    its target), `facts` are the numbers the message shows, `zero_tolerance` bypasses the silence
    outside opening hours.
    """

    rule: str
    office_id: str
    severity: Severity
    summary: str
    since: datetime
    service_code: str = ""
    subject: str = ""
    zero_tolerance: bool = False
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def dedup_key(self) -> str:
        """Stable while the condition holds: the same problem is always the same key."""
        return dedup_key(self.rule, self.office_id, self.service_code, self.subject)


def dedup_key(rule: str, office_id: str, service_code: str = "", subject: str = "") -> str:
    """`rule|office|service|subject`, with empty parts kept so keys never collide."""
    return "|".join((rule, office_id, service_code, subject))


def alert_id_for(key: str, opened_at: datetime) -> str:
    """One id per incident: the dedup key plus the opening instant (epoch ms), readable in `alerts list`."""
    return f"{key.replace('|', ':').rstrip(':')}@{int(opened_at.timestamp() * 1000)}"


@dataclass
class Alert:
    """One incident of one dedup key and its routing progress."""

    alert_id: str
    dedup_key: str
    rule: str
    office_id: str
    service_code: str
    subject: str
    severity: Severity
    zero_tolerance: bool
    state: AlertState
    opened_at: datetime
    summary: str
    facts: dict[str, Any] = field(default_factory=dict)
    since: datetime | None = None
    acked_at: datetime | None = None
    resolved_at: datetime | None = None
    notified_to: list[str] = field(default_factory=list)
    level: int = -1  # escalation level last notified; -1: nobody yet
    last_notified_at: datetime | None = None
    manually_resolved: bool = False
    version: int = 0
    seq: int = 0

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def to_row(self) -> dict[str, Any]:
        """The `alerts` row (contract columns first), plus the routing fields a restart needs."""
        return {
            "alert_id": self.alert_id,
            "rule": self.rule,
            "office_id": self.office_id,
            "service_code": self.service_code,
            "severity": str(self.severity),
            "state": str(self.state),
            "opened_at": _iso(self.opened_at),
            "acked_at": _iso(self.acked_at),
            "resolved_at": _iso(self.resolved_at),
            "notified_to": list(self.notified_to),
            "summary": self.summary,
            "_version": self.version,
            "dedup_key": self.dedup_key,
            "subject": self.subject,
            "zero_tolerance": int(self.zero_tolerance),
            "since": _iso(self.since),
            "level": self.level,
            "last_notified_at": _iso(self.last_notified_at),
            "manually_resolved": int(self.manually_resolved),
            "seq": self.seq,
            "facts": self.facts,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Alert:
        """Inverse of `to_row`, for rebuilding the service's state from the alerts topic."""
        return cls(
            alert_id=str(row["alert_id"]),
            dedup_key=str(row["dedup_key"]),
            rule=str(row["rule"]),
            office_id=str(row["office_id"]),
            service_code=str(row.get("service_code") or ""),
            subject=str(row.get("subject") or ""),
            severity=Severity(row["severity"]),
            zero_tolerance=bool(row.get("zero_tolerance")),
            state=AlertState(row["state"]),
            opened_at=_parse(row["opened_at"]) or datetime.now(UTC),
            summary=str(row.get("summary") or ""),
            facts=dict(row.get("facts") or {}),
            since=_parse(row.get("since")),
            acked_at=_parse(row.get("acked_at")),
            resolved_at=_parse(row.get("resolved_at")),
            notified_to=[str(name) for name in row.get("notified_to") or []],
            level=int(row.get("level", -1)),
            last_notified_at=_parse(row.get("last_notified_at")),
            manually_resolved=bool(row.get("manually_resolved")),
            version=int(row.get("_version", 0)),
            seq=int(row.get("seq", 0)),
        )


@dataclass(frozen=True)
class Transition:
    """One change of one alert: its new `alerts` row and the `alert_events` row that records it."""

    alert: dict[str, Any]
    event: dict[str, Any]


def transition(alert: Alert, state: str, at: datetime, actor: str = "", detail: str = "") -> Transition:
    """Bump the alert's version and sequence and snapshot both rows."""
    alert.version += 1
    alert.seq += 1
    event = {
        "alert_id": alert.alert_id,
        "seq": alert.seq,
        "state": state,
        "at": _iso(at),
        "actor": actor,
        "detail": detail,
        "_version": 1,
    }
    return Transition(alert.to_row(), event)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds") if moment is not None else None


def _parse(text: Any) -> datetime | None:
    if text is None or text == "":
        return None
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
