"""The `pantau` command: one entry point, one module per subcommand."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from pantau.cli import alerts_cmd, dashboards_cmd, kafka_cmd, typer_fixes
from pantau.cli.gateway_cmd import gateway
from pantau.cli.migrate_cmd import migrate
from pantau.cli.options import settings_epilog
from pantau.cli.replay_cmd import replay
from pantau.cli.report_cmd import report
from pantau.cli.simulate_cmd import simulate_command
from pantau.cli.sink_cmd import sink
from pantau.cli.sql_cmd import sql
from pantau.cli.staffing_cmd import staffing
from pantau.cli.up_cmd import up
from pantau.cli.worker_cmd import worker
from pantau.errors import PantauError

typer_fixes.apply_all()

app = typer.Typer(
    name="pantau",
    help="Pantau: performance monitoring for public service offices (Kafka -> Faust -> ClickHouse -> Grafana).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Help lists the commands by panel, in this order: the main job, what a user runs every day, then the
# parts `pantau up` runs (each one alone, for a cluster) and the ingestion gateway.
MAIN, EVERYDAY, PLUMBING = "Main job", "Everyday", "Plumbing (the parts of `pantau up`, run alone)"
KAFKA_CLIENT = ("kafka_port", "topic_prefix")
"""Settings every Kafka client command reads: where the local broker is, and the topics' names."""
PSEUDONYMS = ("pseudonym_key", "state_dir")

app.command(
    "up",
    rich_help_panel=MAIN,
    epilog=settings_epilog(
        "kafka_port",
        "kafka_controller_port",
        "kafka_home",
        "kafka_heap",
        "kafka_partitions",
        "topic_prefix",
        *PSEUDONYMS,
    ),
)(up)
app.command("simulate", rich_help_panel=EVERYDAY, epilog=settings_epilog(*KAFKA_CLIENT, *PSEUDONYMS))(simulate_command)
app.command("replay", rich_help_panel=EVERYDAY, epilog=settings_epilog(*KAFKA_CLIENT, *PSEUDONYMS))(replay)
app.command("sql", rich_help_panel=EVERYDAY)(sql)
app.command(
    "report",
    rich_help_panel=EVERYDAY,
    epilog=settings_epilog("report_timezone", "dashboards_min_tickets", "chromium", "catalog"),
)(report)
app.add_typer(alerts_cmd.app, name="alerts", rich_help_panel=EVERYDAY)
app.add_typer(dashboards_cmd.app, name="dashboards", rich_help_panel=EVERYDAY)
app.command("staffing", rich_help_panel=EVERYDAY)(staffing)
app.add_typer(kafka_cmd.app, name="kafka", rich_help_panel=PLUMBING)
app.command("migrate", rich_help_panel=PLUMBING)(migrate)
app.command("worker", rich_help_panel=PLUMBING, epilog=settings_epilog(*KAFKA_CLIENT, *PSEUDONYMS))(worker)
app.command("sink", rich_help_panel=PLUMBING, epilog=settings_epilog(*KAFKA_CLIENT))(sink)
app.command("gateway", rich_help_panel=PLUMBING, epilog=settings_epilog(*KAFKA_CLIENT, *PSEUDONYMS))(gateway)

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
