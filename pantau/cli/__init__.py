"""The `pantau` command: one entry point, one module per subcommand."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from pantau.cli import alerts_cmd, dashboards_cmd, kafka_cmd
from pantau.cli.gateway_cmd import gateway
from pantau.cli.migrate_cmd import migrate
from pantau.cli.replay_cmd import replay
from pantau.cli.report_cmd import report
from pantau.cli.simulate_cmd import simulate_command
from pantau.cli.sink_cmd import sink
from pantau.cli.sql_cmd import sql
from pantau.cli.staffing_cmd import staffing
from pantau.cli.up_cmd import up
from pantau.cli.worker_cmd import worker
from pantau.errors import PantauError

app = typer.Typer(
    name="pantau",
    help="Pantau: performance monitoring for public service offices (Kafka -> Faust -> ClickHouse -> Grafana).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(kafka_cmd.app, name="kafka")
app.add_typer(dashboards_cmd.app, name="dashboards")
app.add_typer(alerts_cmd.app, name="alerts")
app.command("report")(report)
app.command("migrate")(migrate)
app.command("sql")(sql)
app.command("staffing")(staffing)
app.command("replay")(replay)
app.command("gateway")(gateway)
app.command("sink")(sink)
app.command("simulate")(simulate_command)
app.command("up")(up)
app.command("worker")(worker)


PRIVATE_UMASK = 0o077
"""Files Pantau creates are its user's alone (0600, folders 0700): the embedded ClickHouse, the local
Kafka's data and logs (the broker inherits the umask), the pseudonym key, logs and reports all hold
data about citizens or the means to link it."""


def main() -> None:
    """Run the CLI; a PantauError becomes a clear message on stderr and exit status 2."""
    os.umask(PRIVATE_UMASK)
    try:
        app()
    except PantauError as exc:
        Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
