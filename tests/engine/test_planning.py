"""treatments.engine.planning: every DOMAIN.md rule, table-driven, plus hypothesis properties.

Plain functions on the default catalog snapshot (treatments.catalog.defaults); no database.
"""

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatments.catalog.defaults import (
    ALL_AREAS,
    CONDITION_RULES,
    CRYO,
    INJECTION,
    LASER,
    default_catalog,
)
from treatments.engine.planning import (
    CONSISTENCIES,
    ENGINE_VERSION,
    LAXITIES,
    SIZES,
    AreaInput,
    AreaPlan,
    Closures,
    PatientFacts,
    PlanResult,
    Preferences,
    bmi,
    course_cost,
    plan_options,
    schedule_course,
    schedule_dates,
    sessions_needed,
)
from treatments.engine.pricing import ExtraDiscount

CATALOG = default_catalog()
MONDAY = date(2027, 1, 4)


def patient(**changes) -> PatientFacts:
    base = PatientFacts(age=41, sex="female", height_cm=D(165), weight_kg=D(65), weight_stable=True)
    if "conditions" in changes:
        changes["conditions"] = frozenset(changes["conditions"])
    return replace(base, **changes)


def area(code="upper_back", pinch=30, size="medium", consistency="soft", laxity="none"):
    return AreaInput(
        area=code, pinch_mm=D(pinch), size=size, consistency=consistency, skin_laxity=laxity
    )


def plan(
    *,
    facts=None,
    areas=None,
    prefs=None,
    catalog=CATALOG,
    closures=None,
    start=MONDAY,
) -> PlanResult:
    return plan_options(
        patient=facts or patient(),
        areas=areas or [area()],
        preferences=prefs or Preferences(),
        catalog=catalog,
        closures=closures or Closures(),
        start=start,
    )


def option(result: PlanResult, code: str):
    return next(o for o in result.options if o.treatment == code)


def excluded(result: PlanResult) -> dict[str, tuple[str, ...]]:
    return {e.treatment: e.reasons for e in result.excluded}


def eligible(result: PlanResult) -> list[str]:
    return [o.treatment for o in result.options]


def with_treatment(code: str, **changes):
    return replace(
        CATALOG,
        treatments=tuple(
            replace(t, **changes) if t.code == code else t for t in CATALOG.treatments
        ),
    )


# --- Condition rules: every row of DOMAIN.md's table ---------------------------------------


@pytest.mark.parametrize(("condition", "treatment", "action", "sentence"), CONDITION_RULES)
def test_condition_rule(condition, treatment, action, sentence):
    result = plan(facts=patient(conditions=[condition]))
    if action == "exclude":
        assert sentence in excluded(result)[treatment]
    else:
        assert sentence in option(result, treatment).warnings


@pytest.mark.parametrize(
    ("condition", "excluded_codes"),
    [
        ("pregnancy", {INJECTION, CRYO, LASER}),
        ("cryoglobulinemia", {CRYO}),
        ("cold_agglutinin_disease", {CRYO}),
        ("paroxysmal_cold_hemoglobinuria", {CRYO}),
        ("raynauds", set()),
        ("infection_at_site", {INJECTION, CRYO, LASER}),
        ("skin_condition_at_site", set()),
        ("bleeding_disorder", set()),
        ("anticoagulants", set()),
        ("deoxycholic_acid_allergy", {INJECTION}),
        ("hernia_at_site", {CRYO, LASER}),
        ("recent_surgery_at_site", set()),
        ("impaired_sensation_at_site", set()),
        ("implanted_device_at_site", {LASER}),
        ("isotretinoin_recent", set()),
        ("photosensitizing_medication", set()),
    ],
)
def test_which_treatments_each_condition_excludes(condition, excluded_codes):
    result = plan(facts=patient(conditions=[condition]))
    assert set(excluded(result)) == excluded_codes


@pytest.mark.parametrize(
    ("condition", "warned_codes"),
    [
        ("raynauds", {CRYO}),
        ("skin_condition_at_site", {INJECTION, CRYO, LASER}),
        ("bleeding_disorder", {INJECTION, CRYO}),
        ("anticoagulants", {INJECTION}),
        ("recent_surgery_at_site", {INJECTION, CRYO, LASER}),
        ("impaired_sensation_at_site", {CRYO, LASER}),
        ("isotretinoin_recent", {LASER}),
        ("photosensitizing_medication", {LASER}),
    ],
)
def test_which_treatments_each_condition_warns(condition, warned_codes):
    baseline = plan()
    result = plan(facts=patient(conditions=[condition]))
    warned = {
        o.treatment
        for o in result.options
        if len(o.warnings) > len(option(baseline, o.treatment).warnings)
    }
    assert warned == warned_codes


