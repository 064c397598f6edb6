"""treatments.engine.geometry: zones, injection grids, caps, coverage; no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatments.engine.geometry import (
    Bounds,
    GridRules,
    Placement,
    Point,
    coverage,
    injection_dose,
    injection_sites,
    point_in_polygon,
    polygon_area,
    rectangle,
    size_errors,
    split_sites,
    treatments_in_visit,
    vials_for,
    zone_errors,
)

BACK = Bounds(60, 90)
LABEL = GridRules()  # 1 cm, 0.2 mL a site, 2 mL vials, 50 sites and 10 mL a session


def pts(*pairs: tuple[float, float]) -> tuple[Point, ...]:
    return tuple(Point(x, y) for x, y in pairs)


def rect(x: float, y: float, w: float, h: float) -> tuple[Point, ...]:
    return pts((x, y), (x + w, y), (x + w, y + h), (x, y + h))


# --- Validity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (pts((1, 1), (5, 1)), "at least three corners"),
        (pts((1, 1), (5, 1), (5, 1), (1, 1)), "at least three corners"),  # repeats dropped
        (pts((1, 1), (5, 1), (9, 1)), "no real size"),  # a line
        (pts((1, 1), (1.5, 1), (1.5, 1.5)), "no real size"),  # 0.125 cm²
        (pts((1, 1), (9, 9), (9, 1), (1, 9)), "crosses itself (sides 1 and 3)"),  # a bow tie
        (pts((50, 10), (70, 10), (70, 20), (50, 20)), "outside the diagram"),
        (pts((-1, 10), (5, 10), (5, 20)), "corner 1 is at -1, 10 cm"),
        (pts((10, 80), (20, 80), (20, 95), (10, 95)), "y from 0 to 90 cm"),
    ],
)
def test_zone_errors_say_what_is_wrong(points, message):
    errors = zone_errors(points, BACK)
    assert errors
    assert any(message in e for e in errors), errors


@pytest.mark.parametrize(
    "points",
    [
        rect(10, 10, 20, 10),
        pts((0, 0), (60, 0), (60, 90), (0, 90)),  # the whole diagram, edges included
        pts((10, 10), (30, 10), (30, 30), (20, 15), (10, 30)),  # concave
    ],
)
def test_valid_zones_have_no_errors(points):
    assert zone_errors(points, BACK) == []


@pytest.mark.parametrize(
    ("width", "height", "ok"), [(10, 5, True), (0, 5, False), (5, -1, False), (0.5, 0.5, False)]
)
def test_typed_sizes(width, height, ok):
    assert (size_errors(width, height) == []) is ok


def test_area_and_inside():
    square = rect(0, 0, 4, 4)
    assert polygon_area(square) == 16
    assert polygon_area(pts((0, 0), (4, 0), (0, 3))) == 6
    assert point_in_polygon(Point(2, 2), square)
    assert not point_in_polygon(Point(5, 2), square)


def test_rectangle_is_centred():
    assert rectangle(Point(10, 20), 4, 2) == rect(8, 19, 4, 2)


# --- The injection grid --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "sites"),
    [
        (rect(0, 0, 1, 1), 1),
        (rect(0, 0, 6, 7), 42),
        (rect(10, 10, 10, 5), 50),
        (rect(10.2, 10.2, 1, 1), 1),  # off the lattice: still one site
        (rect(0, 0, 0.4, 5), 0),  # narrower than the lattice: no site
        (pts((0, 0), (10, 0), (0, 10)), 45),  # a triangle: the sites below the diagonal
    ],
)
def test_sites_are_one_cm_apart_inside_the_zone(zone, sites):
    found = injection_sites(zone, D("1"))
    assert len(found) == sites
    for a in found:
        assert point_in_polygon(a, zone)
        for b in found:
            if a != b:
                assert max(abs(a.x - b.x), abs(a.y - b.y)) >= 1 - 1e-9


def test_a_wider_spacing_gives_fewer_sites():
    assert len(injection_sites(rect(0, 0, 10, 10), D("2"))) == 25


@pytest.mark.parametrize(
    ("sites", "cap", "split"),
    [(0, 50, ()), (42, 50, (42,)), (50, 50, (50,)), (51, 50, (26, 25)), (120, 50, (40, 40, 40))],
)
def test_split_sites(sites, cap, split):
    assert split_sites(sites, cap) == split


@pytest.mark.parametrize(("sites", "vials"), [(0, 0), (1, 1), (10, 1), (11, 2), (42, 5), (50, 5)])
def test_vials_round_up_a_discarded_rest(sites, vials):
    assert vials_for(sites, LABEL) == vials


def test_the_example_of_the_issue():
    dose = injection_dose(rect(0, 0, 6, 7), LABEL)
    assert (dose.site_count, dose.ml, dose.vials, dose.sessions) == (42, D("8.4"), (5,), (42,))


def test_over_the_caps_the_zone_is_split_across_sessions():
    dose = injection_dose(rect(0, 0, 12, 10), LABEL)  # 120 sites, 24 mL
    assert dose.sessions == (40, 40, 40)
    assert dose.vials == (4, 4, 4)
    assert dose.sessions_per_round == 3


def test_the_volume_cap_binds_when_the_dose_is_larger():
    rules = GridRules(ml_per_site=D("0.4"))  # 10 mL is 25 sites
    assert rules.sites_per_session() == 25
    assert injection_dose(rect(0, 0, 10, 5), rules).sessions == (25, 25)


# --- Applicators ---------------------------------------------------------------------------


def cup(x: float, y: float, w: float = 6, h: float = 4) -> Placement:
    return Placement("cup", x, y, w, h)


def test_two_cups_side_by_side_cover_a_zone_their_size():
    zone = rect(10, 10, 12, 4)
    result = coverage(zone, [cup(13, 12), cup(19, 12)])
    assert result.zone_cm2 == 48
    assert result.covered_cm2 == 48
    assert result.uncovered_cm2 == 0
    assert result.overlap_cm2 == 0
    assert result.overlapping_pairs == ()
    assert result.covered_percent == 100


def test_overlap_and_uncovered_are_measured():
    zone = rect(10, 10, 20, 4)  # 80 cm²
    result = coverage(zone, [cup(13, 12), cup(17, 12)])  # 2 cm of overlap x 4 cm
    assert result.overlap_cm2 == 8
    assert result.covered_cm2 == 40
    assert result.uncovered_cm2 == 40
    assert result.overlapping_pairs == ((0, 1),)
    assert result.covered_percent == 50


def test_a_placement_off_the_zone_is_outside():
    result = coverage(rect(10, 10, 4, 4), [cup(40, 40)])
    assert (result.covered_cm2, result.outside_cm2) == (0, 24)


@pytest.mark.parametrize(("placed", "treatments"), [(0, 1), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3)])
def test_laser_four_applicators_per_treatment(placed, treatments):
    assert treatments_in_visit(placed, 4) == treatments


# --- Properties ----------------------------------------------------------------------------

lengths = st.floats(min_value=0, max_value=30, allow_nan=False, allow_infinity=False)
corners = st.floats(min_value=0, max_value=25, allow_nan=False, allow_infinity=False)


@given(x=corners, y=corners, w=lengths, h=lengths, dw=lengths, dh=lengths)
def test_a_larger_zone_never_needs_fewer_sites(x, y, w, h, dw, dh):
    small = rect(x, y, w, h)
    large = rect(x, y, w + dw, h + dh)
    assert len(injection_sites(large, D("1"))) >= len(injection_sites(small, D("1")))


@given(
    cx=st.floats(min_value=20, max_value=40),
    cy=st.floats(min_value=20, max_value=60),
    radius=st.floats(min_value=0.5, max_value=15),
    growth=st.floats(min_value=1.01, max_value=2),
    sides=st.integers(min_value=3, max_value=12),
)
def test_a_grown_convex_zone_keeps_every_site(cx, cy, radius, growth, sides):
    import math

    def polygon(r: float) -> tuple[Point, ...]:
        return tuple(
            Point(
                cx + r * math.cos(2 * math.pi * k / sides),
                cy + r * math.sin(2 * math.pi * k / sides),
            )
            for k in range(sides)
        )

    inner = set(injection_sites(polygon(radius), D("1")))
    outer = set(injection_sites(polygon(radius * growth), D("1")))
    assert inner <= outer


@given(
    w=st.floats(min_value=0, max_value=60),
    h=st.floats(min_value=0, max_value=90),
    ml=st.sampled_from([D("0.1"), D("0.2"), D("0.3"), D("0.5")]),
    max_sites=st.integers(min_value=1, max_value=80),
    max_ml=st.sampled_from([D("5"), D("10"), D("12.5")]),
)
def test_no_session_exceeds_the_caps(w, h, ml, max_sites, max_ml):
    rules = GridRules(ml_per_site=ml, max_sites_per_session=max_sites, max_ml_per_session=max_ml)
    dose = injection_dose(rect(0, 0, w, h), rules)
    assert sum(dose.sessions) == dose.site_count
    for sites, vials in zip(dose.sessions, dose.vials, strict=True):
        assert sites <= max_sites
        assert ml * sites <= max_ml
        # enough vials, and not one more than needed
        assert vials * rules.ml_per_unit >= ml * sites > (vials - 1) * rules.ml_per_unit
    if dose.sessions:
        assert max(dose.sessions) - min(dose.sessions) <= 1


@given(sites=st.integers(min_value=0, max_value=2000), cap=st.integers(min_value=1, max_value=60))
def test_split_uses_the_fewest_sessions(sites, cap):
    split = split_sites(sites, cap)
    assert len(split) == -(-sites // cap)
    assert all(part <= cap for part in split)


@settings(deadline=None)
@given(
    xs=st.lists(st.floats(min_value=3, max_value=50), min_size=1, max_size=5),
    w=st.floats(min_value=2, max_value=30),
    h=st.floats(min_value=2, max_value=30),
)
def test_coverage_adds_up(xs, w, h):
    zone = rect(5, 5, w, h)
    result = coverage(zone, [cup(x, 10) for x in xs])
    assert result.covered_cm2 + result.uncovered_cm2 == pytest.approx(result.zone_cm2, abs=0.2)
    assert 0 <= result.overlap_cm2 <= result.covered_cm2
    assert 0 <= result.covered_percent <= 100


@given(placed=st.integers(min_value=0, max_value=40), at_once=st.integers(min_value=1, max_value=8))
def test_no_treatment_runs_more_applicators_than_allowed(placed, at_once):
    n = treatments_in_visit(placed, at_once)
    assert n * at_once >= placed
    assert n == 1 or (n - 1) * at_once < placed
