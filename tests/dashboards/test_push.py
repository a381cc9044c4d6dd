"""`pantau dashboards push` against a Grafana stand-in on loopback: idempotent, clear errors."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dashboards.build import all_dashboards
from dashboards.push import GrafanaPushError, push_dashboards
from pantau.cli import app
from tests.conftest import free_port
from tests.dashboards.fake_grafana import fake_grafana

TOKEN = "glsa_test_token_0123456789"


def test_push_twice_keeps_uids_and_bumps_versions() -> None:
    documents = list(all_dashboards().values())
    with fake_grafana(TOKEN) as (url, state):
        first = push_dashboards(url, TOKEN, documents, "Pantau")
        second = push_dashboards(url, TOKEN, documents, "Pantau")
    assert [r.uid for r in first] == [r.uid for r in second] == [d["uid"] for d in documents]
    assert {r.version for r in first} == {1} and {r.version for r in second} == {2}
    assert state.folders == {"pantau": "Pantau"}
    assert sorted(state.dashboards) == sorted(d["uid"] for d in documents)
    stored = state.dashboards["pantau-regional"]
    assert stored["title"] == "Ringkasan Regional" and "id" not in stored
    assert sum(1 for method, path in state.requests if path == "/api/folders") == 1  # folder created once


def test_wrong_token_says_so() -> None:
    with fake_grafana(TOKEN) as (url, _), pytest.raises(GrafanaPushError, match="refused the token"):
        push_dashboards(url, "wrong", list(all_dashboards().values()), "Pantau")


def test_unreachable_grafana_says_so() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(GrafanaPushError, match="cannot reach Grafana"):
        push_dashboards(url, TOKEN, list(all_dashboards().values()), "Pantau", timeout_s=2.0)


def test_cli_push_prints_one_line_per_dashboard_and_fails_cleanly() -> None:
    runner = CliRunner()
    with fake_grafana(TOKEN) as (url, state):
        ok = runner.invoke(app, ["dashboards", "push", "--url", url, "--token", TOKEN, "--lang", "en"])
        assert ok.exit_code == 0, ok.output
        assert ok.output.count("version 1") == 5
        assert state.dashboards["pantau-regional"]["title"] == "Regional Overview"
        bad = runner.invoke(app, ["dashboards", "push", "--url", url, "--token", "nope"])
    assert bad.exit_code != 0 and isinstance(bad.exception, GrafanaPushError)