def test_every_reason_is_given_not_just_the_first():
    result = plan(facts=patient(age=16, conditions=["pregnancy", "hernia_at_site"]))
    reasons = excluded(result)[CRYO]
    assert len(reasons) == 3
    assert reasons[0].startswith("The patient is 16")


# --- Patient facts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "all_excluded"), [(16, True), (17, True), (18, False), (70, False)]
)
def test_under_18_excludes_everything(age, all_excluded):
    result = plan(facts=patient(age=age))
    assert (set(excluded(result)) == {INJECTION, CRYO, LASER}) is all_excluded
    if all_excluded:
        assert result.options == ()
        assert "adults (18 or older)" in excluded(result)[CRYO][0]


@pytest.mark.parametrize(
    ("height_cm", "weight_kg", "expected"),
    [
        (D(165), D(65), D("23.9")),  # 23.875
        (D(200), D("120.2"), D("30.1")),  # exactly 30.05: half up, not half even (30.0)
        (D(200), D(121), D("30.3")),  # exactly 30.25: half even would give 30.2
        (D(200), D("120.6"), D("30.2")),  # exactly 30.15
        (D(200), D(120), D("30.0")),  # one decimal shown even when it is 0
        (D("81.7"), D(20), D("30.0")),  # 29.96...
        (D(165), D("81.7"), D("30.0")),  # 30.009...: at the limit of 30, not over it
        (D(165), D(82), D("30.1")),  # 30.119...
        (D("180.5"), D("72.4"), D("22.2")),  # 22.221...
        (D(100), D("20.05"), D("20.1")),  # exactly 20.05
        (200, 100, D("25.0")),  # whole numbers as ints
    ],
)
def test_bmi_is_rounded_once_to_one_decimal_half_up(height_cm, weight_kg, expected):
    value = bmi(height_cm, weight_kg)
    assert value == expected
    assert str(value) == str(expected)  # what a page shows


@pytest.mark.parametrize("height_cm", [D(0), D(-170)])
def test_bmi_needs_a_positive_height(height_cm):
    with pytest.raises(ValueError, match="positive height"):
        bmi(height_cm, D(70))


@settings(max_examples=200, deadline=None)
@given(
    height_cm=st.decimals(min_value=50, max_value=250, places=1),
    weight_kg=st.decimals(min_value=20, max_value=400, places=1),
)
def test_bmi_is_within_half_a_tenth_and_the_patient_and_engine_use_it(height_cm, weight_kg):
    value = bmi(height_cm, weight_kg)
    exact = weight_kg / (height_cm / 100) ** 2
    assert value.as_tuple().exponent == -1
    assert abs(value - exact) <= D("0.05")
    facts = patient(height_cm=height_cm, weight_kg=weight_kg)
    assert facts.bmi == value
    assert plan(facts=facts).bmi == value


@pytest.mark.parametrize(
    ("weight", "shown", "over_30"),
    [(D("120.2"), "30.1", True), (D(120), "30", False)],
)
def test_limits_and_warnings_compare_the_rounded_bmi(weight, shown, over_30):
    # 200 cm, 120.2 kg: the page and the engine both say 30.1, and 30.1 is over 30.
    result = plan(facts=patient(height_cm=D(200), weight_kg=weight))
    assert result.bmi == bmi(D(200), weight)
    if over_30:
        assert set(excluded(result)) == {CRYO, LASER}
        assert excluded(result)[CRYO][0].startswith(f"A BMI of {shown} is over the limit of 30")
    else:
        assert excluded(result) == {}
    warned = any("not a weight-loss treatment" in w for w in option(result, INJECTION).warnings)
    assert warned is over_30


