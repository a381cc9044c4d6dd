"""Building blocks of the alerting tests: typed contract events, local times, a schedule, an engine."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alerting.config import load_rules, parse_rules
from alerting.engine import AlertEngine
from alerting.oncall import OnCallSchedule, parse_schedule
from pantau.catalog import load_catalog
from pantau.contract import Event, EventValidator

CATALOG = load_catalog()
WIB = ZoneInfo("Asia/Jakarta")
BAD = "MPP-JKT-01"  # Mon-Thu 08:00-16:00 WIB, KTP target 30 min
HEALTHY = "MPP-BDG-01"  # 08:00-16:00 WIB, region Jawa Barat
_ids = itertools.count()


def wib(day: int, hhmm: str, month: int = 11) -> datetime:
    """A WIB instant in November 2026 (2 Nov 2026 is a Monday and no holiday)."""
    hour, minute = hhmm.split(":")[:2]
    second = int(hhmm.split(":")[2]) if hhmm.count(":") == 2 else 0
    return datetime(2026, month, day, int(hour), int(minute), second, tzinfo=WIB)


def raw(kind: str, office: str, at: datetime, **fields: Any) -> dict[str, Any]:
    """A contract-v1 event as offices send it."""
    return {
        "event_id": f"e{next(_ids)}",
        "type": kind,
        "office_id": office,
        "occurred_at": at.isoformat(),
        "v": 1,
        **fields,
    }


def event(kind: str, office: str, at: datetime, **fields: Any) -> Event:
    """The same, validated into its typed model."""
    result = EventValidator(CATALOG).validate(raw(kind, office, at, **fields))
    assert not hasattr(result, "reason"), result
    return result


SCHEDULE_DOC: dict[str, Any] = {
    "levels": ["supervisor", "kepala_kantor", "kepala_dinas"],
    "contacts": {
        "budi": {"name": "Budi", "telegram_chat_id": "1001"},
        "sari": {"name": "Sari", "telegram_chat_id": "1002"},
        "andi": {"name": "Andi", "telegram_chat_id": "1003"},
        "rina": {"name": "Rina", "email": "rina@example.go.id"},
        "hendra": {"name": "Hendra", "email": "hendra@example.go.id"},
        "piket": {"name": "Piket Jabar", "telegram_chat_id": "-1009"},
    },
    "schedules": [
        {
            "level": "supervisor",
            "office": BAD,
            "rotation": {"start": "2026-11-02T07:00", "every_days": 7, "members": ["budi", "sari"]},
            "overrides": [{"start": "2026-11-10T07:00", "end": "2026-11-12T07:00", "contacts": ["andi"]}],
        },
        {"level": "kepala_kantor", "office": BAD, "contacts": ["rina"]},
        {"level": "kepala_dinas", "region": "DKI Jakarta", "contacts": ["hendra"]},
        {"level": "supervisor", "region": "Jawa Barat", "contacts": ["piket"]},
    ],
}


def schedule() -> OnCallSchedule:
    return parse_schedule(SCHEDULE_DOC, catalog=CATALOG)


def engine(overrides: list[dict[str, Any]] | None = None) -> AlertEngine:
    """An engine on the shipped catalog and rules (plus overrides) and the test schedule."""
    rules = load_rules(catalog=CATALOG)
    if overrides:
        import yaml

        from alerting.config import default_rules_path

        document = yaml.safe_load(default_rules_path().read_text())
        document["overrides"] = overrides
        rules = parse_rules(document, catalog=CATALOG)
    return AlertEngine(CATALOG, rules, schedule(), "https://grafana.example.go.id")
