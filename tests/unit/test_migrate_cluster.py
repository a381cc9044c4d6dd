"""The ON CLUSTER switch of the migrations: DDL rewritten for a replicated cluster, nothing else touched."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pantau.clickhouse.migrate import Migration, apply_migrations, load_migrations, on_cluster
from pantau.errors import MigrationError
from pantau.settings import PantauSettings


class RecordingClient:
    """Stands in for clickhouse-connect's Client: records commands, answers no applied migrations."""

    def __init__(self) -> None:
        self.commands: list[str] = []

    def command(self, statement: str, parameters: dict[str, Any] | None = None) -> None:
        self.commands.append(statement)

    def query(self, statement: str) -> Any:
        return type("Result", (), {"result_rows": []})()


def ddl_of(client: RecordingClient) -> list[str]:
    """The DDL sent: every statement but inserts (data reaches the replicas by replication)."""
    return [statement for statement in client.commands if not statement.startswith("INSERT")]


def migration_statements_of(client: RecordingClient) -> list[str]:
    """Every statement sent but the bookkeeping rows of schema_migrations."""
    return [
        statement
        for statement in client.commands
        if not (statement.startswith("INSERT") and "schema_migrations" in statement)
    ]


def test_create_table_gets_on_cluster_and_a_replicated_engine() -> None:
    sql = (
        "CREATE TABLE IF NOT EXISTS pantau.tickets\n(\n    ticket_id String,\n    _version UInt64\n)\n"
        "ENGINE = ReplacingMergeTree(_version)\nORDER BY ticket_id"
    )

    rewritten = on_cluster(sql, "pantau_cluster")

    assert rewritten.startswith("CREATE TABLE IF NOT EXISTS pantau.tickets ON CLUSTER pantau_cluster\n(")
    assert (
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/pantau/tickets', '{replica}', "
        "_version)\nORDER BY ticket_id" in rewritten
    )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("CREATE DATABASE IF NOT EXISTS pantau", "CREATE DATABASE IF NOT EXISTS pantau ON CLUSTER c"),
        (
            "CREATE TABLE t.m (v UInt64) ENGINE = MergeTree ORDER BY v",
            "CREATE TABLE t.m ON CLUSTER c (v UInt64) ENGINE = ReplicatedMergeTree("
            "'/clickhouse/tables/{shard}/t/m', '{replica}') ORDER BY v",
        ),
        (
            "CREATE TABLE t.r (k String, n AggregateFunction(count)) ENGINE = AggregatingMergeTree() ORDER BY k",
            "CREATE TABLE t.r ON CLUSTER c (k String, n AggregateFunction(count)) ENGINE = "
            "ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/t/r', '{replica}') ORDER BY k",
        ),
        (
            "CREATE MATERIALIZED VIEW IF NOT EXISTS t.mv TO t.r AS SELECT k FROM t.m",
            "CREATE MATERIALIZED VIEW IF NOT EXISTS t.mv ON CLUSTER c TO t.r AS SELECT k FROM t.m",
        ),
        ("ALTER TABLE t.m ADD COLUMN x UInt8 DEFAULT 0", "ALTER TABLE t.m ON CLUSTER c ADD COLUMN x UInt8 DEFAULT 0"),
        ("DROP TABLE IF EXISTS t.old", "DROP TABLE IF EXISTS t.old ON CLUSTER c"),
        ("RENAME TABLE t.a TO t.b", "RENAME TABLE t.a TO t.b ON CLUSTER c"),
        (
            "INSERT INTO t.r SELECT k, countState() FROM t.m GROUP BY k",
            "INSERT INTO t.r SELECT k, countState() FROM t.m GROUP BY k",
        ),
        (
            "CREATE TABLE t.n ON CLUSTER other (v UInt8) ENGINE = Memory",
            "CREATE TABLE t.n ON CLUSTER other (v UInt8) ENGINE = Memory",
        ),
        ("CREATE TABLE t.mem (v UInt8) ENGINE = Memory", "CREATE TABLE t.mem ON CLUSTER c (v UInt8) ENGINE = Memory"),
    ],
)
def test_each_kind_of_statement(statement: str, expected: str) -> None:
    assert on_cluster(statement, "c") == expected


def test_every_shipped_statement_runs_on_the_cluster_with_replicated_engines() -> None:
    client = RecordingClient()

    report = apply_migrations(client, "pantau", cluster="pantau_cluster")  # type: ignore[arg-type]

    assert report.applied == [f"{m.version:04d}_{m.name}" for m in load_migrations()]
    ddl = ddl_of(client)
    assert len(ddl) > 10
    for statement in ddl:
        assert " ON CLUSTER pantau_cluster" in statement, statement
        for engine in re.findall(r"ENGINE\s*=\s*(\w+)", statement):
            assert engine.startswith("Replicated"), statement
    # the bookkeeping table is replicated too, so every replica knows what was applied
    assert "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/pantau/schema_migrations'" in ddl[1]


def test_without_a_cluster_the_statements_run_exactly_as_written() -> None:
    client = RecordingClient()

    apply_migrations(client, "pantau")  # type: ignore[arg-type]

    written = [statement for migration in load_migrations() for statement in migration.statements("pantau")]
    assert migration_statements_of(client)[2:] == written
    assert not any("ON CLUSTER" in statement or "Replicated" in statement for statement in client.commands)


def test_checksums_do_not_depend_on_the_cluster() -> None:
    """The same files are recorded whether a database was migrated on a cluster or not."""
    migration = Migration(9, "x", "CREATE TABLE IF NOT EXISTS {database}.x (v UInt8) ENGINE = MergeTree ORDER BY v")
    clustered, single = RecordingClient(), RecordingClient()

    apply_migrations(clustered, "db", [migration], cluster="c")  # type: ignore[arg-type]
    apply_migrations(single, "db", [migration])  # type: ignore[arg-type]

    assert clustered.commands[-1] == single.commands[-1]  # the INSERT into schema_migrations


def test_a_cluster_name_that_is_not_an_identifier_is_refused() -> None:
    with pytest.raises(MigrationError, match="PANTAU_CLICKHOUSE_CLUSTER"):
        apply_migrations(RecordingClient(), "pantau", cluster="c; DROP DATABASE pantau")  # type: ignore[arg-type]


def test_the_setting_reads_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_CLICKHOUSE_CLUSTER", "pantau_cluster")

    assert PantauSettings().clickhouse_cluster == "pantau_cluster"
    assert PantauSettings(clickhouse_cluster=None).clickhouse_cluster is None
