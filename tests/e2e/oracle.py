"""What ClickHouse must hold, computed straight from the input lines, independently of streams/ and sinks/.

Validity comes from the simulator that wrote the file (it knows which lines it broke), not from the
contract validator; waits, windows, IKM and rates are recomputed here with plain Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from pantau.settings import PantauSettings

COMPLETED = {"served", "rejected_incomplete", "referred"}
IKM_WEIGHT = 0.111
# Windows take events up to this long after their end (in office event time, the late horizon); later
# ones are left out of the pre-aggregated windows by design (streams/windowing.py), while the ticket
# rows still take them.
WINDOW_GRACE = timedelta(days=PantauSettings().stream_late_horizon_days)


@dataclass(frozen=True)
class InputLine:
    number: int  # 1-based line number, the dead letter's position
    payload: bytes
    valid: bool


@dataclass
class Ticket:
    office_id: str
    service_code: str
    outcome: str
    wait_s: float | None
    started_at: datetime | None
    ended_at: datetime
    # The office's latest event time when the ticket's window figure became known: when both
    # ticket.issued and service.started (or ticket.abandoned) had been delivered.
    watermark: datetime

    def too_late_for(self, moment: datetime, window_s: int) -> bool:
        """True when the window holding `moment` had stopped taking updates when the figure became known."""
        return self.watermark >= floor(moment, window_s) + timedelta(seconds=window_s) + WINDOW_GRACE


@dataclass
class Expected:
    """The independent results for one input file."""

    tickets: dict[tuple[str, str], Ticket] = field(default_factory=dict)
    complaints: dict[str, set[str]] = field(default_factory=dict)  # office -> complaint ids
    complaint_windows: Counter[tuple[str, str, datetime]] = field(default_factory=Counter)
    late_complaint_windows: set[tuple[str, str, datetime]] = field(default_factory=set)
    surveys: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    dead_positions: set[str] = field(default_factory=set)
    dead_reasons: dict[str, str] = field(default_factory=dict)  # position -> reason code, where derivable
    valid_event_keys: set[tuple[str, str]] = field(default_factory=set)

    def late_windows(self, window_s: int) -> set[tuple[str, str, datetime]]:
        """Windows some ticket reached too late: their counts are not comparable one to one."""
        late = set()
        for t in self.tickets.values():
            for moment in (
                t.started_at if t.wait_s is not None else None,
                t.ended_at if t.outcome == "abandoned" else None,
            ):
                if moment is not None and t.too_late_for(moment, window_s):
                    late.add((t.office_id, t.service_code, floor(moment, window_s)))
        return late

    def window_served(self, window_s: int) -> Counter[tuple[str, str, datetime]]:
        return Counter(
            (t.office_id, t.service_code, floor(t.started_at, window_s))
            for t in self.tickets.values()
            if t.wait_s is not None and t.started_at is not None
        )

    def window_abandoned(self, window_s: int) -> Counter[tuple[str, str, datetime]]:
        return Counter(
            (t.office_id, t.service_code, floor(t.ended_at, window_s))
            for t in self.tickets.values()
            if t.outcome == "abandoned"
        )

    def served_per_local_day(self, zones: dict[str, str]) -> Counter[tuple[str, str, date]]:
        return Counter(
            (t.office_id, t.service_code, t.started_at.astimezone(ZoneInfo(zones[t.office_id])).date())
            for t in self.tickets.values()
            if t.wait_s is not None and t.started_at is not None
        )

    def ikm(self) -> dict[str, tuple[int, float]]:
        """office -> (respondents, IKM to 2 decimals) over the whole input (one local month)."""
        by_office: dict[str, list[dict[str, int]]] = defaultdict(list)
        for (office, _), scores in self.surveys.items():
            by_office[office].append(scores)
        result = {}
        for office, answers in by_office.items():
            nrr = [sum(a[f"u{i}"] for a in answers) / len(answers) for i in range(1, 10)]
            result[office] = (len(answers), round(sum(n * IKM_WEIGHT for n in nrr) * 25, 2))
        return result

    def complaint_rate_per_1000(self) -> dict[str, float]:
        completed = Counter(t.office_id for t in self.tickets.values() if t.outcome in COMPLETED)
        return {
            office: round(1000 * len(ids) / completed[office], 2)
            for office, ids in self.complaints.items()
            if completed[office]
        }


def floor(moment: datetime, window_s: int) -> datetime:
    seconds = int(moment.timestamp()) // window_s * window_s
    return datetime.fromtimestamp(seconds, tz=UTC)


def expected_from(lines: list[InputLine], offices: set[str]) -> Expected:
    """Fold the valid lines into tickets, complaints and surveys; classify the invalid ones."""
    expected = Expected()
    lives: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    watermarks: dict[str, datetime] = {}
    for line in lines:
        if not line.valid:
            expected.dead_positions.add(str(line.number))
            reason = _derivable_reason(line.payload, offices)
            if reason is not None:
                expected.dead_reasons[str(line.number)] = reason
            continue
        event = orjson.loads(line.payload)
        office = event["office_id"]
        expected.valid_event_keys.add((office, event["event_id"]))
        at = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC)
        watermarks[office] = max(watermarks.get(office, at), at)
        kind = event["type"]
        if "ticket_id" in event:
            life = lives[(office, event["ticket_id"])]
            life.setdefault(f"{kind}@", watermarks[office])  # office clock at the first delivery
            life[kind] = min(life.get(kind, at), at)
            if kind == "ticket.issued":
                life["service_code"] = event["service_code"]
            if kind == "service.completed":
                life["outcome"] = event["outcome"]
        elif kind == "complaint.filed":
            if event["complaint_id"] not in expected.complaints.setdefault(office, set()):
                expected.complaints[office].add(event["complaint_id"])
                window = (office, event.get("service_code") or "", floor(at, 300))
                expected.complaint_windows[window] += 1
                if watermarks[office] >= window[2] + timedelta(seconds=300) + WINDOW_GRACE:
                    expected.late_complaint_windows.add(window)
        elif kind == "survey.submitted":
            expected.surveys[(office, event["survey_id"])] = event["scores"]
    for (office, ticket_id), life in lives.items():
        if "ticket.issued" not in life:
            continue
        if "outcome" in life:
            wait = (life["service.started"] - life["ticket.issued"]).total_seconds()
            expected.tickets[(office, ticket_id)] = Ticket(
                office,
                life["service_code"],
                life["outcome"],
                round(max(wait, 0.0), 3),
                life["service.started"],
                life["service.completed"],
                max(life["ticket.issued@"], life["service.started@"]),
            )
        elif "ticket.abandoned" in life:
            expected.tickets[(office, ticket_id)] = Ticket(
                office,
                life["service_code"],
                "abandoned",
                None,
                None,
                life["ticket.abandoned"],
                max(life["ticket.issued@"], life["ticket.abandoned@"]),
            )
    return expected


def _derivable_reason(payload: bytes, offices: set[str]) -> str | None:
    """The reason code of a broken line where it follows from the bytes alone (else None)."""
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return "invalid_json"
    if not isinstance(document, dict):
        return "not_an_object"
    if document.get("v") == 2:
        return "unsupported_version"
    office = document.get("office_id")
    if isinstance(office, str) and office not in offices and "event_id" in document:
        return "unknown_office"
    return None
