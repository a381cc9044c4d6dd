"""`pantau dashboards build` writes dashboards and provisioning; the compose files are its output."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from pantau.cli import app
from tests.conftest import REPO_ROOT


def test_build_writes_dashboards_and_provisioning(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dashboards", "build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "dashboards").glob("*.json"))
    assert files == [
        "pantau-complaints.json",
        "pantau-ikm.json",
        "pantau-office.json",
        "pantau-pipeline.json",
        "pantau-regional.json",
    ]
    datasource = yaml.safe_load((tmp_path / "provisioning/datasources/clickhouse.yaml").read_text())
    entry = datasource["datasources"][0]
    assert entry["type"] == "grafana-clickhouse-datasource" and entry["uid"] == "pantau-clickhouse"
    assert entry["jsonData"]["username"] == "pantau_reader"  # the read-only user of clickhouse/users.xml
    assert entry["secureJsonData"]["password"] == "$CLICKHOUSE_READER_PASSWORD"
    provider = yaml.safe_load((tmp_path / "provisioning/dashboards/pantau.yaml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    for path in (tmp_path / "dashboards").glob("*.json"):
        assert json.loads(path.read_text())["uid"] == path.stem


def test_compose_provisioning_is_the_generated_output(tmp_path: Path) -> None:
    """infra/compose/grafana must be regenerated (`pantau dashboards build`) when dashboards/ changes."""
    CliRunner().invoke(app, ["dashboards", "build", "--out", str(tmp_path)])
    committed = REPO_ROOT / "infra" / "compose" / "grafana"
    for generated in sorted(tmp_path.rglob("*.*")):
        relative = generated.relative_to(tmp_path)
        assert (committed / relative).read_text() == generated.read_text(), f"{relative} is stale: run the build"
    compose = yaml.safe_load((REPO_ROOT / "infra/compose/docker-compose.yml").read_text())
    volumes = compose["services"]["grafana"]["volumes"]
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in volumes
    assert "./grafana/dashboards:/var/lib/grafana/dashboards:ro" in volumes