@pytest.mark.parametrize(
    ("weight", "area_code", "excluded_codes", "weight_loss_warning"),
    [
        (D(65), "upper_back", set(), False),  # BMI 23.9
        (D("81.7"), "upper_back", set(), False),  # BMI 30.0: at the limit is allowed
        (D(82), "upper_back", {CRYO, LASER}, True),  # BMI 30.1
        (D(110), "upper_back", {CRYO, LASER}, True),  # BMI 40.4
        (D(110), "submental", {LASER}, True),  # cryo's chin limit is 46.2
        (D(130), "submental", {CRYO, LASER}, True),  # BMI 47.8
    ],
)
def test_bmi_limits(weight, area_code, excluded_codes, weight_loss_warning):
    result = plan(facts=patient(weight_kg=weight), areas=[area(area_code)])
    assert set(excluded(result)) == excluded_codes
    for code in excluded_codes:
        reason = excluded(result)[code][0]
        assert f"A BMI of {result.bmi} is over the limit of" in reason
    for o in result.options:
        has_warning = any("not a weight-loss treatment" in w for w in o.warnings)
        assert has_warning is weight_loss_warning


def test_bmi_exclusion_names_bmi_and_limit():
    result = plan(facts=patient(weight_kg=D(90)))
    assert excluded(result)[CRYO] == (
        "A BMI of 33.1 is over the limit of 30 for Cryolipolysis (fat freezing) on the upper back.",
    )


@pytest.mark.parametrize(("stable", "warned"), [(True, False), (False, True)])
def test_unstable_weight_warns(stable, warned):
    result = plan(facts=patient(weight_stable=stable))
    for o in result.options:
        assert any("not been stable" in w for w in o.warnings) is warned


# --- Areas ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pinch", "excluded_codes"),
    [
        (5, {INJECTION, CRYO, LASER}),
        (9, {INJECTION, CRYO, LASER}),
        (10, {LASER}),
        (19, {LASER}),
        (20, set()),
    ],
)
def test_pinch_below_minimum_excludes(pinch, excluded_codes):
    result = plan(areas=[area(pinch=pinch)])
    assert set(excluded(result)) == excluded_codes
    if LASER in excluded_codes:
        assert excluded(result)[LASER] == (
            f"The fat layer on the upper back ({pinch} mm pinch) is thinner than the 20 mm "
            "Laser lipolysis (1060 nm) needs.",
        )


@pytest.mark.parametrize(
    ("pinch", "goal", "treatment", "sessions"),
    [
        (15, None, CRYO, 1),  # at or below the 20 mm goal: one session ...
        (20, None, CRYO, 1),
        (15, None, INJECTION, 2),  # ... or the treatment's minimum
        (30, D(35), CRYO, 1),  # the provider's goal
    ],
)
def test_pinch_at_or_below_goal(pinch, goal, treatment, sessions):
    result = plan(areas=[area(pinch=pinch)], prefs=Preferences(goal_pinch_mm=goal))
    o = option(result, treatment)
    assert o.session_count == sessions
    assert any("little to remove" in w for w in o.warnings)


@pytest.mark.parametrize(
    ("area_code", "warned"),
    [("submental", False), ("upper_back", True), ("bra_line", True), ("flanks", True)],
)
def test_injections_off_label_outside_the_chin(area_code, warned):
    o = option(plan(areas=[area(area_code)]), INJECTION)
    assert any(w.startswith("Off-label use") for w in o.warnings) is warned


def test_off_label_comes_from_the_cleared_areas():
    assert not any("Off-label" in w for w in option(plan(), CRYO).warnings)
    laser = option(plan(areas=[area("upper_arms")]), LASER)
    assert any("not approved for the upper arms" in w for w in laser.warnings)


@pytest.mark.parametrize(
    ("laxity", "warned"), [("none", False), ("mild", False), ("moderate", False), ("severe", True)]
)
def test_severe_laxity_warns_on_every_treatment(laxity, warned):
    result = plan(areas=[area(laxity=laxity)])
    assert len(result.options) == 3
    for o in result.options:
        assert any("surgeon" in w for w in o.warnings) is warned


