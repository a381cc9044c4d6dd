"""`pantau report`'s first-day paths through the real CLI: no data, unknown region, period kinds, file kinds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from dashboards.report.period import PeriodError
from pantau.cli import app


def _report(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["report", *args], env=env)
    return result.exit_code, result.output + str(result.exception or "")


def _pantau(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PANTAU_CLICKHOUSE_URL": f"chdb://{tmp_path / 'store'}"}
    return subprocess.run([sys.executable, "-m", "pantau", *args], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env=env, check=False)


def test_an_empty_store_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    """No schema yet (nothing ran `pantau up`), then a schema with no rows for the period: a message each."""
    for step, expected in enumerate(("no Pantau data here", "no tickets or IKM for Triwulan IV 2026")):
        if step == 1:
            assert _pantau(tmp_path, "migrate").returncode == 0
        done = _pantau(tmp_path, "report", "--period", "2026-Q4", "--out", str(tmp_path / "r.html"))
        assert done.returncode != 0
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 3, done.stderr
        assert expected in done.stderr and "pantau up" in done.stderr and str(tmp_path) in done.stderr, done.stderr
        assert not (tmp_path / "r.html").exists()


def test_an_unknown_region_lists_the_known_ones(tmp_path: Path) -> None:
    code, output = _report("--period", "2026-10", "--region", "Atlantis", "--out", str(tmp_path / "r.html"))
    assert code != 0 and "'Atlantis' is not a province" in output
    assert "DKI Jakarta" in output and "Bali" in output
    assert not (tmp_path / "r.html").exists()


def test_a_kind_contradicting_the_period_is_refused(tmp_path: Path) -> None:
    code, output = _report("--period", "2026-Q4", "--kind", "month", "--out", str(tmp_path / "r.html"))
    assert code != 0 and "names a quarter" in output


def test_other_file_kinds_are_refused_and_a_pdf_without_chromium_names_the_install(tmp_path: Path) -> None:
    code, output = _report("--period", "2026-Q4", "--out", str(tmp_path / "r.docx"))
    assert code != 0 and ".html" in output and ".pdf" in output
    missing = str(tmp_path / "no-chromium")
    code, output = _report("--period", "2026-Q4", "--out", str(tmp_path / "r.pdf"), env={"PANTAU_CHROMIUM": missing})
    assert code != 0 and "apt-get install chromium" in output and missing in output
    assert not isinstance(CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--out", "x.txt"]).exception,
                          PeriodError)  # 2026-Q4 alone parses (the kind follows from it); only the suffix is refused
