"""`pantau alerts run|list|ack|resolve`: the alert service and the supervisor's commands."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from pantau.cli.options import BootstrapOption, CatalogOption, ClickHouseUrlOption, build_settings
from pantau.errors import ConfigurationError, EmbeddedStoreBusyError

app = typer.Typer(
    help="Alerts to on-call supervisors: run the service, list, acknowledge, resolve.", no_args_is_help=True
)

ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who does it (default: your login name); recorded for MTTA/MTTR.")
]


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    tsv = "tsv"


@app.command("run")
def run(
    bootstrap: BootstrapOption = None,
    catalog: CatalogOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every notification.")] = False,
) -> None:
    """Run the alert service until Ctrl-C (settings: PANTAU_ALERT_* in `alerting/README.md`)."""
    from alerting.service import AlertService, system_clock
    from alerting.wiring import build_dispatcher, build_engine
    from pantau.catalog import load_catalog

    # -v shows the service's own lines (pages, deliveries), not kafka-python's connection chatter.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("pantau.alerting").setLevel(logging.INFO if verbose else logging.WARNING)
    settings = build_settings(kafka_bootstrap=bootstrap, catalog=catalog)
    engine = build_engine(settings, load_catalog(settings.catalog))
    service = AlertService(
        settings, engine, build_dispatcher(settings), clock=system_clock if settings.alert_live else None
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    typer.echo(f"alerting: consuming {settings.topic_prefix}.events (Ctrl-C stops)", err=True)
    service.run(stop)


@app.command("list")
def list_alerts(
    all_states: Annotated[bool, typer.Option("--all", help="Include resolved alerts.")] = False,
    office: Annotated[str | None, typer.Option("--office", help="Only this office.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most rows shown, newest first.")] = 50,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f", help="table, json or tsv.")] = ListFormat.table,
    clickhouse_url: ClickHouseUrlOption = None,
) -> None:
    """List alerts from the ClickHouse `alerts` table (open ones unless --all)."""
    from pantau.cli.sql_cmd import OutputFormat, run_query, write_rows
    from pantau.clickhouse import EmbeddedTarget, target_from_settings
    from pantau.clickhouse.query_socket import query_via_socket

    settings = build_settings(reads_store=True, clickhouse_url=clickhouse_url)
    target = target_from_settings(settings)
    query = list_query(target.database, all_states, office, limit)
    try:
        columns, rows = run_query(target, query)
    except EmbeddedStoreBusyError:
        forwarded = query_via_socket(target.path, query) if isinstance(target, EmbeddedTarget) else None
        if forwarded is None:
            raise
        columns, rows = forwarded
    write_rows(columns, rows, OutputFormat(output_format.value))


def list_query(database: str, all_states: bool, office: str | None, limit: int) -> str:
    """The SELECT behind `alerts list`; office ids are quoted as ClickHouse string literals."""
    where = [] if all_states else ["state != 'resolved'"]
    if office:
        where.append(f"office_id = {_literal(office)}")
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    return (
        "SELECT alert_id, rule, office_id, service_code, severity, state, opened_at, acked_at, resolved_at, "
        f"notified_to, summary FROM {database}.alerts FINAL {clause}ORDER BY opened_at DESC LIMIT {int(limit)}"
    )


@app.command("ack")
def ack(
    alert_id: Annotated[str, typer.Argument(help="The alert id shown by `alerts list` and in the message.")],
    actor: ActorOption = None,
    bootstrap: BootstrapOption = None,
) -> None:
    """Acknowledge an alert: stops its escalation and reminders."""
    _send("ack", alert_id, actor, "", bootstrap)


@app.command("resolve")
def resolve(
    alert_id: Annotated[str, typer.Argument(help="The alert id shown by `alerts list` and in the message.")],
    note: Annotated[str, typer.Option("--note", help="What was done.")] = "",
    actor: ActorOption = None,
    bootstrap: BootstrapOption = None,
) -> None:
    """Resolve an alert by hand; it stays quiet until its condition clears once."""
    _send("resolve", alert_id, actor, note, bootstrap)


def _send(command: Any, alert_id: str, actor: str | None, note: str, bootstrap: str | None) -> None:
    from alerting.command_verdict import STATE_AFTER, alert_service_group, send_and_await
    from alerting.commands import command_message, send_command

    if not alert_id.strip():
        raise ConfigurationError("give the alert id, e.g. `pantau alerts ack live_wait_breach:MPP-JKT-01:KTP@...`")
    settings = build_settings(kafka_bootstrap=bootstrap)
    message = command_message(command, alert_id, actor, note)
    wait_s = settings.alert_command_wait_s
    verdict = send_and_await(settings, command, alert_id, lambda: send_command(settings, message), wait_s)
    if verdict.outcome == "done":
        row = verdict.alert or {}
        at = row.get("acked_at") if command == "ack" else row.get("resolved_at")
        sys.stdout.write(f"{STATE_AFTER[command]} {alert_id} (by {message['actor']}, {at})\n")
        return
    err = Console(stderr=True, soft_wrap=True)
    if verdict.outcome == "no_service":
        err.print(
            f"no alert service is running (consumer group {alert_service_group(settings.topic_prefix)!r} has no "
            f"members): the {command} for {alert_id} is queued and applies when one starts; "
            "start `pantau up` or `pantau alerts run`",
            highlight=False,
        )
    else:
        err.print(
            f"the alert service did not {command} {alert_id} within {wait_s:g} s: no open alert has this id, or it "
            "is already in that state; `pantau alerts list --all` shows the ids "
            "(PANTAU_ALERT_COMMAND_WAIT_S sets the wait)",
            highlight=False,
        )
    raise typer.Exit(1)


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