# --- Session counts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pinch", "goal", "r", "lo", "hi", "expected"),
    [
        (30, 20, 20, 1, 3, (2, True)),  # 30 -> 24 -> 19.2
        (25, 20, 20, 1, 3, (1, True)),  # 25 -> 20: reaches exactly
        (40, 20, 20, 1, 3, (3, False)),  # 40 -> 32 -> 25.6 -> 20.48
        (60, 20, 20, 1, 3, (3, False)),  # max cannot reach
        (30, 20, 20, 2, 6, (2, True)),
        (21, 20, 20, 2, 6, (2, True)),  # clamped up to the minimum
        (100, 20, 20, 2, 6, (6, False)),
        (30, 20, 12, 1, 3, (3, False)),  # 30 -> 26.4 -> 23.2 -> 20.4
        (10, 20, 20, 1, 3, (1, True)),  # already below the goal
    ],
)
def test_sessions_needed(pinch, goal, r, lo, hi, expected):
    got = sessions_needed(
        pinch_mm=D(pinch), goal_mm=D(goal), reduction_percent=D(r), min_sessions=lo, max_sessions=hi
    )
    assert got == expected


def test_max_sessions_not_reaching_the_goal_warns():
    o = option(plan(areas=[area(pinch=60)]), CRYO)
    assert o.session_count == 3
    assert any(
        w.startswith("Even 3 sessions of Cryolipolysis (fat freezing) are not expected")
        and "about 30.7 mm" in w
        for w in o.warnings
    )


def test_course_length_is_the_largest_among_areas():
    result = plan(areas=[area("upper_back", pinch=40), area("bra_line", pinch=22)])
    o = option(result, CRYO)
    plans = {p.area: p.sessions for p in o.area_plans}
    assert plans == {"upper_back": 3, "bra_line": 1}
    assert o.session_count == 3
    assert [[a.area for a in s.areas] for s in o.sessions] == [
        ["upper_back", "bra_line"],
        ["upper_back"],
        ["upper_back"],
    ]


# --- Units per session: splitting -----------------------------------------------------------


def test_units_and_unit_per_area_size():
    o = option(
        plan(areas=[area("submental", size="small"), area("upper_back", size="large")]), CRYO
    )
    assert [(a.area, a.units, a.unit) for a in o.sessions[0].areas] == [
        ("submental", 1, "cycle"),
        ("upper_back", 4, "cycle"),
    ]
    assert o.sessions[0].duration_minutes == 15 + 35 * 5


def test_laser_second_treatment_in_the_same_visit():
    o = option(plan(areas=[area("upper_back", size="large"), area("flanks", size="medium")]), LASER)
    assert o.sessions[0].treatments_in_visit == 2
    assert o.sessions[0].duration_minutes == 80
    assert any("second treatment in the same visit" in w for w in o.warnings)


def test_injections_split_across_visits_when_a_session_is_full():
    result = plan(areas=[area("upper_back", size="large"), area("bra_line", size="medium")])
    o = option(result, INJECTION)  # 4 + 2 vials > 5 per session
    assert any("split across 2 visits" in w for w in o.warnings)
    assert [[a.area for a in s.areas] for s in o.sessions] == [
        ["upper_back"],
        ["bra_line"],
        ["upper_back"],
        ["bra_line"],
    ]
    days = [s.date for s in o.sessions]
    assert days[1] > days[0]
    assert (days[2] - days[0]).days >= 28 and (days[3] - days[1]).days >= 28


def test_an_area_that_cannot_fit_one_visit_is_excluded():
    catalog = with_treatment(INJECTION, units_large=6)
    result = plan(areas=[area(size="large")], catalog=catalog)
    assert excluded(result)[INJECTION] == (
        "The upper back needs 6 vials in a session, more than the 5 one visit allows.",
    )


# --- Dates and timeline ---------------------------------------------------------------------


def test_dates_use_the_usual_interval_and_skip_closed_days():
    o = option(plan(areas=[area(pinch=40)]), CRYO)
    assert [s.date for s in o.sessions] == [
        date(2027, 1, 4),
        date(2027, 3, 1),  # +56 days, a Monday
        date(2027, 4, 26),
    ]


def test_first_session_moves_past_a_closed_start():
    sunday = date(2027, 1, 3)
    o = option(plan(start=sunday), CRYO)
    assert o.sessions[0].date == MONDAY


def test_preferred_start_date_moves_the_start_later_never_earlier():
    later = plan(prefs=Preferences(start_date=date(2027, 2, 1)))
    assert option(later, CRYO).sessions[0].date == date(2027, 2, 1)
    earlier = plan(prefs=Preferences(start_date=date(2026, 1, 1)))
    assert option(earlier, CRYO).sessions[0].date == MONDAY


