"""On-call schedule: rotations, overrides, office over region, and schedule errors."""

from __future__ import annotations

import copy

import pytest

from alerting.errors import OnCallScheduleError
from alerting.oncall import parse_schedule
from tests.unit.alerting.factories import BAD, CATALOG, HEALTHY, SCHEDULE_DOC, schedule, wib


def names(office_id: str, level: int, day: int, hhmm: str) -> list[str]:
    return [c.id for c in schedule().on_call(CATALOG.office(office_id), level, wib(day, hhmm))]


def test_weekly_rotation_hands_over_at_local_start_time() -> None:
    assert names(BAD, 0, 2, "08:00") == ["budi"]
    assert names(BAD, 0, 9, "06:59") == ["budi"]
    assert names(BAD, 0, 9, "07:00") == ["sari"]
    assert names(BAD, 0, 16, "07:00") == ["budi"]


def test_override_replaces_the_rotation_for_its_span() -> None:
    assert names(BAD, 0, 10, "07:00") == ["andi"]
    assert names(BAD, 0, 12, "07:00") == ["sari"]


def test_office_entry_and_region_fallback() -> None:
    assert names(BAD, 1, 2, "09:00") == ["rina"]
    assert names(BAD, 2, 2, "09:00") == ["hendra"]  # region DKI Jakarta
    assert names(HEALTHY, 0, 2, "09:00") == ["piket"]  # region Jawa Barat
    assert names(HEALTHY, 1, 2, "09:00") == []
    assert names(BAD, 3, 2, "09:00") == []  # beyond the last level


def test_unknown_contact_and_unknown_office_are_named() -> None:
    document = copy.deepcopy(SCHEDULE_DOC)
    document["schedules"][1]["contacts"] = ["nobody"]
    with pytest.raises(OnCallScheduleError, match="unknown contact 'nobody'"):
        parse_schedule(document, "oncall.yaml")
    document = copy.deepcopy(SCHEDULE_DOC)
    document["schedules"][1]["office"] = "MPP-XXX"
    with pytest.raises(OnCallScheduleError, match="office 'MPP-XXX' is not in the catalog"):
        parse_schedule(document, "oncall.yaml", CATALOG)


def test_the_shipped_example_loads_against_the_catalog() -> None:
    from pathlib import Path

    import alerting
    from alerting.oncall import load_schedule

    example = load_schedule(Path(alerting.__file__).with_name("oncall.example.yaml"), CATALOG)
    assert example.levels == ("supervisor", "kepala_kantor", "kepala_dinas")
    assert [c.id for c in example.on_call(CATALOG.office(BAD), 0, wib(10, "09:00"))] == ["andi"]
