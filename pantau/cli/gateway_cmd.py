"""`pantau gateway`: run the authenticated HTTP ingestion gateway in front of Kafka."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from aiohttp import web

from pantau.catalog import load_catalog
from pantau.cli.options import BootstrapOption, CatalogOption, build_settings
from pantau.contract import EventValidator
from pantau.errors import ConfigurationError
from pantau.kafka.admin import bootstrap_reachable
from pantau.secrets import pseudonym_key
from producers.gateway import GatewayLimits, OfficeKeys, RateLimiter, create_app
from producers.publisher import EventPublisher, create_producer


def gateway(
    host: Annotated[
        str | None,
        typer.Option(envvar="PANTAU_GATEWAY_HOST", show_envvar=True, help="Listen address (default 127.0.0.1)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            envvar="PANTAU_GATEWAY_PORT", show_envvar=True, min=1, max=65535, help="Listen port (default 8088)."
        ),
    ] = None,
    keys_file: Annotated[
        Path | None,
        typer.Option(
            "--keys-file",
            envvar="PANTAU_GATEWAY_KEYS_FILE",
            show_envvar=True,
            help="YAML of office_id: key or sha256:<hex>.",
        ),
    ] = None,
    bootstrap: BootstrapOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Accept events over HTTP from offices' systems, one key per office, and send them to Kafka."""
    settings = build_settings(
        gateway_host=host, gateway_port=port, gateway_keys_file=keys_file, kafka_bootstrap=bootstrap, catalog=catalog
    )
    if settings.gateway_keys_file is None:
        raise ConfigurationError("the gateway needs office keys: pass --keys-file or set PANTAU_GATEWAY_KEYS_FILE")
    keys = OfficeKeys.load(settings.gateway_keys_file)
    producer = create_producer(settings)
    publisher = EventPublisher(
        producer,
        EventValidator(load_catalog(settings.catalog), settings.future_tolerance),
        settings.topic_prefix,
        source="gateway",
        max_event_bytes=settings.event_max_bytes,
        pseudonym_key=pseudonym_key(settings),
    )
    app = create_app(
        publisher,
        keys,
        GatewayLimits(settings.gateway_max_body_bytes, settings.gateway_max_batch),
        RateLimiter(settings.gateway_rate_per_s, settings.gateway_burst),
        kafka_reachable=lambda: bootstrap_reachable(settings.bootstrap_servers),
    )

    async def close_publisher(_: web.Application) -> None:
        publisher.close()

    app.on_cleanup.append(close_publisher)
    try:
        web.run_app(
            app,
            host=settings.gateway_host,
            port=settings.gateway_port,
            print=lambda text: typer.echo(f"{text} ({len(keys.offices)} office keys)", err=True),
        )
    except OSError as exc:
        # aiohttp lets the bind error through: "[Errno 98] error while attempting to bind on address ...".
        publisher.close()
        raise ConfigurationError(
            f"the gateway cannot listen on {settings.gateway_host}:{settings.gateway_port} ({exc.strerror or exc}); "
            "stop the program using that port or choose another with --port / PANTAU_GATEWAY_PORT, "
            "and --host / PANTAU_GATEWAY_HOST"
        ) from None
