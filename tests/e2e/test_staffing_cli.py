"""`pantau staffing` fills `staffing` from a replayed fortnight, through a running `pantau up` and without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import CliPipeline, wait_until

pytestmark = pytest.mark.e2e


def test_a_replayed_fortnight_gives_a_counter_plan_per_weekday_and_hour(kafka_bootstrap: str, tmp_path: Path) -> None:
    pipeline = CliPipeline(kafka_bootstrap, tmp_path)
    fortnight = tmp_path / "fortnight.jsonl"
    simulated = pipeline.run(
        "simulate", "--offices", "1", "--days", "8", "--start", "2026-11-02", "--seed", "5", "--out", str(fortnight)
    )
    assert simulated.returncode == 0, simulated.stderr
    pipeline.start("up", "--no-alerts")
    try:
        ready = "pantau sql works while this runs"
        wait_until(lambda: pipeline.assert_running() or ready in " ".join(pipeline.log("up").split()), 180, "up")
        replay = pipeline.run("replay", str(fortnight), "--wait", "--timeout", "200", timeout_s=260)
        assert replay.returncode == 0, replay.stderr[-2000:]

        through_up = pipeline.run("staffing", "--weeks", "2")  # the store is held: `up` runs the refresh
        assert through_up.returncode == 0, through_up.stderr
        assert "staffing: " in through_up.stdout and "cells from the last 2 weeks" in through_up.stdout
        cells = pipeline.sql(
            "SELECT weekday, hour, arrivals_per_hour, mean_service_s, counters_open, counters_needed, "
            "service_level_needed, weeks FROM pantau.staffing FINAL WHERE office_id = 'MPP-JKT-01'"
        )
    finally:
        pipeline.stop_all()

    assert len(cells) > 20
    assert {int(cell["weekday"]) for cell in cells} <= set(range(1, 8)) and {int(c["weeks"]) for c in cells} == {2}
    assert all(7 <= int(cell["hour"]) <= 17 for cell in cells), "local office hours, not UTC"
    busy = [cell for cell in cells if float(cell["arrivals_per_hour"]) >= 1]
    assert busy and all(int(cell["counters_needed"]) >= 1 for cell in busy)
    assert all(float(cell["service_level_needed"]) >= 0.8 for cell in busy), "the advice meets the services' targets"

    alone = pipeline.run("staffing", "--weeks", "1")  # nobody holds the store now: it opens it itself
    assert alone.returncode == 0, alone.stderr
    assert "cells from the last 1 weeks" in alone.stdout
    weeks = pipeline.sql("SELECT DISTINCT weeks FROM pantau.staffing FINAL WHERE office_id = 'MPP-JKT-01'")
    assert {int(row["weeks"]) for row in weeks} == {1}
