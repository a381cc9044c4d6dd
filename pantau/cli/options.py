"""Options shared by several subcommands, and the one place settings are built from flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from pantau.settings import PantauSettings

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
        help="Kafka cluster to use; when set, no local broker is started.",
        show_default=False,
    ),
]
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


def build_settings(**flags: Any) -> PantauSettings:
    """Settings from flags over environment over defaults; a flag left unset does not override."""
    given = {name: value for name, value in flags.items() if value is not None}
    return PantauSettings(**given)
