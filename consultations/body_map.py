"""The project's body diagrams: three views drawn in centimetres (x to the right, y down).

Each view is a silhouette at a typical adult's scale, so a zone outlined on it is measured in
centimetres on the body; each body area belongs to one view and has an anchor where a typed
width x height zone is centred. Data only: drawn by templates/consultations/_body_map.html.
"""

from __future__ import annotations

from dataclasses import dataclass

from treatments.engine.geometry import Bounds, Point


@dataclass(frozen=True)
class View:
    code: str
    name: str
    bounds: Bounds
    outline: str  # SVG path data in cm
    head: tuple[float, float, float, float]  # ellipse cx, cy, rx, ry


# One torso, seen from the back or the front (the same outline, mirrored by nature).
_BODY = (
    "M27 18 L27 22 L14 25 L8 30 L5 55 L4 62 L8 63 L11 45 L16 38 L18 58 L15 72 L15 95 "
    "L19 110 L28 110 L29 80 L31 80 L32 110 L41 110 L45 95 L45 72 L42 58 L44 38 L49 45 "
    "L52 63 L56 62 L55 55 L52 30 L46 25 L33 22 L33 18 Z"
)
_SIDE = "M14 26 Q16 33 24 31 L27 30 L28 40 L12 40 L12 30 Z"

VIEWS = {
    "back": View("back", "Back", Bounds(60, 110), _BODY, (30, 10, 7, 9)),
    "front": View("front", "Front", Bounds(60, 110), _BODY, (30, 10, 7, 9)),
    "side": View("side", "Side", Bounds(40, 40), _SIDE, (20, 16, 10, 12)),
}
VIEW_ORDER = ("back", "front", "side")

# area code -> (view, anchor of a typed zone, a typical zone's width and height in cm)
AREA_VIEWS: dict[str, tuple[str, Point, float, float]] = {
    "upper_back": ("back", Point(30, 32), 28, 12),
    "bra_line": ("back", Point(30, 44), 28, 8),
    "lower_back": ("back", Point(30, 64), 24, 10),
    "flanks": ("back", Point(18, 62), 8, 12),
    "abdomen": ("front", Point(30, 60), 22, 16),
    "upper_arms": ("front", Point(10, 40), 6, 14),
    "inner_thighs": ("front", Point(26, 88), 6, 14),
    "outer_thighs": ("front", Point(17, 86), 5, 16),
    "submental": ("side", Point(20, 29), 8, 4),
}
DEFAULT_AREA = ("back", Point(30, 40), 10, 10)


def view_for(area_code: str) -> View:
    return VIEWS[AREA_VIEWS.get(area_code, DEFAULT_AREA)[0]]


def anchor_for(area_code: str) -> Point:
    return AREA_VIEWS.get(area_code, DEFAULT_AREA)[1]
