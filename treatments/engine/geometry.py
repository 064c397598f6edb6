"""The treatment map's geometry: zones drawn on a body diagram, in centimetres.

Pure Python: no Django, no I/O. A zone is a polygon on a diagram whose coordinates are
centimetres on the body (x to the right, y downwards, the diagram's top-left corner at 0, 0).
From a zone this module gives:

- whether the zone can be treated at all (`zone_errors`: at least three points, inside the
  diagram, not crossing itself, more than a sliver of area);
- the injection grid: sites on a lattice `spacing` apart (1 cm on the deoxycholic acid
  label) inside the zone, each a fixed dose (0.2 mL), split across sessions by the label's
  caps (50 injections, 10 mL per session) and counted in vials (2 mL, what is left of an
  opened vial is discarded);
- for applicators (cryolipolysis cups, laser applicators): how much of the zone the
  placements cover, where they overlap and what they leave uncovered;
- for the laser: how many treatments a visit needs when only so many applicators run at once.

The lattice is fixed to the diagram (sites at 0.5, 1.5, 2.5 ... cm when the spacing is 1 cm),
not to the zone, so a zone that contains another never has fewer sites than it. Every number
that is clinical (spacing, dose, caps, vial size) is passed in by the caller from the catalog.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

# A zone smaller than this is a slip of the finger, not a treatment zone (cm²).
MIN_ZONE_AREA_CM2 = 1.0
# Coverage is measured on a lattice this fine (cm): areas are "about" to a fraction of a cm².
COVERAGE_STEP_CM = 0.25
MAX_ZONE_POINTS = 200


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Bounds:
    """A diagram's size in centimetres: x in [0, width], y in [0, height]."""

    width: float
    height: float

    def contains(self, p: Point) -> bool:
        return 0 <= p.x <= self.width and 0 <= p.y <= self.height


@dataclass(frozen=True)
class Placement:
    """One applicator placed on the diagram: its centre and its footprint (cm)."""

    applicator: str  # the applicator type's code
    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    def contains(self, p: Point) -> bool:
        return (
            self.left <= p.x < self.left + self.width and self.top <= p.y < self.top + self.height
        )

    def corners(self) -> tuple[Point, ...]:
        right, bottom = self.left + self.width, self.top + self.height
        return (
            Point(self.left, self.top),
            Point(right, self.top),
            Point(right, bottom),
            Point(self.left, bottom),
        )


@dataclass(frozen=True)
class GridRules:
    """The injection grid's numbers, from the catalog (defaults: the deoxycholic acid label)."""

    spacing_cm: Decimal = Decimal("1")
    ml_per_site: Decimal = Decimal("0.2")
    ml_per_unit: Decimal = Decimal("2")  # one vial
    max_sites_per_session: int = 50
    max_ml_per_session: Decimal = Decimal("10")

    def sites_per_session(self) -> int:
        """The most sites one session may take: the tighter of the two caps."""
        by_volume = int(self.max_ml_per_session / self.ml_per_site)
        return max(1, min(self.max_sites_per_session, by_volume))


@dataclass(frozen=True)
class InjectionDose:
    """What a zone's grid amounts to: every site, and how the sites are split into sessions."""

    sites: tuple[Point, ...]
    ml: Decimal  # all sites once
    sessions: tuple[int, ...]  # sites per session, largest first; () for no sites
    vials: tuple[int, ...]  # vials per session (an opened vial's rest is discarded)

    @property
    def site_count(self) -> int:
        return len(self.sites)

    @property
    def total_vials(self) -> int:
        return sum(self.vials)

    @property
    def sessions_per_round(self) -> int:
        """How many sessions it takes to inject every site once (1 when it fits one)."""
        return max(1, len(self.sessions))

    @property
    def most_vials(self) -> int:
        return max(self.vials, default=0)


@dataclass(frozen=True)
class Coverage:
    """How placements sit on a zone (cm², measured on a fine lattice)."""

    zone_cm2: float
    covered_cm2: float
    uncovered_cm2: float
    overlap_cm2: float  # inside the zone, under two or more placements
    outside_cm2: float  # under a placement but outside the zone
    overlapping_pairs: tuple[tuple[int, int], ...]  # indexes of placements that overlap

    @property
    def covered_percent(self) -> int:
        if self.zone_cm2 <= 0:
            return 0
        return round(100 * self.covered_cm2 / self.zone_cm2)


# --- Polygons ------------------------------------------------------------------------------


def rectangle(center: Point, width: float, height: float) -> tuple[Point, ...]:
    """A width x height zone centred on `center` (a typed size instead of a drawing)."""
    left, top = center.x - width / 2, center.y - height / 2
    return (
        Point(left, top),
        Point(left + width, top),
        Point(left + width, top + height),
        Point(left, top + height),
    )


