"""Event contract v1: typed events and the one validation entry point."""

from pantau.contract.dead_letters import DeadLetter, DeadLetterReason, ReasonCode, dead_letter_message
from pantau.contract.models import (
    ComplaintFiled,
    ComplaintResolved,
    ComplaintResponded,
    CounterClosed,
    CounterOpened,
    Event,
    ServiceCompleted,
    ServiceStarted,
    SurveyScores,
    SurveySubmitted,
    TicketAbandoned,
    TicketCalled,
    TicketIssued,
)
from pantau.contract.validation import EventValidator, KnownCodes

__all__ = [
    "ComplaintFiled",
    "ComplaintResolved",
    "ComplaintResponded",
    "CounterClosed",
    "CounterOpened",
    "DeadLetter",
    "DeadLetterReason",
    "Event",
    "EventValidator",
    "KnownCodes",
    "ReasonCode",
    "ServiceCompleted",
    "ServiceStarted",
    "SurveyScores",
    "SurveySubmitted",
    "TicketAbandoned",
    "TicketCalled",
    "TicketIssued",
    "dead_letter_message",
]
