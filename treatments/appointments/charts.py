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


def _labels(*groups: Mapping[str, Sequence[ChartPoint]]) -> list[str]:
    """Every visit's label once, in the order the series first mention them."""
    return list(
        dict.fromkeys(p.label for series in groups for points in series.values() for p in points)
    )


@dataclass(frozen=True)
class _Frame:
    """The plot area and its scales."""

    labels: list[str]
    left: int
    top: int
    width: int  # of the plot area
    height: int
    high: float  # the value at the top of the axis (the bottom is 0)

    def x(self, label: str) -> float:
        if len(self.labels) == 1:
            return self.left + self.width / 2
        step = self.width / (len(self.labels) - 1)
        return self.left + self.labels.index(label) * step

    def y(self, value: float) -> float:
        return self.top + self.height - value / self.high * self.height


def _axes(frame: _Frame, unit: str) -> list[str]:
    out = []
    for i in range(5):
        value = frame.high * i / 4
        yy = frame.y(value)
        out.append(
            f'<line x1="{frame.left}" y1="{yy:.1f}" x2="{frame.left + frame.width}" y2="{yy:.1f}" stroke="#eee"/>'
            f'<text x="{frame.left - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#56626a">{_fmt(value)}</text>'
        )
    middle = frame.top + frame.height / 2
    out.append(
        f'<text x="12" y="{middle:.1f}" transform="rotate(-90 12 {middle:.1f})" '
        f'text-anchor="middle" fill="#56626a">{escape(unit)}</text>'
    )
    for label in frame.labels:
        out.append(
            f'<text x="{frame.x(label):.1f}" y="{frame.top + frame.height + 18}" text-anchor="middle" '
            f'fill="#56626a">{escape(label)}</text>'
        )
    return out


DASH = ' stroke-dasharray="6 4"'


def _line(
    frame: _Frame,
    name: str,
    points: Sequence[ChartPoint],
    colour: str,
    unit: str,
    *,
    dashed: bool = False,
):
    out = []
    coords = [(frame.x(p.label), frame.y(float(p.value))) for p in points]
    dash = DASH if dashed else ""
    if len(coords) > 1:
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        width = "1.5" if dashed else "2.5"
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'
        )
    for (cx, cy), p in zip(coords, points, strict=True):
        fill = "#fff" if dashed else colour
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{3 if dashed else 4}" fill="{fill}" stroke="{colour}">'
            f"<title>{escape(name)}, {escape(p.label)}: {_fmt(float(p.value))} {escape(unit)}</title></circle>"
        )
    return out


def progress_svg(
    series: Mapping[str, Sequence[ChartPoint]],
    *,
    predicted: Mapping[str, Sequence[ChartPoint]] | None = None,
    unit: str = "mm",
    title: str = "Pinch thickness per area",
    width: int = 640,
    height: int = 280,
) -> str:
    """A line chart: x = visits in order (the union of labels), y = value; one line per
    series, and each series' `predicted` line (same colour, dashed) when given. Empty input
    gives an empty string."""
    predicted = predicted or {}
    if not any(series.values()):
        return ""
    labels = _labels(predicted, series)
    left, right, top, bottom = 48, 48, 28, 44
    values = [float(p.value) for group in (series, predicted) for ps in group.values() for p in ps]
    frame = _Frame(
        labels, left, top, width - left - right, height - top - bottom, _nice_ceiling(max(values))
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title" class="progress-chart" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{frame.width}" height="{frame.height}" fill="#fff" stroke="#e6e0d6"/>',
        *_axes(frame, unit),
    ]
    legend_x = left
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        if predicted.get(name):
            out.extend(
                _line(frame, f"{name} (predicted)", predicted[name], colour, unit, dashed=True)
            )
        out.extend(_line(frame, name, points, colour, unit))
        out.append(
            f'<rect x="{legend_x}" y="8" width="12" height="4" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="14" fill="#1f2a2e">{escape(name)}</text>'
        )
        legend_x += 24 + 7 * len(name)
    if any(predicted.get(name) for name in series):
        out.append(
            f'<line x1="{legend_x}" y1="10" x2="{legend_x + 14}" y2="10" stroke="#56626a"{DASH}/>'
            f'<text x="{legend_x + 18}" y="14" fill="#1f2a2e">predicted</text>'
        )
    out.append("</svg>")
    return "".join(out)
