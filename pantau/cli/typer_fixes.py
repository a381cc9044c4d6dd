"""Workarounds for bugs of typer (0.29) in `--help`, one function per bug, applied once by `pantau.cli`."""

from __future__ import annotations

from typing import Any

import typer.core


def hide_flag_metavars() -> None:
    """Boolean flags and `--help` show no `<bool>` in the rich help.

    typer's rich help (rich_utils._print_options_panel) prints `display_type_rich()` for every option,
    where its plain help (TyperOption.get_help_record) skips flags: every flag read `--wait <bool>`,
    as if it took a value.
    """
    original = typer.core.TyperOption.display_type_rich
    if getattr(original, "pantau_fixed", False):
        return

    def display_type_rich(self: typer.core.TyperOption, ctx: Any) -> str | None:
        if self.metavar is None and (self.is_flag or self.count):
            return None
        return original(self, ctx)

    display_type_rich.pantau_fixed = True  # type: ignore[attr-defined]
    typer.core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def apply_all(*_: Any) -> None:
    """Every workaround of this module."""
    hide_flag_metavars()
