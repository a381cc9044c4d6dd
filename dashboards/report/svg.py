"""Inline SVG bar charts: no JavaScript, no network, printable."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from dashboards.report import fmt

ROW_H = 22
LABEL_W = 260
BAR_W = 380


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    maximum: float,
    colour_of: dict[str, str] | None = None,
    marker: float | None = None,
    as_percent: bool = False,
    decimals: int = 1,
) -> str:
    """Horizontal bars, one per (label, value); `marker` draws a target line; colours by label."""
    height = ROW_H * len(items) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{LABEL_W + BAR_W + 90}" height="{height}" class="chart">',
        f'<text x="0" y="14" class="chart-title">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = 24 + index * ROW_H
        width = 0.0 if value is None or maximum <= 0 else max(0.0, min(value / maximum, 1.0)) * BAR_W
        colour = (colour_of or {}).get(label, "#3b6ea5")
        shown = fmt.percent(value, decimals) if as_percent else fmt.number(value, decimals)
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{ROW_H - 6}" fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_W + width + 4:.1f}" y="{y + 15}">{shown}</text>')
    if marker is not None and maximum > 0:
        x = LABEL_W + min(marker / maximum, 1.0) * BAR_W
        parts.append(
            f'<line x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{height - 8}" stroke="#222" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def traffic_light(value: float | None, bands: Sequence[tuple[float, str]], higher_is_better: bool = True) -> str:
    """The colour of a value against (threshold, colour) bands listed from worst to best."""
    if value is None:
        return "#999"
    colour = bands[0][1]
    for threshold, band_colour in bands:
        if (value >= threshold) if higher_is_better else (value <= threshold):
            colour = band_colour
    return colour