def test_a_closed_usual_day_takes_the_nearest_open_day_not_before_the_minimum():
    # Injections: usual 30 days, minimum 28. 2027-02-03 is a Wednesday; close it.
    closures = Closures(weekdays=frozenset({6}), dates=frozenset({date(2027, 2, 3)}))
    o = option(plan(closures=closures), INJECTION)
    assert o.sessions[1].date == date(2027, 2, 4)
    closures = Closures(weekdays=frozenset({2, 3, 4, 5, 6}))  # open Monday and Tuesday only
    o = option(plan(closures=closures), INJECTION)
    assert o.sessions[1].date == date(2027, 2, 2)  # day 29: nearer than day 33
    assert (o.sessions[1].date - o.sessions[0].date).days >= 28


def test_a_clinic_that_is_never_open_excludes_with_a_reason():
    result = plan(closures=Closures(weekdays=frozenset(range(7))))
    assert result.options == ()
    assert excluded(result)[CRYO] == (
        "The clinic has no open day on which these sessions could be booked.",
    )


def test_timeline():
    o = option(plan(areas=[area(pinch=30)]), INJECTION)
    first, last = o.sessions[0].date, o.sessions[-1].date
    assert o.downtime_days == 7
    assert o.results_from == first + timedelta(weeks=4)
    assert o.final_results_by == last + timedelta(weeks=6)
    laser = option(plan(), LASER)
    assert laser.results_from == laser.sessions[0].date + timedelta(weeks=6)
    assert laser.final_results_by == laser.sessions[-1].date + timedelta(weeks=12)


# --- Cost -----------------------------------------------------------------------------------


def test_cost_line_items_per_area():
    o = option(plan(areas=[area(pinch=25)]), CRYO)  # one session, 2 cycles
    item = o.cost.line_items[0]
    assert (item.quantity, item.unit_price, item.amount) == (2, D("750.00"), D("1500.00"))
    assert item.description == (
        "Cryolipolysis (fat freezing), upper back: 2 cycles per session x 1 session"
    )
    assert o.cost.total == D("1500.00")
    assert o.cost.deposit == D("300.00")


def test_course_discount_at_three_sessions():
    o = option(plan(areas=[area(pinch=40)]), CRYO)  # 3 sessions x 2 cycles
    assert o.cost.subtotal == D("4500.00")
    assert o.cost.discount == D("450.00")
    assert o.cost.total == D("4050.00")


def test_price_comes_from_the_catalog():
    catalog = with_treatment(CRYO, price_per_unit=D("800.00"))
    assert option(plan(areas=[area(pinch=25)], catalog=catalog), CRYO).cost.total == D("1600.00")


# --- Ranking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("areas", "order"),
    [
        # loose skin favours the laser's tightening: laser +2, injections -1 +2 (firm),
        # cryolipolysis -1 -1 (firm)
        ([area(pinch=30, laxity="moderate", consistency="firm")], [LASER, INJECTION, CRYO]),
        ([area(pinch=30, laxity="severe")], [LASER, CRYO, INJECTION]),
        # small dense pockets favour injections
        ([area("submental", pinch=20, size="small", consistency="firm")], [INJECTION, LASER, CRYO]),
        # large soft areas favour cryolipolysis or the laser
        ([area(pinch=30, size="large", consistency="soft")], [LASER, CRYO, INJECTION]),
    ],
)
def test_ranking_follows_suitability(areas, order):
    result = plan(areas=areas)
    assert eligible(result) == order
    assert [o.rank for o in result.options] == [1, 2, 3]


def test_every_point_is_explained():
    o = option(plan(areas=[area(size="large", laxity="moderate")]), LASER)
    assert o.score == 4
    assert o.reasons == (
        "Loose skin: the laser's heat also tightens skin (upper back; +2 points).",
        "Large area: the laser treats a whole region at once (upper back; +2 points).",
    )


def test_downtime_above_tolerance_costs_two_points_and_warns():
    base = option(plan(), INJECTION)
    o = option(plan(prefs=Preferences(max_downtime_days=3)), INJECTION)
    assert o.score == base.score - 2
    assert (
        "About 7 days of swelling and bruising after each session, more than the 3 days you can allow."
        in o.warnings
    )
    assert option(plan(prefs=Preferences(max_downtime_days=7)), INJECTION).score == base.score


