"""The plan engine with a treatment map: units, time and cost from the zone and placements.

The default catalog (DOMAIN.md with the seeded applicators); no database.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatments.catalog.defaults import CRYO, INJECTION, LASER, default_catalog
from treatments.engine.geometry import Point
from treatments.engine.planning import (
    AreaInput,
    Closures,
    PatientFacts,
    PlacedApplicator,
    Preferences,
    map_units,
    plan_options,
)

CATALOG = default_catalog()
MONDAY = date(2027, 1, 4)
PATIENT = PatientFacts(age=41, sex="female", height_cm=D(165), weight_kg=D(65))


def rect(x: float, y: float, w: float, h: float) -> tuple[Point, ...]:
    return (Point(x, y), Point(x + w, y), Point(x + w, y + h), Point(x, y + h))


def spec(code: str):
    return next(t for t in CATALOG.treatments if t.code == code)


def area(zone=(), placements=(), size="medium", pinch=30) -> AreaInput:
    return AreaInput(
        area="upper_back",
        pinch_mm=D(pinch),
        size=size,
        zone=tuple(zone),
        placements=tuple(PlacedApplicator(code, x, y) for code, x, y in placements),
    )


def options(*areas: AreaInput):
    result = plan_options(
        patient=PATIENT,
        areas=areas,
        preferences=Preferences(),
        catalog=CATALOG,
        closures=Closures(),
        start=MONDAY,
    )
    return {o.treatment: o for o in result.options}, {e.treatment: e for e in result.excluded}


def test_injections_take_their_vials_from_the_grid():
    found, _ = options(area(zone=rect(10, 10, 6, 7)))  # 42 sites
    injection = found[INJECTION]
    plan = injection.area_plans[0]
    assert plan.explanation == "42 injection sites, 8.4 mL: 5 vials."
    assert plan.units == 5
    assert plan.sessions == 2  # 30 mm to 20 mm at 20% a session; the label's minimum is 2
    assert injection.cost.subtotal == D("6000.00")  # 5 vials x 2 sessions x 600
    assert "42 injection sites" not in injection.cost.line_items[0].description
    assert "5 vials per session x 2 sessions" in injection.cost.line_items[0].description


def test_without_a_map_the_size_table_still_applies():
    found, _ = options(area(size="large"))
    assert found[INJECTION].area_plans[0].units == 4
    assert found[INJECTION].area_plans[0].explanation == ""
    assert found[CRYO].area_plans[0].units == 4


def test_a_zone_over_the_caps_is_split_across_sessions():
    found, _ = options(area(zone=rect(10, 10, 12, 10)))  # 120 sites: 3 sessions of 40
    plan = found[INJECTION].area_plans[0]
    assert plan.split == 3
    assert plan.units == 4  # 40 sites, 8 mL
    assert plan.sessions == 6  # two treatments of the zone, three sessions each
    assert "split across 3 sessions of 40, 40 and 40 sites" in plan.explanation
    assert found[INJECTION].cost.subtotal == D("14400.00")  # 12 vials x 2 x 600
    for session in found[INJECTION].sessions:
        assert session.areas[0].units <= 5


def test_a_zone_too_large_for_the_label_is_excluded_with_the_reason():
    _, excluded = options(area(zone=rect(0, 0, 20, 20)))  # 400 sites: 8 sessions
    assert "takes 8 sessions, more than the 6 allowed" in excluded[INJECTION].reasons[0]


def test_a_zone_too_small_for_one_site_is_excluded():
    _, excluded = options(area(zone=rect(10.6, 10.6, 0.3, 0.3)))
    assert "too small for one injection site" in excluded[INJECTION].reasons[0]


def test_cryolipolysis_cost_and_time_follow_the_placements():
    zone = rect(10, 10, 16, 16)
    one, _ = options(area(zone=zone, placements=[("cryo_large_cup", 14, 18)]))
    two, _ = options(
        area(zone=zone, placements=[("cryo_large_cup", 14, 18), ("cryo_large_cup", 22, 18)])
    )
    assert one[CRYO].area_plans[0].units == 1
    assert two[CRYO].area_plans[0].units == 2
    sessions = two[CRYO].session_count
    assert two[CRYO].cost.subtotal == D("750.00") * 2 * sessions
    assert two[CRYO].sessions[0].duration_minutes == 15 + 2 * 35
    explanation = two[CRYO].area_plans[0].explanation
    assert explanation.startswith("2 placements (2 x Large vacuum cup (35 min)): 2 cycles")
    assert "100% of the zone covered" in explanation


def test_each_applicator_type_is_timed_and_priced_by_its_row():
    found, _ = options(
        area(
            zone=rect(10, 10, 30, 20),
            placements=[("cryo_large_cup", 14, 18), ("cryo_flat", 30, 20)],
        )
    )
    cryo = found[CRYO]
    assert cryo.sessions[0].duration_minutes == 15 + 35 + 75
    assert len(cryo.cost.line_items) == 2
    assert "Flat applicator (no vacuum)" in cryo.cost.line_items[1].description


def test_overlap_and_uncovered_area_are_said():
    found, _ = options(
        area(
            zone=rect(10, 10, 30, 16),
            placements=[("cryo_large_cup", 14, 18), ("cryo_large_cup", 18, 18)],
        )
    )
    cryo = found[CRYO]
    assert "cm² uncovered" in cryo.area_plans[0].explanation
    assert "under two applicators" in cryo.area_plans[0].explanation
    assert any("overlap" in w for w in cryo.warnings)


def test_five_laser_applicators_are_a_second_treatment_in_the_visit():
    placements = [("laser_flat", 12 + 5 * i, 20) for i in range(5)]
    found, _ = options(area(zone=rect(10, 10, 30, 20), placements=placements))
    laser = found[LASER]
    assert laser.sessions[0].treatments_in_visit == 2
    assert laser.sessions[0].duration_minutes == 2 * 40
    assert "2 treatments in the visit" in laser.area_plans[0].explanation
    assert laser.cost.subtotal == D("350.00") * 5 * laser.session_count


def test_more_applicators_than_a_visit_allows_exclude_the_treatment():
    placements = [("cryo_small_cup", 12 + 3 * i, 20) for i in range(9)]
    _, excluded = options(area(zone=rect(10, 10, 40, 20), placements=placements))
    assert "9 cycles placed on the map, more than the 8" in excluded[CRYO].reasons[0]


def test_placements_of_another_treatment_leave_the_size_table():
    mapped = area(zone=rect(10, 10, 16, 16), placements=[("cryo_large_cup", 14, 18)])
    assert map_units(spec(LASER), mapped, CATALOG) is None
    found, _ = options(mapped)
    assert found[LASER].area_plans[0].units == 2  # medium


@pytest.mark.parametrize(("width", "vials"), [(5, 3), (6, 3), (10, 5)])
def test_vials_follow_the_zone(width, vials):
    found, _ = options(area(zone=rect(10, 10, width, 5)))
    assert found[INJECTION].area_plans[0].units == vials


@settings(max_examples=40, deadline=None)
@given(
    w=st.integers(min_value=1, max_value=14),
    h=st.integers(min_value=1, max_value=14),
    dw=st.integers(min_value=0, max_value=5),
)
def test_a_larger_zone_never_needs_fewer_vials_per_treatment(w, h, dw):
    """One treatment of a larger zone takes at least as many vials (the course may hold
    fewer treatments of it when the label's 6 sessions run out, which is warned about)."""
    small, _ = options(area(zone=rect(10, 10, w, h)))
    large, _ = options(area(zone=rect(10, 10, w + dw, h)))
    if INJECTION in small and INJECTION in large:
        small_plan, large_plan = small[INJECTION].area_plans[0], large[INJECTION].area_plans[0]
        assert large_plan.charges[0].units_per_round >= small_plan.charges[0].units_per_round
        assert large_plan.sessions <= 6
        for session in large[INJECTION].sessions:
            assert sum(a.units for a in session.areas) <= 5


def test_when_the_label_sessions_run_out_the_plan_says_so():
    found, _ = options(area(zone=rect(10, 10, 16, 10)))  # 160 sites: 4 sessions each time
    injection = found[INJECTION]
    assert injection.area_plans[0].sessions == 4  # one treatment of the zone
    assert any("only 1 treatment of the zone fit the 6 sessions" in w for w in injection.warnings)
