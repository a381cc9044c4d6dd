"""Versioned schema migrations, applied in order, exactly once each.

Files are `migrations/NNNN_name.sql` with `{database}` in place of the database name (so tests can
use a fresh database and a cluster can use its own). Applied versions and their checksums are
recorded in `schema_migrations`; a changed file that was already applied is an error, because
silently diverging schemas are worse than a failed deploy.

On a ClickHouse cluster (`cluster` set, from PANTAU_CLICKHOUSE_CLUSTER) every DDL statement runs
`ON CLUSTER <name>` and every *MergeTree engine becomes its Replicated* twin, so one `pantau migrate`
creates the same schema on every replica. The files stay engine-neutral and their checksums are the
same either way; with no cluster (the embedded engine, a single server) statements run as written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources

from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError

from pantau.errors import MigrationError

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The object a DDL statement names, after which ClickHouse expects `ON CLUSTER`.
_DDL_HEAD = re.compile(
    r"^(?P<head>(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:DATABASE|TABLE|(?:MATERIALIZED\s+)?VIEW|DICTIONARY)"
    r"(?:\s+IF\s+NOT\s+EXISTS)?"
    r"|ALTER\s+TABLE|TRUNCATE\s+TABLE(?:\s+IF\s+EXISTS)?"
    r"|DROP\s+(?:DATABASE|TABLE|VIEW|DICTIONARY)(?:\s+IF\s+EXISTS)?)\s+)"
    r"(?P<name>[A-Za-z_][\w.]*)",
    re.IGNORECASE,
)
_RENAME = re.compile(r"^RENAME\s+TABLE\s", re.IGNORECASE)
_ENGINE = re.compile(r"ENGINE\s*=\s*(?P<kind>[A-Za-z]*)MergeTree\b(?:\s*\((?P<args>[^()]*)\))?")


@dataclass(frozen=True)
class Migration:
    """One versioned SQL file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def statements(self, database: str) -> list[str]:
        """The file's statements with the database name filled in, comments removed."""
        lines = [line for line in self.sql.splitlines() if not line.strip().startswith("--")]
        text = "\n".join(lines).replace("{database}", database)
        return [statement.strip() for statement in text.split(";") if statement.strip()]


@dataclass
class MigrationReport:
    """What a run did: versions applied now and versions found already applied."""

    applied: list[str] = field(default_factory=list)
    already_applied: list[str] = field(default_factory=list)


def load_migrations() -> list[Migration]:
    """All migrations shipped with Pantau, in version order."""
    folder = resources.files("pantau.clickhouse").joinpath("migrations")
    migrations = []
    for entry in folder.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            migrations.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a version number: {versions}")
    return migrations


def on_cluster(statement: str, cluster: str) -> str:
    """`statement` as it must run on every replica of `cluster`: DDL gets `ON CLUSTER`, engines replicate.

    Statements that are not DDL (INSERT, SELECT) are returned unchanged: on a replicated table an
    insert on one replica reaches the others by replication, not by being run everywhere.
    """
    if re.search(r"\bON\s+CLUSTER\b", statement, re.IGNORECASE):
        return statement
    if _RENAME.match(statement):
        return f"{statement} ON CLUSTER {cluster}"
    head = _DDL_HEAD.match(statement)
    if head is None:
        return statement
    name = head.group("name")
    rewritten = f"{head.group('head')}{name} ON CLUSTER {cluster}{statement[head.end() :]}"
    return _ENGINE.sub(lambda engine: _replicated(engine, name), rewritten)


def _replicated(engine: re.Match[str], table: str) -> str:
    """The Replicated* form of one engine clause; the ZooKeeper/Keeper path is unique per table."""
    kind = engine.group("kind")
    if kind.startswith("Replicated"):
        return engine.group(0)
    path = f"'/clickhouse/tables/{{shard}}/{table.replace('.', '/')}'"
    args = [path, "'{replica}'"]
    if engine.group("args") and engine.group("args").strip():
        args.append(engine.group("args").strip())
    return f"ENGINE = Replicated{kind}MergeTree({', '.join(args)})"


def apply_migrations(
    client: Client, database: str, migrations: list[Migration] | None = None, cluster: str | None = None
) -> MigrationReport:
    """Apply every migration not yet recorded in `{database}.schema_migrations`; idempotent.

    `migrations` defaults to the shipped files; passing a list lets a test present an edited file.
    `cluster` (PANTAU_CLICKHOUSE_CLUSTER) runs every DDL statement ON CLUSTER with Replicated engines;
    None, for the embedded engine or a single server, runs the files as written.
    """
    if not _DATABASE_NAME.match(database):
        raise MigrationError(f"{database!r} is not a valid database name")
    if cluster is not None and not _DATABASE_NAME.match(cluster):
        raise MigrationError(f"{cluster!r} is not a valid cluster name (set PANTAU_CLICKHOUSE_CLUSTER to one)")

    def run(statement: str, label: str) -> None:
        _run(client, statement if cluster is None else on_cluster(statement, cluster), label)

    run(f"CREATE DATABASE IF NOT EXISTS {database}", "create database")
    run(
        f"CREATE TABLE IF NOT EXISTS {database}.schema_migrations "
        "(version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC')) "
        "ENGINE = ReplacingMergeTree ORDER BY version",
        "create schema_migrations",
    )
    recorded = {
        int(row[0]): (str(row[1]), str(row[2]))
        for row in client.query(f"SELECT version, name, checksum FROM {database}.schema_migrations FINAL").result_rows
    }
    report = MigrationReport()
    for migration in migrations if migrations is not None else load_migrations():
        label = f"{migration.version:04d}_{migration.name}"
        if migration.version in recorded:
            if recorded[migration.version][1] != migration.checksum:
                raise MigrationError(
                    f"migration {label} was changed after it was applied to {database}; "
                    "add a new migration file instead of editing an applied one"
                )
            report.already_applied.append(label)
            continue
        for statement in migration.statements(database):
            run(statement, label)
        client.command(
            f"INSERT INTO {database}.schema_migrations (version, name, checksum, applied_at) "
            "VALUES ({version:UInt32}, {name:String}, {checksum:String}, now64(3))",
            parameters={"version": migration.version, "name": migration.name, "checksum": migration.checksum},
        )
        report.applied.append(label)
    return report


def _run(client: Client, statement: str, label: str) -> None:
    try:
        client.command(statement)
    except DriverError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MigrationError(f"migration {label} failed: {first_line}") from None
