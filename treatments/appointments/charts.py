"""Server-side SVG for the progress chart: thickness per area over the course.

Pure Python (no Django, no I/O): series in, SVG markup out, every label escaped. Drawn on
the server so the page needs no chart library and no CDN, and prints as it looks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

PALETTE = ("#0d5c63", "#c77c02", "#6f42c1", "#b02a37", "#198754", "#0a58ca", "#6c757d")


@dataclass(frozen=True)
class ChartPoint:
    label: str  # "Assessment", "Session 1"
    value: Decimal


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_ceiling(value: float) -> float:
    """The axis top: the next multiple of 5 (or 1 for small values) above the largest value,
    so ticks read 0, 10, 20... rather than 0, 8.8, 17.6."""
    step = 5 if value > 10 else 1
    top = (int(value // step) + 1) * step
    while top % 4 and step == 5:  # four equal intervals with whole-number ticks
        top += step
    return float(top)


def progress_svg(
    series: Mapping[str, Sequence[ChartPoint]],
    *,
    unit: str = "mm",
    title: str = "Pinch thickness per area",
    width: int = 640,
    height: int = 280,
) -> str:
    """A line chart: x = visits in order (the union of labels), y = value; one line per
    series. Empty input gives an empty string."""
    labels: list[str] = []
    for points in series.values():
        for p in points:
            if p.label not in labels:
                labels.append(p.label)
    values = [float(p.value) for points in series.values() for p in points]
    if not labels or not values:
        return ""
    left, right, top, bottom = 48, 48, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = 0.0, _nice_ceiling(max(values))
    step = plot_w / max(len(labels) - 1, 1)

    def x(label: str) -> float:
        i = labels.index(label)
        return left + (i * step if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" class="progress-chart" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#e6e0d6"/>',
    ]
    for i in range(5):
        value = low + (high - low) * i / 4
        yy = y(value)
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#56626a">{_fmt(value)}</text>'
        )
    out.append(
        f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
        f'text-anchor="middle" fill="#56626a">{escape(unit)}</text>'
    )
    for label in labels:
        out.append(
            f'<text x="{x(label):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'fill="#56626a">{escape(label)}</text>'
        )
    legend_x = left
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        coords = [(x(p.label), y(float(p.value))) for p in points]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for (cx, cy), p in zip(coords, points, strict=True):
            out.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(name)}, {escape(p.label)}: {_fmt(float(p.value))} {escape(unit)}</title></circle>"
            )
        out.append(
            f'<rect x="{legend_x}" y="8" width="12" height="4" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="14" fill="#1f2a2e">{escape(name)}</text>'
        )
        legend_x += 24 + 7 * len(name)
    out.append("</svg>")
    return "".join(out)
