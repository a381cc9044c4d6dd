"""Session fixtures for the dashboard tests: one seeded week in the run's embedded ClickHouse, and
Chromium for rendering the report (installed by infra/scripts/ensure-chromium.sh when missing)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver.client import Client

from tests.conftest import REPO_ROOT
from tests.dashboards.seeded_week import SeededWeek, build_week


@pytest.fixture(scope="session")
def seeded_week(clickhouse: Client) -> Iterator[SeededWeek]:
    """A simulated week (5 offices, 3 time zones) landed in a database of its own."""
    database = f"dash_{uuid.uuid4().hex[:10]}"
    week = build_week(clickhouse, database)
    yield week
    clickhouse.command(f"DROP DATABASE IF EXISTS {database}")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Path of a headless-capable Chromium; installs Debian's package if missing, fails if it cannot."""
    script = REPO_ROOT / "infra" / "scripts" / "ensure-chromium.sh"
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        pytest.fail(f"Chromium is needed to render the report and could not be installed:\n{result.stderr}")
    return Path(os.environ.get("PANTAU_CHROMIUM", "/usr/bin/chromium"))
