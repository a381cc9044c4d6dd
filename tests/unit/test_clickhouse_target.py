"""PANTAU_CLICKHOUSE_URL parsing: embedded paths resolve as written; passwords never leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.clickhouse import EmbeddedTarget, ServerTarget, parse_clickhouse_url
from pantau.errors import ConfigurationError


def test_the_default_relative_chdb_path_resolves_from_the_working_directory(tmp_path: Path) -> None:
    target = parse_clickhouse_url("chdb://./.pantau/clickhouse", base_dir=tmp_path)
    assert target == EmbeddedTarget(path=tmp_path / ".pantau" / "clickhouse", database="pantau")


def test_an_absolute_chdb_path() -> None:
    assert parse_clickhouse_url("chdb:///var/lib/pantau").path == Path("/var/lib/pantau")  # type: ignore[union-attr]


def test_a_server_url_with_credentials_and_database() -> None:
    target = parse_clickhouse_url("https://writer:s%40cret@ch.example.go.id:9443/monitoring")
    assert target == ServerTarget(
        host="ch.example.go.id", port=9443, secure=True, username="writer", password="s@cret", database="monitoring"
    )
    assert "s@cret" not in target.describe() and "s@cret" not in repr(target)


def test_server_defaults() -> None:
    target = parse_clickhouse_url("http://localhost")
    assert isinstance(target, ServerTarget)
    assert (target.port, target.username, target.database, target.secure) == (8123, "default", "pantau", False)


@pytest.mark.parametrize("url", ["chdb://", "postgres://x/y", "localhost:8123", "http:///db"])
def test_unusable_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_clickhouse_url(url)
