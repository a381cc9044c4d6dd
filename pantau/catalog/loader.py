"""Loading the catalog YAML, with errors that name the file and the offending entry."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pantau.catalog.model import Catalog
from pantau.errors import CatalogError

DEFAULT_CATALOG_NAME = "default_catalog.yaml"


def default_catalog_path() -> Path:
    """The catalog shipped with Pantau: realistic offices in WIB, WITA and WIT."""
    return Path(str(resources.files("pantau.catalog").joinpath(DEFAULT_CATALOG_NAME)))


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Load and check a catalog; `None` loads the shipped default.

    Raises `CatalogError` whose message starts with the file and names the entry, e.g.
    `catalog.yaml: offices[3] (id=MPP-X): timezone: 'Asia/Foo' is not an IANA time zone`.
    """
    source = Path(path) if path is not None else default_catalog_path()
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{source}: catalog file not found (set --catalog or PANTAU_CATALOG)") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}: not valid YAML: {exc}") from None
    return parse_catalog(document, source=str(source))


def parse_catalog(document: Any, source: str = "<catalog>") -> Catalog:
    """Check a parsed YAML document and build the catalog; see `load_catalog` for the errors."""
    if not isinstance(document, dict):
        raise CatalogError(f"{source}: expected a mapping with 'services' and 'offices'")
    try:
        catalog = Catalog.model_validate(document)
    except ValidationError as exc:
        raise CatalogError(f"{source}: {_describe(exc, document)}") from None
    _check_references(catalog, source)
    return catalog


def _describe(exc: ValidationError, document: dict[str, Any]) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        where = _entry_label(loc, document)
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return "; ".join(lines)


def _entry_label(loc: list[Any], document: dict[str, Any]) -> str:
    """Turn ('offices', 3, 'timezone') into 'offices[3] (id=MPP-X): timezone'."""
    if len(loc) >= 2 and loc[0] in ("offices", "services") and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        entries = document.get(section) or []
        entry = entries[index] if index < len(entries) else None
        key = "id" if section == "offices" else "code"
        name = f" ({key}={entry.get(key)})" if isinstance(entry, dict) and entry.get(key) else ""
        rest = ".".join(str(part) for part in loc[2:])
        return f"{section}[{index}]{name}" + (f": {rest}" if rest else "")
    return ".".join(str(part) for part in loc)


def _check_references(catalog: Catalog, source: str) -> None:
    problems: list[str] = []
    for section, keys in (
        ("services", [service.code for service in catalog.services]),
        ("offices", [office.id for office in catalog.offices]),
    ):
        for key, count in Counter(keys).items():
            if count > 1:
                problems.append(f"{section}: {key!r} appears {count} times; ids and codes must be unique")
    known = set(catalog.services_by_code)
    for index, office in enumerate(catalog.offices):
        for code in office.services:
            if code not in known:
                problems.append(f"offices[{index}] (id={office.id}): services: {code!r} is not a service code")
    if problems:
        raise CatalogError(f"{source}: " + "; ".join(problems))
