"""Copy the catalog into the `offices` and `services` dimension tables, only where something changed."""

from __future__ import annotations

import json
import time
from typing import Any

from clickhouse_connect.driver.client import Client

from pantau.catalog import Catalog

_OFFICE_COLUMNS = ["office_id", "name", "region", "district", "timezone", "services", "hours_json"]
_SERVICE_COLUMNS = [
    "service_code",
    "name",
    "target_wait_s",
    "target_service_s",
    "target_within",
    "completion_working_days",
]


def sync_catalog(client: Client, database: str, catalog: Catalog) -> int:
    """Insert rows for new or changed offices and services; returns how many rows were written.

    Unchanged rows are not rewritten, so running it twice changes nothing. Offices removed from the
    catalog stay in the table: their history still needs a region and a name.
    """
    offices = [
        [o.id, o.name, o.region, o.district, o.timezone, list(o.services), json.dumps(o.hours, sort_keys=True)]
        for o in catalog.offices
    ]
    services = [
        [s.code, s.name, s.target_wait_s, s.target_service_min * 60.0, s.target_within, s.completion_working_days]
        for s in catalog.services
    ]
    return _upsert(client, f"{database}.offices", _OFFICE_COLUMNS, offices) + _upsert(
        client, f"{database}.services", _SERVICE_COLUMNS, services
    )


def _upsert(client: Client, table: str, columns: list[str], rows: list[list[Any]]) -> int:
    existing = {
        _fingerprint(list(row)) for row in client.query(f"SELECT {', '.join(columns)} FROM {table} FINAL").result_rows
    }
    changed = [row for row in rows if _fingerprint(row) not in existing]
    if changed:
        version = time.time_ns()  # newer than any earlier sync, so it wins under FINAL
        client.insert(table, [[*row, version] for row in changed], column_names=[*columns, "_version"])
    return len(changed)


def _fingerprint(row: list[Any]) -> str:
    normalised = [list(value) if isinstance(value, list | tuple) else value for value in row]
    normalised = [round(value, 9) if isinstance(value, float) else value for value in normalised]
    return json.dumps(normalised, sort_keys=True, default=str)
