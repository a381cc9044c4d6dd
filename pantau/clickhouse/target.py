"""Where ClickHouse is: parsing PANTAU_CLICKHOUSE_URL into an embedded path or a server address.

`chdb://./.pantau/clickhouse` is parsed by hand: a generic URL parser would read "." as the host and
".pantau" as the database, which silently opens the wrong place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pantau.errors import ConfigurationError

DEFAULT_DATABASE = "pantau"
_SERVER_SCHEMES = {"http": 8123, "https": 8443}


@dataclass(frozen=True)
class EmbeddedTarget:
    """The in-process chDB engine on a data directory."""

    path: Path
    database: str = DEFAULT_DATABASE

    def describe(self) -> str:
        return f"embedded ClickHouse (chDB) at {self.path}"


@dataclass(frozen=True)
class ServerTarget:
    """A ClickHouse server over HTTP(S); the password never appears in `describe()` or repr."""

    host: str
    port: int
    secure: bool
    username: str
    password: str = field(repr=False)
    database: str = DEFAULT_DATABASE

    def describe(self) -> str:
        scheme = "https" if self.secure else "http"
        return f"ClickHouse server {scheme}://{self.username}@{self.host}:{self.port}/{self.database}"


ClickHouseTarget = EmbeddedTarget | ServerTarget


def parse_clickhouse_url(url: str, base_dir: Path | None = None) -> ClickHouseTarget:
    """Parse `chdb://PATH` or `http(s)://user:pass@host:port/db`; relative chdb paths resolve from base_dir."""
    if url.startswith("chdb://"):
        raw_path = url[len("chdb://") :]
        if not raw_path:
            raise ConfigurationError("PANTAU_CLICKHOUSE_URL: chdb:// needs a path, e.g. chdb://./.pantau/clickhouse")
        path = Path(raw_path).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        return EmbeddedTarget(path=path.resolve())
    parts = urlsplit(url)
    if parts.scheme not in _SERVER_SCHEMES or not parts.hostname:
        raise ConfigurationError(
            "PANTAU_CLICKHOUSE_URL must be chdb://PATH or http(s)://user:password@host:port/database "
            f"(scheme given: {parts.scheme or 'none'!r})"
        )
    database = parts.path.strip("/") or DEFAULT_DATABASE
    if "/" in database:
        raise ConfigurationError(f"PANTAU_CLICKHOUSE_URL: {database!r} is not a database name")
    return ServerTarget(
        host=parts.hostname,
        port=parts.port or _SERVER_SCHEMES[parts.scheme],
        secure=parts.scheme == "https",
        username=unquote(parts.username or "default"),
        password=unquote(parts.password or ""),
        database=database,
    )
