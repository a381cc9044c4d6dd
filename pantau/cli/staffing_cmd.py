"""`pantau staffing`: refresh the counter plan (Erlang C) from the last weeks of tickets."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from clickhouse_connect.driver.client import Client
from rich.console import Console

from pantau.cli.options import ClickHouseUrlOption, build_settings
from pantau.clickhouse import EmbeddedTarget, apply_migrations, clickhouse_session, target_from_settings
from pantau.clickhouse.query_socket import SocketCommand, command_via_socket
from pantau.clickhouse.staffing_refresh import refresh_staffing
from pantau.errors import EmbeddedStoreBusyError

REFRESH_COMMAND = "refresh_staffing"
"""The name `pantau up` serves the refresh under on its query socket, so this command works while it runs."""


def staffing(
    weeks: Annotated[
        int | None, typer.Option(min=1, help="Weeks of tickets back from the newest (PANTAU_STAFFING_WEEKS: 4).")
    ] = None,
    clickhouse_url: ClickHouseUrlOption = None,
) -> None:
    """Recompute `staffing`: counters each office needs per weekday and hour for its services' standards."""
    settings = build_settings(reads_store=True, clickhouse_url=clickhouse_url)
    target = target_from_settings(settings)
    span = weeks or settings.staffing_weeks
    try:
        with clickhouse_session(target) as client:
            apply_migrations(client, target.database, cluster=settings.clickhouse_cluster)
            summary: dict[str, Any] = refresh_staffing(client, target.database, span).as_dict()
    except EmbeddedStoreBusyError:
        # `pantau up` holds the embedded store: it runs the refresh on its own engine.
        if not isinstance(target, EmbeddedTarget):
            raise
        forwarded = command_via_socket(target.path, REFRESH_COMMAND, {"weeks": span})
        if forwarded is None:
            raise
        summary = forwarded
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"staffing: {summary['cells']} cells from the last {span} weeks of tickets ({summary['computed_at']})")
    out.print(f"understaffed: {summary['understaffed']} cells have fewer counters open than the advice")
    if summary["without_service_time"]:
        out.print(f"not advised: {summary['without_service_time']} cells of services with no served ticket to time")
    if summary["cells"] == 0:
        out.print("no tickets to advise on yet: run `pantau up` (or replay a file) first")


def refresh_command(database: str, default_weeks: int) -> SocketCommand:
    """The refresh as the holder of the embedded store runs it for `pantau staffing` (arguments: weeks)."""

    def run(client: Client, arguments: dict[str, Any]) -> dict[str, Any]:
        return refresh_staffing(client, database, int(arguments.get("weeks", default_weeks))).as_dict()

    return run