def test_over_budget_costs_one_point_and_offers_payment_plans():
    base = option(plan(), CRYO)
    o = option(plan(prefs=Preferences(budget=D("1000"))), CRYO)
    assert o.score == base.score - 1
    assert any(
        w.startswith("The total of $3,000.00 is over your budget of $1,000.00.")
        and "3, 6, 12 monthly instalments" in w
        for w in o.warnings
    )
    assert option(plan(prefs=Preferences(budget=D("3000"))), CRYO).score == base.score


def test_ties_break_by_lower_total_cost_then_fewer_sessions():
    # Upper back 30 mm, medium, soft, tight skin: laser 0 and injections 0 points.
    result = plan()
    assert eligible(result) == [CRYO, LASER, INJECTION]
    laser, injection = option(result, LASER), option(result, INJECTION)
    assert laser.score == injection.score and laser.cost.total < injection.cost.total
    assert injection.reasons[-1] == (
        "Equally suitable as Laser lipolysis (1060 nm), which is ranked higher because it costs less."
    )
    # Same price: fewer sessions wins.
    catalog = with_treatment(LASER, price_per_unit=D("400.00"))  # 3 x 2 x 400 - 10% = 2160
    catalog = replace(
        catalog,
        treatments=tuple(
            replace(t, price_per_unit=D("540.00")) if t.code == INJECTION else t
            for t in catalog.treatments
        ),
    )  # 2 x 2 x 540 = 2160
    result = plan(catalog=catalog)
    assert eligible(result)[1:] == [INJECTION, LASER]
    assert option(result, LASER).reasons[-1].endswith("because it needs fewer sessions.")


def test_result_carries_version_currency_bmi_and_goal():
    result = plan()
    assert result.engine_version == ENGINE_VERSION
    assert (result.currency, result.bmi, result.goal_pinch_mm) == ("USD", D("23.9"), D(20))


def test_no_areas_is_a_programming_error():
    with pytest.raises(ValueError, match="at least one area"):
        plan_options(
            patient=patient(),
            areas=[],
            preferences=Preferences(),
            catalog=CATALOG,
            closures=Closures(),
            start=MONDAY,
        )


# --- Properties -----------------------------------------------------------------------------

areas_strategy = st.builds(
    AreaInput,
    area=st.sampled_from(ALL_AREAS),
    pinch_mm=st.decimals(min_value=1, max_value=150, places=1),
    size=st.sampled_from(SIZES),
    consistency=st.sampled_from(CONSISTENCIES),
    skin_laxity=st.sampled_from(LAXITIES),
)
patients = st.builds(
    PatientFacts,
    age=st.integers(12, 100),
    sex=st.sampled_from(["female", "male", "other"]),
    height_cm=st.decimals(min_value=120, max_value=220, places=1),
    weight_kg=st.decimals(min_value=30, max_value=250, places=1),
    weight_stable=st.booleans(),
    conditions=st.frozensets(st.sampled_from([c for c, *_ in CONDITION_RULES])),
)
prefs_strategy = st.builds(
    Preferences,
    max_downtime_days=st.one_of(st.none(), st.integers(0, 30)),
    budget=st.one_of(st.none(), st.decimals(min_value=0, max_value=50_000, places=2)),
    start_date=st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2030, 12, 31))),
    goal_pinch_mm=st.one_of(st.none(), st.decimals(min_value=1, max_value=60, places=0)),
)
closures_strategy = st.builds(
    Closures,
    weekdays=st.frozensets(st.integers(0, 6), max_size=6),
    dates=st.frozensets(st.dates(date(2026, 1, 1), date(2031, 12, 31)), max_size=40),
)


