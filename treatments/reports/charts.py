"""Server-drawn SVG bar charts for the reports (no chart library, no CDN): scalable with the
page, large labels for a tablet, every label escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from treatments.appointments.charts import PALETTE


def hbars(title: str, bars: Sequence[tuple[str, float, str]], *, high: float | None = None) -> str:
    """One horizontal bar per (label, value, text shown at its end). Empty gives ""."""
    if not bars:
        return ""
    high = high or max((v for _, v, _ in bars), default=0) or 1.0
    # Wide enough for the longest label (about 8.5 units a character at this size).
    longest = max(len(label) for label, _, _ in bars)
    row, bar_w = 34, 420
    label_w = min(max(220, int(longest * 8.5) + 16), 400)
    width = label_w + bar_w + 120
    height = 40 + row * len(bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="report-chart" font-family="system-ui, sans-serif" font-size="15">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="20" font-weight="600" fill="#1f2a2e">{escape(title)}</text>'
    ]
    for i, (label, value, text) in enumerate(bars):
        y = 34 + i * row
        w = max(0.0, min(value / high, 1.0)) * bar_w
        out.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" fill="#1f2a2e">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="20" fill="#f1ede6"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="20" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>"
            f'<text x="{label_w + bar_w + 8}" y="{y + 18}" fill="#1f2a2e">{escape(text)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def grouped_bars(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    fmt=lambda v: f"{v:,.0f}",
) -> str:
    """Vertical bars: one group per category, one bar per series (same length as
    categories), a legend on top. Empty gives ""."""
    if not categories or not series:
        return ""
    high = max((v for values in series.values() for v in values), default=0) or 1.0
    left, top, plot_h, width = 70, 56, 220, 760
    group_w = (width - left - 10) / len(categories)
    bar_w = max(4.0, min(40.0, (group_w - 12) / len(series)))
    height = top + plot_h + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="report-chart" font-family="system-ui, sans-serif" font-size="14">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="18" font-weight="600" fill="#1f2a2e">{escape(title)}</text>'
    ]
    x = left
    for n, name in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        out.append(
            f'<rect x="{x}" y="30" width="14" height="14" fill="{colour}"/>'
            f'<text x="{x + 20}" y="42" fill="#1f2a2e">{escape(name)}</text>'
        )
        x += 40 + 8 * len(name)
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#56626a"/>')
    out.append(
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="#56626a">{escape(fmt(high))}</text>'
    )
    for i, category in enumerate(categories):
        gx = left + i * group_w + 6
        for n, (name, values) in enumerate(series.items()):
            value = values[i]
            h = max(0.0, value / high) * plot_h
            out.append(
                f'<rect x="{gx + n * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[n % len(PALETTE)]}">'
                f"<title>{escape(category)}, {escape(name)}: {escape(fmt(value))}</title></rect>"
            )
        out.append(
            f'<text x="{gx + group_w / 2 - 6:.1f}" y="{base + 20}" text-anchor="middle" '
            f'fill="#1f2a2e">{escape(category)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def grouped_hbars(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    fmt=lambda v: f"{v:,.0f}",
) -> str:
    """Horizontal bars: one group per category (its label on the left, room for long names),
    one thin bar per series with its value at the end; a legend on top. Empty gives ""."""
    if not categories or not series:
        return ""
    high = max((v for values in series.values() for v in values), default=0) or 1.0
    bar_h, label_w, bar_w, width = 16, 300, 340, 760
    group_h = bar_h * len(series) + 14
    height = 50 + group_h * len(categories)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="report-chart" font-family="system-ui, sans-serif" font-size="14">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="18" font-weight="600" fill="#1f2a2e">{escape(title)}</text>'
    ]
    x = label_w
    for n, name in enumerate(series):
        out.append(
            f'<rect x="{x}" y="26" width="14" height="14" fill="{PALETTE[n % len(PALETTE)]}"/>'
            f'<text x="{x + 20}" y="38" fill="#1f2a2e">{escape(name)}</text>'
        )
        x += 40 + 8 * len(name)
    for i, category in enumerate(categories):
        top = 50 + i * group_h
        out.append(
            f'<text x="{label_w - 8}" y="{top + group_h / 2 + 2:.1f}" text-anchor="end" '
            f'fill="#1f2a2e">{escape(category)}</text>'
        )
        for n, (name, values) in enumerate(series.items()):
            value = values[i]
            w = max(0.0, value / high) * bar_w
            y = top + n * bar_h
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 3}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(category)}, {escape(name)}: '
                f"{escape(fmt(value))}</title></rect>"
                f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h - 4}" font-size="12" '
                f'fill="#1f2a2e">{escape(fmt(value))}</text>'
            )
    out.append("</svg>")
    return "".join(out)
