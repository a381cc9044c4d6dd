"""Options shared by several subcommands, the parsing of flag values, and building settings from flags."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from pantau.errors import ConfigurationError
from pantau.settings import PantauSettings
from pantau.store_home import STORE_DIR, STORE_FIELDS, StoreNotFoundError, find_store, no_store_message, store_settings

SIMULATED_OFFICES = 10
"""Default number of simulated offices, for `pantau simulate` and `pantau up --simulate` alike."""

ClickHouseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--clickhouse-url",
        envvar="PANTAU_CLICKHOUSE_URL",
        show_envvar=True,
        help="chdb://PATH (embedded, default chdb://./.pantau/clickhouse) or http(s)://user:pass@host:port/db.",
        show_default=False,
    ),
]
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog", envvar="PANTAU_CATALOG", show_envvar=True, help="Service catalog YAML.", show_default=False
    ),
]
BootstrapOption = Annotated[
    str | None,
    typer.Option(
        "--bootstrap",
        envvar=["PANTAU_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP"],
        show_envvar=True,
        help=(
            "Kafka cluster to use; unset: the local broker at localhost:PANTAU_KAFKA_PORT (this command starts none: "
            "`pantau up` or `pantau kafka up` does)."
        ),
        show_default=False,
    ),
]
LaunchingBootstrapOption = Annotated[
    str | None,
    typer.Option(
        "--bootstrap",
        envvar=["PANTAU_KAFKA_BOOTSTRAP", "KAFKA_BOOTSTRAP"],
        show_envvar=True,
        help="Kafka cluster to use; when set, no local broker is started (unset: the local one is, if not running).",
        show_default=False,
    ),
]
"""--bootstrap of the commands that start the local broker when no cluster is given (`up`, `kafka up`)."""
PartitionsOption = Annotated[
    int | None,
    typer.Option(
        "--partitions",
        envvar="PANTAU_KAFKA_PARTITIONS",
        show_envvar=True,
        min=1,
        help="Partitions of each Pantau topic (default 6).",
        show_default=False,
    ),
]


def build_settings(*, reads_store: bool = False, **flags: Any) -> PantauSettings:
    """Settings from flags over environment over the store found (pantau/store_home.py) over defaults.

    `reads_store`: the command only reads an embedded store, so finding none is an error rather than a
    reason to create an empty `./.pantau`. A store found elsewhere than `./.pantau` is named on stderr.
    """
    given = {name: value for name, value in flags.items() if value is not None}
    settings = PantauSettings(**given)
    open_fields = [name for name in STORE_FIELDS if name not in settings.model_fields_set]
    if not open_fields:
        return settings
    cwd = Path.cwd()
    home = find_store(cwd)
    if home is None:
        if reads_store and "clickhouse_url" in open_fields:
            raise StoreNotFoundError(no_store_message(cwd))
        return settings
    if reads_store and home != (cwd / STORE_DIR).resolve():
        sys.stderr.write(f"store: {home}\n")
    placed = store_settings(home)
    return PantauSettings(**given, **{name: placed[name] for name in open_fields})


def settings_epilog(*fields: str) -> str:
    """The `--help` footer listing the settings a command reads that have no flag: env name and meaning.

    Built from the settings' own descriptions and defaults, so `--help` cannot drift from pantau/settings.py.
    """
    lines = []
    for name in fields:
        field = PantauSettings.model_fields[name]
        description = (field.description or "").rstrip(".")
        default = "" if field.default is None else f" (default {field.default})"
        lines.append(f"PANTAU_{name.upper()}: {description}{default}.")
    # "\b" keeps click (and typer's rich help) from joining the lines into one paragraph.
    return "\b\nSettings read from the environment:\n" + "\n".join(lines)


def parse_day(value: str, flag: str) -> date:
    """A YYYY-MM-DD flag value as a date, or a ConfigurationError naming the flag and the value."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigurationError(
            f"{flag} {value!r} is not a calendar day ({exc}); give YYYY-MM-DD, e.g. {flag} 2026-11-02"
        ) from None


def writable_file(path: Path, flag: str) -> Path:
    """`path` if a file can be written there (its folder exists and is writable), else a ConfigurationError.

    Checked before any work, so a long simulation does not fail at its first line.
    """
    if path.is_dir():
        raise ConfigurationError(f"{flag} {path} is a folder; give a file name, e.g. {flag} {path / 'events.jsonl'}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigurationError(
            f"{flag} {path}: the folder {folder} does not exist; create it (mkdir -p {folder}) or choose another path"
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigurationError(f"{flag} {path}: no permission to write there; choose another path")
    return path