@settings(max_examples=150, deadline=None)
@given(
    facts=patients,
    areas=st.lists(areas_strategy, min_size=1, max_size=4, unique_by=lambda a: a.area),
    prefs=prefs_strategy,
    closures=closures_strategy,
    start=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
)
def test_never_an_exception_and_every_plan_is_consistent(facts, areas, prefs, closures, start):
    result = plan(facts=facts, areas=areas, prefs=prefs, closures=closures, start=start)
    assert len(result.options) + len(result.excluded) == len(CATALOG.treatments)
    assert [o.rank for o in result.options] == list(range(1, len(result.options) + 1))
    assert all(e.reasons for e in result.excluded)
    specs = {t.code: t for t in CATALOG.treatments}
    earliest = max(start, prefs.start_date or start)
    for o in result.options:
        spec = specs[o.treatment]
        assert o.reasons
        # Sums add up to the cent.
        cost = o.cost
        assert cost.subtotal == sum(i.amount for i in cost.line_items)
        assert cost.total == cost.subtotal - cost.discount
        assert cost.deposit + cost.balance == cost.total
        for p in cost.payment_plans:
            assert p.first + p.monthly * (p.months - 1) == cost.balance
        # Dates: in order, on open days, from the start, intervals respected per area.
        days = [s.date for s in o.sessions]
        assert days[0] >= earliest
        assert days == sorted(days) and len(set(days)) == len(days)
        assert all(closures.is_open(d) for d in days)
        last_seen: dict[str, date] = {}
        for s in o.sessions:
            for a in s.areas:
                if a.area in last_seen:
                    assert (s.date - last_seen[a.area]).days >= spec.min_interval_days
                last_seen[a.area] = s.date
        # Session counts within the treatment's limits.
        for p in o.area_plans:
            assert spec.min_sessions <= p.sessions <= spec.max_sessions
            assert sum(1 for s in o.sessions for a in s.areas if a.area == p.area) == p.sessions


@given(
    thin=st.decimals(min_value=10, max_value=150, places=1),
    extra=st.decimals(min_value=0, max_value=100, places=1),
    goal=st.decimals(min_value=5, max_value=40, places=0),
)
def test_sessions_never_fewer_for_a_thicker_layer(thin, extra, goal):
    for spec in CATALOG.treatments:
        counts = [
            sessions_needed(
                pinch_mm=pinch,
                goal_mm=goal,
                reduction_percent=spec.reduction_percent,
                min_sessions=spec.min_sessions,
                max_sessions=spec.max_sessions,
            )[0]
            for pinch in (thin, thin + extra)
        ]
        assert counts[0] <= counts[1]


@given(
    visits=st.lists(st.integers(0, 2), min_size=1, max_size=10),
    start=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
    min_interval=st.integers(1, 60),
    extra=st.integers(0, 30),
    closures=closures_strategy,
)
def test_schedule_respects_intervals_and_closures(visits, start, min_interval, extra, closures):
    days = schedule_dates(
        visits=visits,
        start=start,
        min_interval_days=min_interval,
        usual_interval_days=min_interval + extra,
        closures=closures,
    )
    assert days is not None  # at least one weekday is open
    assert days[0] >= start
    assert all(closures.is_open(d) for d in days)
    assert all(a < b for a, b in itertools.pairwise(days))
    for group in set(visits):
        mine = [d for d, g in zip(days, visits, strict=True) if g == group]
        assert all((b - a).days >= min_interval for a, b in itertools.pairwise(mine))


# --- Reuse for a provider's adjusted plan ---------------------------------------------------


def test_an_adjusted_plan_reprices_and_reschedules():
    spec = next(t for t in CATALOG.treatments if t.code == CRYO)
    adjusted = [
        AreaPlan(area="upper_back", units=3, sessions=3, expected_pinch_mm=D(20)),
        AreaPlan(area="bra_line", units=2, sessions=1, expected_pinch_mm=D(20)),
    ]
    sessions = schedule_course(spec=spec, area_plans=adjusted, start=MONDAY, closures=Closures())
    assert [len(s.areas) for s in sessions] == [2, 1, 1]
    assert sessions[0].duration_minutes == 15 + 35 * 5
    cost = course_cost(
        spec=spec,
        area_plans=adjusted,
        session_count=len(sessions),
        catalog=CATALOG,
        extra_discount=ExtraDiscount(reason="Loyal patient", amount=D("250")),
    )
    assert cost.subtotal == D(750 * (9 + 2))
    assert [d.amount for d in cost.discounts] == [D("825.00"), D("250.00")]
    assert cost.total == D("7175.00")


def test_a_start_at_the_end_of_the_calendar_excludes_instead_of_crashing():
    result = plan(start=date(9999, 12, 1))
    assert result.options == ()
    assert all(e.reasons for e in result.excluded)


def test_one_bmi_reason_names_every_area_over_the_same_limit():
    result = plan(
        facts=patient(weight_kg=D(90)),
        areas=[area("upper_back"), area("flanks"), area("abdomen")],
    )
    assert excluded(result)[CRYO] == (
        "A BMI of 33.1 is over the limit of 30 for Cryolipolysis (fat freezing) on the upper "
        "back, flanks and abdomen.",
    )
