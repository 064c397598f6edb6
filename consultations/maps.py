"""The treatment map of an assessment area: parsing what the provider typed or drew, and the
map as the templates draw it (a JSON-able dict, also what a plan keeps as its snapshot).

Text forms, so the map works from the keyboard and without JavaScript:
- a zone's corners: ``12, 30; 40, 30; 40, 44; 12, 44`` (x, y in cm on the diagram);
- placements, one a line: ``Large vacuum cup @ 20, 37`` (an applicator's name or code).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from consultations.body_map import anchor_for, view_for
from treatments.engine import geometry, planning

NUMBER = r"-?\d+(?:[.,]\d+)?"
CORNER = re.compile(rf"^\s*({NUMBER})\s*[, ]\s*({NUMBER})\s*$")
PLACEMENT = re.compile(rf"^\s*(.+?)\s*@\s*({NUMBER})\s*[, ]\s*({NUMBER})\s*$")
MAX_PLACEMENTS = 24


def _float(text: str) -> float:
    return round(float(text.replace(",", ".")), 1)


def parse_points(text: str) -> list[list[float]]:
    """``"x, y; x, y"`` -> [[x, y], ...]; ValueError with a sentence for the provider."""
    points = []
    for number, part in enumerate(p for p in re.split(r"[;\n]", text or "") if p.strip()):
        match = CORNER.match(part)
        if not match:
            raise ValueError(
                f"Corner {number + 1} ({part.strip()!r}) is not 'x, y' in cm; separate "
                "corners with semicolons, e.g. 12, 30; 40, 30; 40, 44."
            )
        points.append([_float(match.group(1)), _float(match.group(2))])
    return points


def format_points(points: Iterable[Sequence[float]]) -> str:
    return "; ".join(f"{_num(x)}, {_num(y)}" for x, y in points)


def parse_placements(
    text: str, applicators: Sequence[planning.ApplicatorSpec]
) -> list[dict[str, Any]]:
    """One placement a line, ``name-or-code @ x, y``; ValueError naming the bad line."""
    known = {a.code.lower(): a for a in applicators} | {a.name.lower(): a for a in applicators}
    placed = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_PLACEMENTS:
        raise ValueError(f"At most {MAX_PLACEMENTS} applicators can be placed on one area.")
    for number, line in enumerate(lines, start=1):
        match = PLACEMENT.match(line)
        if not match:
            raise ValueError(
                f"Placement {number} ({line.strip()!r}) is not 'applicator @ x, y', e.g. "
                f"{applicators[0].name if applicators else 'Large vacuum cup'} @ 20, 37."
            )
        applicator = known.get(match.group(1).strip().lower())
        if applicator is None:
            names = ", ".join(a.name for a in applicators) or "none in the catalog"
            raise ValueError(
                f"Placement {number}: no applicator called {match.group(1).strip()!r} "
                f"(choose one of: {names})."
            )
        placed.append(
            {
                "applicator": applicator.code,
                "x": _float(match.group(2)),
                "y": _float(match.group(3)),
            }
        )
    return placed


def format_placements(
    placements: Iterable[Mapping[str, Any]], applicators: Sequence[planning.ApplicatorSpec]
) -> str:
    names = {a.code: a.name for a in applicators}
    return "\n".join(
        f"{names.get(p['applicator'], p['applicator'])} @ {_num(p['x'])}, {_num(p['y'])}"
        for p in placements
    )


def _num(value: float | Decimal) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def zone_from_size(area_code: str, width: Decimal, height: Decimal) -> list[list[float]]:
    corners = geometry.rectangle(anchor_for(area_code), float(width), float(height))
    return [[round(p.x, 2), round(p.y, 2)] for p in corners]


def as_points(points: Iterable[Sequence[float]]) -> tuple[geometry.Point, ...]:
    return tuple(geometry.Point(float(x), float(y)) for x, y in points)


def as_placed(placements: Iterable[Mapping[str, Any]]) -> tuple[planning.PlacedApplicator, ...]:
    return tuple(
        planning.PlacedApplicator(str(p["applicator"]), float(p["x"]), float(p["y"]))
        for p in placements
    )


def map_errors(
    *,
    area_code: str,
    points: Sequence[Sequence[float]],
    placements: Sequence[Mapping[str, Any]],
    catalog: planning.Catalog,
) -> dict[str, list[str]]:
    """What is wrong with the map, keyed by the form field it belongs to."""
    bounds = view_for(area_code).bounds
    errors: dict[str, list[str]] = {}
    if points:
        zone = geometry.zone_errors(as_points(points), bounds)
        if zone:
            errors["zone_points"] = zone
    placed = [catalog.footprint(p) for p in as_placed(placements)]
    problems = geometry.placement_errors([p for p in placed if p is not None], bounds)
    for spec in catalog.treatments:
        count = sum(
            1
            for p in placements
            if (a := catalog.applicator(str(p["applicator"]))) and a.treatment == spec.code
        )
        if count > spec.units_per_visit():
            problems.append(
                f"{count} {spec.name} {spec.unit_plural} are placed, more than the "
                f"{spec.units_per_visit()} one visit allows; remove some or record another area."
            )
    if problems:
        errors["placements"] = problems
    return errors


def assessed_area_map(
    row: Any, *, catalog: planning.Catalog, only_treatment: str | None = None
) -> dict[str, Any]:
    """`area_map` for an assessment's area row (with its `area` loaded): the assessment page
    and a plan's snapshot draw the same map from it."""
    return area_map(
        area_code=row.area.code,
        area_name=row.area.name,
        points=row.zone_points or [],
        placements=row.placements or [],
        catalog=catalog,
        only_treatment=only_treatment,
    )


