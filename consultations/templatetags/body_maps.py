"""`{% body_map map %}`: a treatment map (consultations.maps.area_map's dict, or a plan's
snapshot of it) drawn as SVG on its body diagram, server-side, for pages, prints and PDFs."""

from __future__ import annotations

from typing import Any

from django import template

from consultations.body_map import VIEWS

register = template.Library()


@register.inclusion_tag("consultations/_body_map.html")
def body_map(map_data: dict[str, Any] | None, editable: bool = False) -> dict[str, Any]:
    data = map_data or {}
    view = VIEWS.get(data.get("view", ""), VIEWS["back"])
    points = data.get("points") or []
    return {
        "map": data,
        "view": view,
        "head": dict(zip(("cx", "cy", "rx", "ry"), view.head, strict=True)),
        "polygon": " ".join(f"{x},{y}" for x, y in points),
        "corners": points,
        "editable": editable,
    }
