"""Regenerate docs/img/report-2026-11.png: a simulated November 2026 through `pantau report` and Chromium.

    .venv/bin/python -m tests.dashboards.report_screenshot [--workdir /tmp/pantau-report]

Ten offices in WIB, WITA and WIT are simulated from 26 October to 30 November (so the report must
leave October's IKM out), landed in an embedded ClickHouse of their own as in the dashboard tests,
and `pantau report --period 2026-11` is run on it like a user would; headless Chromium then takes
a full-width screenshot of the top of the page. The HTML is kept beside it in the work directory.
"""

from __future__ import annotations

import argparse
import subprocess
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from pantau.cli import app
from pantau.clickhouse import EmbeddedTarget, clickhouse_session
from tests.conftest import REPO_ROOT
from tests.dashboards.seeded_week import build_week
from tests.dashboards.test_report import CHROMIUM_FLAGS

OFFICES = (
    "MPP-JKT-01",
    "DUKCAPIL-JKT-TIM",
    "SAMSAT-JKT-BAR",
    "MPP-BDG-01",
    "DPMPTSP-SMG",
    "MPP-SBY-01",
    "MPP-DPS-01",
    "DUKCAPIL-MKS",
    "MPP-JYP-01",
    "DUKCAPIL-AMB",
)
SHOT = REPO_ROOT / "docs" / "img" / "report-2026-11.png"


def main() -> None:
    """Simulate, report, screenshot; prints where each file went."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pantau-report-2026-11"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--height", type=int, default=3200)
    args = parser.parse_args()
    data_dir = args.workdir / "clickhouse"
    if not data_dir.exists():
        with clickhouse_session(EmbeddedTarget(path=data_dir)) as client:
            build_week(client, "pantau", OFFICES, start=date(2026, 10, 26), days=36, seed=202611)
    page = args.workdir / "evaluasi-2026-11.html"
    result = CliRunner().invoke(
        app, ["report", "--period", "2026-11", "--out", str(page), "--clickhouse-url", f"chdb://{data_dir}"]
    )
    if result.exit_code != 0:
        raise SystemExit(f"pantau report failed: {result.output}{result.exception!r}")
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            args.chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={args.workdir / 'profile'}",
            f"--screenshot={SHOT}",
            f"--window-size=1200,{args.height}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    print(f"report {page}\nscreenshot {SHOT}")


if __name__ == "__main__":
    main()
