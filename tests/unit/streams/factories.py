"""Builders for contract events, a small catalog and the migration's column lists, shared by the stream tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

from pydantic import TypeAdapter

from pantau.catalog import Catalog
from pantau.contract.models import Event

WIB = timezone(timedelta(hours=7))
OFFICE = "MPP-JKT-01"
BASE = datetime(2026, 11, 2, 8, 0, tzinfo=WIB)  # a Monday, 08:00 WIB

_EVENTS: TypeAdapter[Event] = TypeAdapter(Event)

CATALOG = Catalog.model_validate(
    {
        "services": [
            {"code": "KTP", "name": "KTP-el", "target_wait_min": 30, "target_service_min": 15, "target_within": 0.9},
            {
                "code": "KK",
                "name": "Kartu Keluarga",
                "target_wait_min": 20,
                "target_service_min": 10,
                "target_within": 0.8,
            },
        ],
        "offices": [
            {
                "id": OFFICE,
                "name": "MPP Jakarta",
                "region": "DKI Jakarta",
                "district": "Jakarta Selatan",
                "timezone": "Asia/Jakarta",
                "services": ["KTP", "KK"],
                "hours": {"mon": "08:00-15:00", "tue": "08:00-15:00", "fri": "08:00-13:00"},
            }
        ],
    }
)


def at(minutes: float) -> datetime:
    """BASE plus some minutes."""
    return BASE + timedelta(minutes=minutes)


def event(kind: str, event_id: str, when: datetime, office_id: str = OFFICE, **fields: Any) -> Any:
    """A validated contract event, built the way the stream receives it (RFC 3339 text)."""
    body = {"type": kind, "event_id": event_id, "office_id": office_id, "occurred_at": when.isoformat(), "v": 1}
    body.update(fields)
    return _EVENTS.validate_python(body)


def issued(ticket: str, minutes: float, service: str = "KTP", **fields: Any) -> Any:
    return event("ticket.issued", f"{ticket}-i", at(minutes), ticket_id=ticket, service_code=service, **fields)


def called(ticket: str, minutes: float, counter: str = "L1", suffix: str = "") -> Any:
    return event("ticket.called", f"{ticket}-c{suffix}", at(minutes), ticket_id=ticket, counter_id=counter)


def started(ticket: str, minutes: float, counter: str = "L1", **fields: Any) -> Any:
    return event("service.started", f"{ticket}-s", at(minutes), ticket_id=ticket, counter_id=counter, **fields)


def completed(ticket: str, minutes: float, outcome: str = "served", suffix: str = "") -> Any:
    return event("service.completed", f"{ticket}-e{suffix}", at(minutes), ticket_id=ticket, outcome=outcome)


def abandoned(ticket: str, minutes: float, reason: str | None = "left") -> Any:
    fields = {"reason": reason} if reason else {}
    return event("ticket.abandoned", f"{ticket}-a", at(minutes), ticket_id=ticket, **fields)


def table_columns(table: str) -> list[str]:
    """Column names of a table in the shipped migrations, without `_version`."""
    migrations = resources.files("pantau.clickhouse").joinpath("migrations")
    for migration in sorted(migrations.iterdir(), key=lambda path: path.name):
        if not migration.name.endswith(".sql"):
            continue
        sql = migration.read_text(encoding="utf-8")
        match = re.search(rf"CREATE TABLE IF NOT EXISTS \{{database\}}\.{table}\s*\((.*?)\n\)", sql, re.S)
        if match:
            names = []
            for line in match.group(1).splitlines():
                line = line.strip()
                if not line or line.startswith(("--", "INDEX")):
                    continue
                names += re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)\s+[A-Z]", line)
            return [name for name in names if name != "_version"]
    raise LookupError(f"no table {table} in the migrations")
