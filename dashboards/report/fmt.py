"""Numbers as Indonesian readers write them: 1.234,5 and 90,6%; '-' for a missing figure."""

from __future__ import annotations

import math
from typing import Any


def number(value: Any, decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (decimals fixed); None/NaN -> '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def percent(value: Any, decimals: int = 1) -> str:
    """0.9061 -> '90,6%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return number(float(value) * 100, decimals) + "%"


def parse(text: str) -> float | None:
    """Inverse of `number`/`percent` (a trailing % divides by 100); '-' -> None."""
    text = text.strip()
    if text == "-":
        return None
    scale = 100.0 if text.endswith("%") else 1.0
    return float(text.rstrip("%").replace(".", "").replace(",", ".")) / scale
