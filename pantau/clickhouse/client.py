"""The one place that opens ClickHouse: embedded chDB or a server, through clickhouse-connect."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import ClickHouseError as DriverError

from pantau.clickhouse import embedded_lock
from pantau.clickhouse.target import ClickHouseTarget, EmbeddedTarget, parse_clickhouse_url
from pantau.errors import ClickHouseError, EmbeddedStoreBusyError
from pantau.settings import PantauSettings


def target_from_settings(settings: PantauSettings, base_dir: Path | None = None) -> ClickHouseTarget:
    """The ClickHouse the settings point at."""
    return parse_clickhouse_url(settings.clickhouse_url.get_secret_value(), base_dir=base_dir)


def open_client(target: ClickHouseTarget, **settings: Any) -> Client:
    """Open a clickhouse-connect client; errors name the target but never its password."""
    if isinstance(target, EmbeddedTarget):
        return _open_embedded(target, **settings)
    try:
        return clickhouse_connect.get_client(
            host=target.host,
            port=target.port,
            secure=target.secure,
            username=target.username,
            password=target.password,
            settings=settings or None,
        )
    except DriverError as exc:
        raise ClickHouseError(f"Cannot connect to {target.describe()}: {_first_line(exc)}") from None


def _open_embedded(target: EmbeddedTarget, **settings: Any) -> Client:
    embedded_lock.acquire(target.path)
    try:
        return clickhouse_connect.get_client(interface="chdb", path=str(target.path), settings=settings or None)
    except DriverError as exc:
        text = str(exc)
        if "EmbeddedServer" in text or "Unable to open the chdb engine" in text:
            raise EmbeddedStoreBusyError(
                f"Cannot open {target.describe()}: this or another process already holds a chDB engine "
                f"({_first_line(exc)}). Close it, or use another PANTAU_CLICKHOUSE_URL."
            ) from None
        raise ClickHouseError(f"Cannot open {target.describe()}: {_first_line(exc)}") from None


@contextmanager
def clickhouse_session(target: ClickHouseTarget) -> Iterator[Client]:
    """A client closed on exit; for an embedded target the data directory is unlocked again."""
    client = open_client(target)
    try:
        yield client
    finally:
        client.close()
        if isinstance(target, EmbeddedTarget):
            embedded_lock.release(target.path)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
