"""Event contract v1 as typed models (CONTRACT section 1).

One class per event type, discriminated on `type`. Fields are strict: a number where a string is
required is a wrong type, not something to coerce, because an office system that sends it is broken
and its events must be dead-lettered with a reason. Unknown extra fields are ignored so producers can
add optional data without breaking v1.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from pantau.contract.timestamps import parse_rfc3339

EventId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Timestamp = Annotated[datetime, BeforeValidator(parse_rfc3339)]
Score = Annotated[int, Field(ge=1, le=4)]

PriorityGroup = Literal["elderly", "disability", "pregnant", "child", "other"]
TicketChannel = Literal["walk_in", "online", "kiosk"]
ServiceOutcome = Literal["served", "rejected_incomplete", "referred"]
AbandonReason = Literal["left", "no_show"]

TICKET_EVENT_TYPES = frozenset(
    {"ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned"}
)
COMPLAINT_EVENT_TYPES = frozenset({"complaint.filed", "complaint.responded", "complaint.resolved"})
COUNTER_EVENT_TYPES = frozenset({"counter.opened", "counter.closed"})


class _Event(BaseModel):
    """Fields every v1 event has."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    event_id: EventId
    office_id: Identifier
    occurred_at: Timestamp
    v: Annotated[int, Field(ge=1, le=1)]  # strict int, so true is not 1


class TicketIssued(_Event):
    type: Literal["ticket.issued"]
    ticket_id: Identifier
    service_code: Identifier
    priority_group: PriorityGroup | None = None
    channel: TicketChannel | None = None


class TicketCalled(_Event):
    type: Literal["ticket.called"]
    ticket_id: Identifier
    counter_id: Identifier


class ServiceStarted(_Event):
    type: Literal["service.started"]
    ticket_id: Identifier
    counter_id: Identifier
    officer_id: Identifier | None = None


class ServiceCompleted(_Event):
    type: Literal["service.completed"]
    ticket_id: Identifier
    outcome: ServiceOutcome


class TicketAbandoned(_Event):
    type: Literal["ticket.abandoned"]
    ticket_id: Identifier
    reason: AbandonReason | None = None


class ComplaintFiled(_Event):
    type: Literal["complaint.filed"]
    complaint_id: Identifier
    category: Identifier
    channel: Identifier | None = None
    service_code: Identifier | None = None
    reporter_nik: str | None = None
    reporter_ref: Annotated[str, StringConstraints(max_length=128)] | None = None
    """The NIK's keyed pseudonym, set instead of reporter_nik by Pantau's own ingress (CONTRACT section 1)."""
    text: Annotated[str, StringConstraints(max_length=10_000)] | None = None


class ComplaintResponded(_Event):
    type: Literal["complaint.responded"]
    complaint_id: Identifier


class ComplaintResolved(_Event):
    type: Literal["complaint.resolved"]
    complaint_id: Identifier


class SurveyScores(BaseModel):
    """The nine unsur of the SKM questionnaire (PermenPANRB 14/2017), each answered 1-4."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    u1: Score
    u2: Score
    u3: Score
    u4: Score
    u5: Score
    u6: Score
    u7: Score
    u8: Score
    u9: Score

    def as_tuple(self) -> tuple[int, int, int, int, int, int, int, int, int]:
        """Scores in unsur order U1..U9."""
        return (self.u1, self.u2, self.u3, self.u4, self.u5, self.u6, self.u7, self.u8, self.u9)


class SurveySubmitted(_Event):
    type: Literal["survey.submitted"]
    survey_id: Identifier
    service_code: Identifier
    scores: SurveyScores


class CounterOpened(_Event):
    type: Literal["counter.opened"]
    counter_id: Identifier


class CounterClosed(_Event):
    type: Literal["counter.closed"]
    counter_id: Identifier


Event = Annotated[
    TicketIssued
    | TicketCalled
    | ServiceStarted
    | ServiceCompleted
    | TicketAbandoned
    | ComplaintFiled
    | ComplaintResponded
    | ComplaintResolved
    | SurveySubmitted
    | CounterOpened
    | CounterClosed,
    Field(discriminator="type"),
]

EVENT_TYPES: frozenset[str] = frozenset(
    TICKET_EVENT_TYPES | COMPLAINT_EVENT_TYPES | COUNTER_EVENT_TYPES | {"survey.submitted"}
)
