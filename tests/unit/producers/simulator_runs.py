"""Shared, cached simulator runs and small readers for the test_simulator_* modules.

Runs are cached per options for the whole test session, so each statistic is computed on the same
few seeded runs and the suite stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any

import orjson

from pantau.catalog import load_catalog
from producers.simulator import SimulatedRecord, SimulationOptions, simulate
from producers.simulator.profiles import OfficeProfile, build_profiles

CATALOG = load_catalog()
TICKET_TYPES = ("ticket.issued", "ticket.called", "service.started", "service.completed", "ticket.abandoned")

# Mon 2 - Fri 6 November 2026: an ordinary working week, every office of the catalog.
WEEK = SimulationOptions(offices=len(CATALOG.offices), days=5, seed=7, start=date(2026, 11, 2))
# Mon 21 - Mon 28 December 2026: cuti bersama (24th), Christmas (25th), a weekend with Saturday offices.
CHRISTMAS = SimulationOptions(offices=12, days=8, seed=5, start=date(2026, 12, 21))

Event = dict[str, Any]


@dataclass(frozen=True)
class Run:
    """A finished simulation: its records and their payloads parsed (valid records only)."""

    options: SimulationOptions
    records: tuple[SimulatedRecord, ...]

    @cached_property
    def events(self) -> list[Event]:
        return [orjson.loads(record.payload) for record in self.records if record.valid_expected]

    @cached_property
    def profiles(self) -> dict[str, OfficeProfile]:
        profiles = build_profiles(CATALOG, self.options.seed, self.options.offices)
        return {profile.office.id: profile for profile in profiles}

    @cached_property
    def tickets(self) -> dict[tuple[str, str], dict[str, Event]]:
        """(office_id, ticket_id) -> {event type: event}; every ticket event occurs once per ticket."""
        tickets: dict[tuple[str, str], dict[str, Event]] = defaultdict(dict)
        for event in self.events:
            if event["type"] in TICKET_TYPES:
                tickets[(event["office_id"], event["ticket_id"])][event["type"]] = event
        return dict(tickets)

    def of_type(self, event_type: str) -> list[Event]:
        return [event for event in self.events if event["type"] == event_type]


@lru_cache(maxsize=8)
def run(options: SimulationOptions) -> Run:
    """The simulation for these options, computed once per test session."""
    return Run(options, tuple(simulate(CATALOG, options)))


def at(event: Event) -> datetime:
    """The event's occurred_at as an aware datetime in the office's local offset."""
    return datetime.fromisoformat(event["occurred_at"])


def seconds_between(earlier: Event, later: Event) -> float:
    return (at(later) - at(earlier)).total_seconds()


def wait_s(ticket: dict[str, Event]) -> float:
    """service.started - ticket.issued."""
    return seconds_between(ticket["ticket.issued"], ticket["service.started"])
