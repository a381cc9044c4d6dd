"""Versioned schema migrations, applied in order, exactly once each.

Files are `migrations/NNNN_name.sql` with `{database}` in place of the database name (so tests can
use a fresh database and a cluster can use its own). Applied versions and their checksums are
recorded in `schema_migrations`; a changed file that was already applied is an error, because
silently diverging schemas are worse than a failed deploy.
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


def apply_migrations(client: Client, database: str, migrations: list[Migration] | None = None) -> MigrationReport:
    """Apply every migration not yet recorded in `{database}.schema_migrations`; idempotent.

    `migrations` defaults to the shipped files; passing a list lets a test present an edited file.
    """
    if not _DATABASE_NAME.match(database):
        raise MigrationError(f"{database!r} is not a valid database name")
    _run(client, f"CREATE DATABASE IF NOT EXISTS {database}", "create database")
    _run(
        client,
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
            _run(client, statement, label)
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