def area_map(
    *,
    area_code: str,
    area_name: str,
    points: Sequence[Sequence[float]],
    placements: Sequence[Mapping[str, Any]],
    catalog: planning.Catalog,
    only_treatment: str | None = None,
) -> dict[str, Any]:
    """The map as the templates draw it: the view, the zone, the injection sites (when a
    treatment gives units by a grid), the placements with their footprints, one line per
    treatment saying what the map gives it, and what is wrong."""
    view = view_for(area_code)
    errors = map_errors(area_code=area_code, points=points, placements=placements, catalog=catalog)
    zone = as_points(points) if points and "zone_points" not in errors else ()
    specs = [s for s in catalog.treatments if s.map_kind and only_treatment in (None, s.code)]
    probe = planning.AreaInput(
        area=area_code,
        pinch_mm=Decimal(30),
        size="medium",
        zone=zone,
        placements=as_placed(placements),
    )
    sites: list[list[float]] = []
    lines = []
    for spec in specs:
        mapped = planning.map_units(spec, probe, catalog)
        if mapped is None:
            continue
        if spec.map_kind == planning.MAP_INJECTION_GRID:
            grid = geometry.injection_sites(zone, spec.grid_spacing_cm)
            sites = [[round(p.x, 2), round(p.y, 2)] for p in grid]
        lines.append(
            {
                "treatment": spec.name,
                "text": mapped.exclusion or mapped.explanation,
                "problem": bool(mapped.exclusion),
            }
        )
    drawn = []
    for number, p in enumerate(placements, start=1):
        applicator = catalog.applicator(str(p["applicator"]))
        if applicator is None or (only_treatment and applicator.treatment != only_treatment):
            continue
        w, h = float(applicator.width_cm), float(applicator.height_cm)
        drawn.append(
            {
                "number": number,
                "applicator": applicator.code,
                "name": applicator.name,
                "x": float(p["x"]),
                "y": float(p["y"]),
                "left": round(float(p["x"]) - w / 2, 2),
                "top": round(float(p["y"]) - h / 2, 2),
                "width": w,
                "height": h,
            }
        )
    return {
        "area": area_code,
        "area_name": area_name,
        "view": view.code,
        "view_name": view.name,
        "width": view.bounds.width,
        "height": view.bounds.height,
        "points": [list(p) for p in points],
        "sites": sites,
        "placements": drawn,
        "lines": lines,
        "errors": [m for ms in errors.values() for m in ms],
    }
