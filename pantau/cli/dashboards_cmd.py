"""`pantau dashboards build|push`: Grafana dashboards and provisioning from dashboards/, or onto a Grafana."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dashboards.build import ProvisioningOptions, all_dashboards, write_all
from dashboards.i18n import LANGS, Lang, t
from dashboards.push import push_dashboards
from pantau.cli.options import build_settings
from pantau.errors import PantauError
from pantau.kafka.jars import project_root

app = typer.Typer(help="Grafana dashboards as code: build the files, or push them to a Grafana.", no_args_is_help=True)
console = Console()

LangOption = Annotated[
    str | None,
    typer.Option("--lang", envvar="PANTAU_DASHBOARDS_LANG", show_envvar=True, help="Labels: id (default) or en."),
]


def _lang(value: str | None) -> Lang:
    chosen = value or build_settings().dashboards_lang
    if chosen not in LANGS:
        raise PantauError(f"--lang {chosen!r}: choose one of {', '.join(LANGS)}")
    return chosen


@app.command("build")
def build(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Grafana folder to write (default: infra/compose/grafana of this checkout)."),
    ] = None,
    lang: LangOption = None,
    database: Annotated[str, typer.Option("--database", help="ClickHouse database the panels read.")] = "pantau",
) -> None:
    """Write every dashboard JSON plus the data source and dashboard provider YAML for docker compose."""
    target = out or project_root() / "infra" / "compose" / "grafana"
    min_tickets = build_settings().dashboards_min_tickets
    written = write_all(target, ProvisioningOptions(database=database, lang=_lang(lang), min_tickets=min_tickets))
    for path in written:
        console.print(f"wrote {path}")


@app.command("push")
def push(
    url: Annotated[
        str | None, typer.Option("--url", envvar="PANTAU_GRAFANA_URL", show_envvar=True, help="Grafana base URL.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="PANTAU_GRAFANA_TOKEN", show_envvar=True, help="Service account token."),
    ] = None,
    lang: LangOption = None,
    database: Annotated[str, typer.Option("--database", help="ClickHouse database the panels read.")] = "pantau",
) -> None:
    """Save every dashboard in Grafana's Pantau folder (same uid, new version each time)."""
    settings = build_settings(grafana_url=url, grafana_token=token)
    if settings.grafana_token is None:
        raise PantauError("no Grafana token: pass --token or set PANTAU_GRAFANA_TOKEN")
    chosen = _lang(lang)
    results = push_dashboards(
        settings.grafana_url,
        settings.grafana_token.get_secret_value(),
        list(all_dashboards(chosen, database, settings.dashboards_min_tickets).values()),
        t("folder", chosen),
    )
    for result in results:
        print(f"{result.uid}\tversion {result.version}\t{result.url}")
