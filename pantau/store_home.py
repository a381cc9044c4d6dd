"""Which `.pantau/` store a command uses, found the way git finds its repository.

The embedded ClickHouse, the local broker and the keys live in one `.pantau/` folder. Found by the
current folder only, `cd docs && pantau sql ...` silently made a second, empty store. The rule, in
order: an explicit PANTAU_CLICKHOUSE_URL / PANTAU_KAFKA_HOME / PANTAU_STATE_DIR wins for its part;
then PANTAU_HOME; then the nearest `.pantau/` in the current folder or above it; and when there is
none, commands that build a pipeline create `./.pantau` while commands that only read refuse.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pantau.errors import ConfigurationError

STORE_DIR = ".pantau"
HOME_ENV = "PANTAU_HOME"
STORE_FIELDS = ("clickhouse_url", "kafka_home", "state_dir")


class StoreNotFoundError(ConfigurationError):
    """A command that only reads found no `.pantau/` store to read, and must not create an empty one."""


def find_store(start: Path, environ: Mapping[str, str] = os.environ) -> Path | None:
    """PANTAU_HOME, else the nearest `.pantau/` folder at `start` or above; None when there is none."""
    home = environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser().resolve()
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / STORE_DIR
        if candidate.is_dir():
            return candidate
    return None


def store_settings(home: Path) -> dict[str, Any]:
    """The settings that place every part of the store under `home`."""
    return {"clickhouse_url": f"chdb://{home / 'clickhouse'}", "kafka_home": home / "kafka", "state_dir": home}


def no_store_message(start: Path) -> str:
    return (
        f"no Pantau store found in {start.resolve()} or above (no {STORE_DIR}/ folder): run `pantau up` "
        f"where you want the store, cd into its folder, or set {HOME_ENV}=/path/to/{STORE_DIR}"
    )
