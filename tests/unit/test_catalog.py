"""Catalog loading: the shipped catalog is realistic; errors name the file and the entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pantau.catalog import Catalog, load_catalog
from pantau.errors import CatalogError

SERVICE = {"code": "KTP", "name": "KTP-el", "target_wait_min": 30, "target_service_min": 15, "target_within": 0.9}
OFFICE = {
    "id": "MPP-JKT-01",
    "name": "MPP Jakarta",
    "region": "DKI Jakarta",
    "district": "Jakarta Selatan",
    "timezone": "Asia/Jakarta",
    "services": ["KTP"],
    "hours": {"mon": "08:00-15:00", "fri": "08:00-13:00"},
}


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(document) if not isinstance(document, str) else document)
    return path


def test_the_shipped_catalog_covers_three_time_zones_and_six_service_types() -> None:
    catalog = load_catalog()
    assert len(catalog.offices) >= 12
    assert {office.timezone for office in catalog.offices} == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
    assert {"KTP", "KK", "AKTA_LAHIR", "PASPOR", "SAMSAT", "OSS"} <= set(catalog.services_by_code)
    for office in catalog.offices:
        assert 20 <= office.weekly_open_hours() <= 50, office.id
    for service in catalog.services:
        assert 0 < service.target_within <= 1
        assert 5 <= service.target_wait_min <= 120


def test_a_minimal_catalog_loads_with_lookups(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, {"services": [SERVICE], "offices": [OFFICE]}))
    assert isinstance(catalog, Catalog)
    assert catalog.has_office("MPP-JKT-01") and not catalog.has_office("X")
    assert catalog.service("KTP").target_wait_s == 1800
    office = catalog.office("MPP-JKT-01")
    from datetime import date, time

    assert office.opening_hours(date(2026, 11, 6)).closes == time(13, 0)  # a Friday
    assert office.opening_hours(date(2026, 11, 7)) is None  # Saturday: closed


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"timezone": "Asia/Atlantis"}, "offices[0] (id=MPP-JKT-01): timezone"),
        ({"hours": {"mon": "15:00-08:00"}}, "offices[0] (id=MPP-JKT-01): hours"),
        ({"hours": {"monday": "08:00-15:00"}}, "unknown weekday 'monday'"),
        ({"hours": {"mon": "8-15"}}, "is not HH:MM-HH:MM"),
        ({"services": ["SIHIR"]}, "offices[0] (id=MPP-JKT-01): services: 'SIHIR' is not a service code"),
        ({"region": None}, "offices[0] (id=MPP-JKT-01): region"),
        ({"color": "blue"}, "offices[0] (id=MPP-JKT-01): color"),
    ],
)
def test_a_bad_office_entry_is_named_with_the_file(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    path = write(tmp_path, {"services": [SERVICE], "offices": [{**OFFICE, **change}]})
    with pytest.raises(CatalogError) as error:
        load_catalog(path)
    assert str(error.value).startswith(str(path))
    assert expected in str(error.value)


def test_a_bad_service_entry_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, {"services": [{**SERVICE, "target_within": 1.5}], "offices": [OFFICE]})
    with pytest.raises(CatalogError, match=r"services\[0\] \(code=KTP\): target_within"):
        load_catalog(path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, {"services": [SERVICE], "offices": [OFFICE, OFFICE]})
    with pytest.raises(CatalogError, match="'MPP-JKT-01' appears 2 times"):
        load_catalog(path)


def test_missing_file_and_invalid_yaml_say_which_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog file not found"):
        load_catalog(tmp_path / "nope.yaml")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(write(tmp_path, "services: [unclosed"))
    with pytest.raises(CatalogError, match="expected a mapping"):
        load_catalog(write(tmp_path, "- just a list"))
