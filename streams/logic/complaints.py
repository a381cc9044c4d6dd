"""Complaints (SP4N-LAPOR!): deadlines in working days, overdue flags, pungli, complaint rate.

Deadlines (PermenPANRB 62/2018; configurable): a first response within 3 working days of filing, and a
follow-up within 5, 14 or 60 working days for ordinary complaints, those involving supervision, and
those needing a field inspection. Both are counted from the filing, in the office's local calendar
(see `working_days` for the convention). Complaint events carry no follow-up kind, so the kind comes
from the category through `ComplaintPolicy.followup_kind_by_category`, "ordinary" by default.

Overdue flags are final once the action happened: a response after its deadline stays overdue; a
complaint without a response is overdue once `now` passes the deadline. A resolution also counts as
the first response (a complaint resolved on day 2 was answered on day 2), although responded_at stays
as reported. Rows therefore depend on `now`; `next_change_at` tells the caller when to re-emit.

Personal data never enters the state: `ComplaintState.apply` keeps the NIK's keyed pseudonym and the
redacted text only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pantau.contract.models import ComplaintFiled, ComplaintResolved, ComplaintResponded
from pantau.privacy import normalize_nik, pseudonymize_nik, redact_text
from streams.logic.working_days import DEFAULT_CALENDAR, WorkingDayCalendar

ComplaintEvent = ComplaintFiled | ComplaintResponded | ComplaintResolved
FollowupKind = Literal["ordinary", "supervision", "field_inspection"]

STATE_VERSION = 1
MAX_SEEN_EVENT_IDS = 8
PUNGLI_CATEGORIES = frozenset({"pungli", "biaya", "biaya/pungli", "biaya_pungli"})
PUNGLI_TERMS = ("pungli", "pungutan liar", "uang pelicin")


@dataclass(frozen=True)
class ComplaintPolicy:
    """Deadlines in working days, the calendar they count in, and what counts as pungli; all configuration."""

    response_days: int = 3
    followup_days: Mapping[FollowupKind, int] = field(
        default_factory=lambda: {"ordinary": 5, "supervision": 14, "field_inspection": 60}
    )
    followup_kind_by_category: Mapping[str, FollowupKind] = field(default_factory=dict)
    pungli_categories: frozenset[str] = PUNGLI_CATEGORIES
    pungli_terms: tuple[str, ...] = PUNGLI_TERMS
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR

    def followup_kind(self, category: str) -> FollowupKind:
        """The follow-up kind of a category ("ordinary" unless configured)."""
        return self.followup_kind_by_category.get(category.lower(), "ordinary")


DEFAULT_POLICY = ComplaintPolicy()


def is_pungli(category: str, text: str | None, policy: ComplaintPolicy = DEFAULT_POLICY) -> bool:
    """Zero tolerance: a pungli/biaya category, or text naming pungli, pungutan liar or uang pelicin."""
    if category.strip().lower() in policy.pungli_categories:
        return True
    return bool(text) and _terms_pattern(policy.pungli_terms).search(text or "") is not None


def complaint_rate(complaints: int, completed_services: int) -> float | None:
    """Complaints per 1,000 completed services; None when nothing was completed (no meaningful rate)."""
    if completed_services <= 0:
        return None
    return complaints * 1000.0 / completed_services


def is_overdue(due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """Done after the deadline, or not done and the deadline has passed at `now`."""
    if done_at is not None:
        return done_at > due_at
    return now > due_at


@dataclass
class ComplaintState:
    """One complaint from filed/responded/resolved in any order; serializable for a Faust table.

    The first filing wins (earliest occurred_at, then event_id); responded_at and resolved_at keep the
    earliest report, so duplicates and reordering never change the row.
    """

    office_id: str
    complaint_id: str
    filed_at: datetime | None = None
    filed_event_id: str = ""
    category: str = ""
    channel: str = ""
    service_code: str = ""
    reporter_ref: str = ""
    text_redacted: str = ""
    pungli: bool = False
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    seen_event_ids: list[str] = field(default_factory=list)

    def apply(self, event: ComplaintEvent, nik_key: bytes, policy: ComplaintPolicy = DEFAULT_POLICY) -> bool:
        """Fold an event in, scrubbing personal data; True when the state changed."""
        if event.office_id != self.office_id or event.complaint_id != self.complaint_id:
            raise ValueError(
                f"event {event.event_id} is for {event.office_id}/{event.complaint_id}, "
                f"not {self.office_id}/{self.complaint_id}"
            )
        if event.event_id in self.seen_event_ids:
            return False
        self.seen_event_ids.append(event.event_id)
        del self.seen_event_ids[:-MAX_SEEN_EVENT_IDS]
        at = event.occurred_at
        if isinstance(event, ComplaintResponded):
            if self.responded_at is None or at < self.responded_at:
                self.responded_at = at
                return True
            return False
        if isinstance(event, ComplaintResolved):
            if self.resolved_at is None or at < self.resolved_at:
                self.resolved_at = at
                return True
            return False
        if self.filed_at is not None and (at, event.event_id) >= (self.filed_at, self.filed_event_id):
            return False
        self.filed_at, self.filed_event_id = at, event.event_id
        self.category = event.category
        self.channel = event.channel or ""
        self.service_code = event.service_code or ""
        # A "NIK" without digits ("-", "tidak ada") identifies nobody: no pseudonym rather than a crash.
        nik = event.reporter_nik or ""
        ref = event.reporter_ref or ""
        if not nik and ref and redact_text(ref) != ref:
            nik, ref = ref, ""  # a NIK sent as reporter_ref by a foreign producer
        # Pantau's own ingress already turned the NIK into reporter_ref with the same key.
        self.reporter_ref = pseudonymize_nik(nik, nik_key) if normalize_nik(nik) else ref
        self.text_redacted = redact_text(event.text) if event.text else ""
        # Judged on the raw text: redaction only removes numbers and addresses, never these words.
        self.pungli = is_pungli(event.category, event.text, policy)
        return True

    def response_due_at(self, tz: ZoneInfo | str, policy: ComplaintPolicy = DEFAULT_POLICY) -> datetime | None:
        """End of the last working day for the first response, None until filed."""
        if self.filed_at is None:
            return None
        return policy.calendar.add_working_days(self.filed_at, policy.response_days, tz)

    def followup_due_at(self, tz: ZoneInfo | str, policy: ComplaintPolicy = DEFAULT_POLICY) -> datetime | None:
        """End of the last working day for the follow-up (resolution), None until filed."""
        if self.filed_at is None:
            return None
        days = policy.followup_days[policy.followup_kind(self.category)]
        return policy.calendar.add_working_days(self.filed_at, days, tz)

    def row(
        self,
        now: datetime,
        tz: ZoneInfo | str,
        policy: ComplaintPolicy = DEFAULT_POLICY,
    ) -> dict[str, Any] | None:
        """The complaints row (every column but `_version`) at `now`; None until complaint.filed arrived."""
        response_due = self.response_due_at(tz, policy)
        followup_due = self.followup_due_at(tz, policy)
        if self.filed_at is None or response_due is None or followup_due is None:
            return None
        return {
            "office_id": self.office_id,
            "complaint_id": self.complaint_id,
            "service_code": self.service_code,
            "category": self.category,
            "channel": self.channel,
            "filed_at": self.filed_at.astimezone(UTC),
            "responded_at": _utc(self.responded_at),
            "resolved_at": _utc(self.resolved_at),
            "response_due_at": response_due,
            "followup_due_at": followup_due,
            "reporter_ref": self.reporter_ref,
            "text_redacted": self.text_redacted,
            "response_overdue": int(is_overdue(response_due, self._first_response_at(), now)),
            "followup_overdue": int(is_overdue(followup_due, self.resolved_at, now)),
            "pungli": int(self.pungli),
        }

    def next_change_at(
        self,
        now: datetime,
        tz: ZoneInfo | str,
        policy: ComplaintPolicy = DEFAULT_POLICY,
    ) -> datetime | None:
        """When an overdue flag would flip without any new event (a pending deadline after `now`), or None."""
        pending = []
        response_due = self.response_due_at(tz, policy)
        followup_due = self.followup_due_at(tz, policy)
        if response_due is not None and self._first_response_at() is None and response_due >= now:
            pending.append(response_due)
        if followup_due is not None and self.resolved_at is None and followup_due >= now:
            pending.append(followup_due)
        return min(pending) if pending else None

    def _first_response_at(self) -> datetime | None:
        moments = [moment for moment in (self.responded_at, self.resolved_at) if moment is not None]
        return min(moments) if moments else None

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-safe form (no personal data: only the pseudonym and the redacted text)."""
        return {
            "v": STATE_VERSION,
            "office_id": self.office_id,
            "complaint_id": self.complaint_id,
            "filed_at": _iso(self.filed_at),
            "filed_event_id": self.filed_event_id,
            "category": self.category,
            "channel": self.channel,
            "service_code": self.service_code,
            "reporter_ref": self.reporter_ref,
            "text_redacted": self.text_redacted,
            "pungli": self.pungli,
            "responded_at": _iso(self.responded_at),
            "resolved_at": _iso(self.resolved_at),
            "seen_event_ids": list(self.seen_event_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComplaintState:
        """Inverse of `to_dict`."""
        if data.get("v") != STATE_VERSION:
            raise ValueError(f"complaint state version {data.get('v')!r} is not readable (expected {STATE_VERSION})")
        return cls(
            office_id=str(data["office_id"]),
            complaint_id=str(data["complaint_id"]),
            filed_at=_parse(data["filed_at"]),
            filed_event_id=str(data["filed_event_id"]),
            category=str(data["category"]),
            channel=str(data["channel"]),
            service_code=str(data["service_code"]),
            reporter_ref=str(data["reporter_ref"]),
            text_redacted=str(data["text_redacted"]),
            pungli=bool(data["pungli"]),
            responded_at=_parse(data["responded_at"]),
            resolved_at=_parse(data["resolved_at"]),
            seen_event_ids=[str(event_id) for event_id in data["seen_event_ids"]],
        )


@lru_cache(maxsize=16)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    # No word boundaries: Indonesian affixes ("dipungli", "punglinya") must still match.
    alternatives = "|".join(re.escape(term).replace(r"\ ", r"\s+") for term in terms)
    return re.compile(rf"(?i)(?:{alternatives})")


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse(text: Any) -> datetime | None:
    return datetime.fromisoformat(str(text)) if text is not None else None
