"""Ticket, complaint and survey ids: reproducible for one seed, apart across seeds and run ids (issue #18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import orjson
import pytest

from producers.simulator import SimulationOptions, simulate
from tests.unit.producers.simulator_runs import CATALOG

ID_FIELDS = ("event_id", "ticket_id", "complaint_id", "survey_id")
BASE = SimulationOptions(offices=3, days=2, seed=1, start=date(2026, 11, 2))


def _events(options: SimulationOptions) -> list[dict[str, Any]]:
    return [orjson.loads(record.payload) for record in simulate(CATALOG, options)]


def _ids(events: list[dict[str, Any]], field: str) -> set[tuple[str, str]]:
    """(office_id, id): the key the stored facts have (tickets are keyed by office and ticket id)."""
    return {(event["office_id"], event[field]) for event in events if field in event}


def _without_ids(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in event.items() if key not in ID_FIELDS} for event in events]


def test_another_seed_gives_other_ticket_complaint_and_survey_ids_for_the_same_days() -> None:
    first, other = _events(BASE), _events(replace(BASE, seed=2))
    for field in ID_FIELDS:
        assert _ids(first, field), field
        assert _ids(first, field).isdisjoint(_ids(other, field)), field


def test_the_same_seed_gives_the_same_ids_so_a_resent_run_is_stored_once() -> None:
    assert _events(BASE) == _events(replace(BASE))


def test_a_run_id_keeps_the_events_and_gives_them_ids_of_their_own() -> None:
    first, again = _events(BASE), _events(replace(BASE, run_id="second"))
    assert _without_ids(first) == _without_ids(again)
    for field in ID_FIELDS:
        assert _ids(first, field).isdisjoint(_ids(again, field)), field
    assert next(event["ticket_id"] for event in again if "ticket_id" in event).count("-s1.second-") == 1


def test_overlapping_runs_agree_on_the_days_they_share() -> None:
    """A run starting a day later is the same world: its first day repeats, ids and all, the other's second."""
    later = replace(BASE, start=date(2026, 11, 3), days=1)
    shared = [event for event in _events(BASE) if event["occurred_at"].startswith("2026-11-03")]
    assert _ids(_events(later), "ticket_id") == _ids(shared, "ticket_id")


def test_ids_stay_within_the_contract_for_huge_seeds_and_long_run_ids() -> None:
    options = replace(BASE, offices=1, days=1, seed=10**60, run_id="r" * 32)
    for event in _events(options):
        for field in ID_FIELDS:
            if field in event:
                assert 1 <= len(event[field]) <= 128, event[field]


@pytest.mark.parametrize("run_id", ["a-b", "with space", "x" * 33, "ü"])
def test_a_run_id_that_would_blur_the_ids_is_refused(run_id: str) -> None:
    with pytest.raises(ValueError, match="run id"):
        simulate(CATALOG, replace(BASE, run_id=run_id))