def clean_points(points: Sequence[Point]) -> tuple[Point, ...]:
    """The outline without repeated consecutive points (a double tap) or a closing repeat."""
    cleaned: list[Point] = []
    for p in points:
        if not cleaned or p != cleaned[-1]:
            cleaned.append(p)
    if len(cleaned) > 1 and cleaned[0] == cleaned[-1]:
        cleaned.pop()
    return tuple(cleaned)


def polygon_area(points: Sequence[Point]) -> float:
    """The enclosed area (cm²) by the shoelace formula; 0 for fewer than three points."""
    if len(points) < 3:
        return 0.0
    total = 0.0
    for a, b in zip(points, (*points[1:], points[0]), strict=True):
        total += a.x * b.y - b.x * a.y
    return abs(total) / 2


def point_in_polygon(p: Point, points: Sequence[Point]) -> bool:
    """Ray casting: boundaries are half-open, so shared edges never count a point twice and
    a polygon inside another never holds a point the outer one lacks."""
    inside = False
    n = len(points)
    for i in range(n):
        a, b = points[i], points[(i - 1) % n]
        if (a.y > p.y) != (b.y > p.y):
            crossing = (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x
            if p.x < crossing:
                inside = not inside
    return inside


def _orientation(a: Point, b: Point, c: Point) -> int:
    value = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    if abs(value) < 1e-12:
        return 0
    return 1 if value > 0 else -1


def _on_segment(a: Point, b: Point, p: Point) -> bool:
    return min(a.x, b.x) <= p.x <= max(a.x, b.x) and min(a.y, b.y) <= p.y <= max(a.y, b.y)


def segments_intersect(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Whether segment ab meets segment cd (touching or overlapping counts)."""
    o1, o2 = _orientation(a, b, c), _orientation(a, b, d)
    o3, o4 = _orientation(c, d, a), _orientation(c, d, b)
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def self_crossing(points: Sequence[Point]) -> tuple[int, int] | None:
    """The first pair of edges (by index, edge i runs from point i to i+1) that cross or
    touch although they are not neighbours; None for a simple outline."""
    n = len(points)
    for i in range(n):
        a, b = points[i], points[(i + 1) % n]
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbours share a corner by design
            c, d = points[j], points[(j + 1) % n]
            if segments_intersect(a, b, c, d):
                return i, j
    return None


def _cm(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def zone_errors(points: Sequence[Point], bounds: Bounds) -> list[str]:
    """Every reason the outline is not a treatable zone, as sentences for the provider."""
    pts = clean_points(points)
    if len(pts) < 3:
        return ["A zone needs at least three corners; outline it or type its width and height."]
    if len(pts) > MAX_ZONE_POINTS:
        return [f"A zone may have at most {MAX_ZONE_POINTS} corners; simplify the outline."]
    errors = []
    outside = [i for i, p in enumerate(pts, start=1) if not bounds.contains(p)]
    if outside:
        p = pts[outside[0] - 1]
        errors.append(
            f"The zone goes outside the diagram (x from 0 to {_cm(bounds.width)} cm, y from 0 "
            f"to {_cm(bounds.height)} cm): corner {outside[0]} is at "
            f"{_cm(p.x)}, {_cm(p.y)} cm."
        )
    crossing = self_crossing(pts)
    if crossing is not None:
        errors.append(
            f"The outline crosses itself (sides {crossing[0] + 1} and {crossing[1] + 1}); "
            "draw the corners in order around the zone."
        )
    elif polygon_area(pts) < MIN_ZONE_AREA_CM2:
        errors.append(
            f"The zone has no real size (under {_cm(MIN_ZONE_AREA_CM2)} cm²); outline the "
            "area to treat."
        )
    return errors


def size_errors(width: float, height: float) -> list[str]:
    if width <= 0 or height <= 0:
        return ["Width and height must both be more than 0 cm."]
    if width * height < MIN_ZONE_AREA_CM2:
        return [f"The zone has no real size (under {_cm(MIN_ZONE_AREA_CM2)} cm²)."]
    return []


def placement_errors(placements: Sequence[Placement], bounds: Bounds) -> list[str]:
    """A placement whose centre is off the diagram or that has no footprint is a typo."""
    errors = []
    for number, p in enumerate(placements, start=1):
        if not bounds.contains(Point(p.x, p.y)):
            errors.append(
                f"Applicator {number} is outside the diagram (x from 0 to "
                f"{_cm(bounds.width)} cm, y from 0 to {_cm(bounds.height)} cm)."
            )
        elif p.width <= 0 or p.height <= 0:
            errors.append(f"Applicator {number} has no footprint; check its type.")
    return errors


# --- The injection grid --------------------------------------------------------------------


def injection_sites(points: Sequence[Point], spacing: Decimal | float) -> tuple[Point, ...]:
    """The lattice points `spacing` apart (offset half a spacing from the diagram's corner)
    inside the zone, row by row from the top."""
    step = float(spacing)
    if step <= 0:
        raise ValueError("The injection spacing must be more than 0 cm.")
    pts = clean_points(points)
    if len(pts) < 3:
        return ()
    xs, ys = [p.x for p in pts], [p.y for p in pts]
    first_col = max(0, math.floor(min(xs) / step - 0.5))
    last_col = math.ceil(max(xs) / step)
    first_row = max(0, math.floor(min(ys) / step - 0.5))
    last_row = math.ceil(max(ys) / step)
    sites = []
    for row in range(first_row, last_row + 1):
        y = (row + 0.5) * step
        for col in range(first_col, last_col + 1):
            site = Point((col + 0.5) * step, y)
            if point_in_polygon(site, pts):
                sites.append(site)
    return tuple(sites)


def split_sites(site_count: int, per_session: int) -> tuple[int, ...]:
    """Sites per session when one session takes at most `per_session`: as few sessions as
    the cap allows, as even as possible, the larger first."""
    if per_session < 1:
        raise ValueError("A session must allow at least one site.")
    if site_count <= 0:
        return ()
    parts = -(-site_count // per_session)
    base, extra = divmod(site_count, parts)
    return tuple(base + 1 if i < extra else base for i in range(parts))


def vials_for(site_count: int, rules: GridRules) -> int:
    """Vials that hold the dose for `site_count` sites (an opened vial is never shared)."""
    ml = rules.ml_per_site * site_count
    return int((ml / rules.ml_per_unit).to_integral_value(rounding=ROUND_CEILING))


def injection_dose(points: Sequence[Point], rules: GridRules) -> InjectionDose:
    sites = injection_sites(points, rules.spacing_cm)
    sessions = split_sites(len(sites), rules.sites_per_session())
    return InjectionDose(
        sites=sites,
        ml=rules.ml_per_site * len(sites),
        sessions=sessions,
        vials=tuple(vials_for(n, rules) for n in sessions),
    )


# --- Applicators ---------------------------------------------------------------------------


def rectangles_overlap(a: Placement, b: Placement) -> bool:
    """Footprints that share more than an edge."""
    return (
        a.left < b.left + b.width
        and b.left < a.left + a.width
        and a.top < b.top + b.height
        and b.top < a.top + a.height
    )


def coverage(
    points: Sequence[Point], placements: Sequence[Placement], step: float = COVERAGE_STEP_CM
) -> Coverage:
    """Covered, uncovered and overlapping parts of the zone, counted on a `step` lattice
    (each lattice point stands for a step x step square)."""
    pts = clean_points(points)
    cell = step * step
    zone_cells = covered = overlap = outside = 0
    boxes = [p.corners() for p in placements]
    xs = [p.x for p in pts] + [c.x for box in boxes for c in box]
    ys = [p.y for p in pts] + [c.y for box in boxes for c in box]
    if not xs:
        return Coverage(0.0, 0.0, 0.0, 0.0, 0.0, ())
    col_range = range(math.floor(min(xs) / step), math.ceil(max(xs) / step) + 1)
    for row in range(math.floor(min(ys) / step), math.ceil(max(ys) / step) + 1):
        y = (row + 0.5) * step
        for col in col_range:
            p = Point((col + 0.5) * step, y)
            under = sum(1 for placement in placements if placement.contains(p))
            if len(pts) >= 3 and point_in_polygon(p, pts):
                zone_cells += 1
                covered += under > 0
                overlap += under > 1
            elif under:
                outside += 1
    pairs = tuple(
        (i, j)
        for i in range(len(placements))
        for j in range(i + 1, len(placements))
        if rectangles_overlap(placements[i], placements[j])
    )
    return Coverage(
        zone_cm2=round(zone_cells * cell, 1),
        covered_cm2=round(covered * cell, 1),
        uncovered_cm2=round((zone_cells - covered) * cell, 1),
        overlap_cm2=round(overlap * cell, 1),
        outside_cm2=round(outside * cell, 1),
        overlapping_pairs=pairs,
    )


def treatments_in_visit(placements: int, at_once: int) -> int:
    """Treatments one visit needs when `at_once` applicators run together (the laser: four
    per 25-minute treatment; a fifth is a second treatment)."""
    if at_once < 1:
        raise ValueError("At least one applicator must run at once.")
    return max(1, -(-placements // at_once))
