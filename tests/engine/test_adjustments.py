"""treatments.engine.adjustments: a provider's changes checked against the catalog; no database."""

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from treatments.catalog.defaults import AREA_NAMES, CRYO, INJECTION, LASER, default_catalog
from treatments.engine.adjustments import (
    build_sessions,
    check_dates,
    check_discount,
    check_session_count,
    check_units,
    reschedule,
)
from treatments.engine.planning import (
    AreaInput,
    Closures,
    PatientFacts,
    Preferences,
    plan_options,
)

CATALOG = default_catalog()
SPECS = {spec.code: spec for spec in CATALOG.treatments}
MONDAY = date(2027, 1, 4)
SUNDAYS_CLOSED = Closures()


def sessions(code, *days, units=None):
    units = units or {"upper_back": 2}
    return build_sessions(spec=SPECS[code], dates=list(days), units=units)


@pytest.mark.parametrize(
    ("code", "count", "ok"),
    [
        (INJECTION, 1, False),  # 2..6
        (INJECTION, 2, True),
        (INJECTION, 6, True),
        (INJECTION, 7, False),
        (CRYO, 1, True),  # 1..3
        (CRYO, 3, True),
        (CRYO, 4, False),
        (LASER, 0, False),
    ],
)
def test_session_count_within_the_catalog_limits(code, count, ok):
    errors = check_session_count(count, SPECS[code])
    assert (errors == {}) is ok
    if not ok:
        (message,) = errors["session_count"]
        assert str(count) in message
        assert f"{SPECS[code].min_sessions} to {SPECS[code].max_sessions} sessions" in message


def test_dates_at_the_minimum_interval_are_fine():
    plan = sessions(INJECTION, MONDAY, MONDAY + timedelta(days=28))  # 28-day minimum
    assert check_dates(plan, spec=SPECS[INJECTION], closures=SUNDAYS_CLOSED) == {}


def test_a_date_closer_than_the_minimum_interval_is_refused_with_the_earliest_day():
    plan = sessions(INJECTION, MONDAY, MONDAY + timedelta(days=19))
    errors = check_dates(plan, spec=SPECS[INJECTION], closures=SUNDAYS_CLOSED)
    (message,) = errors["date_2"]
    assert "19 days after session 1" in message
    assert "at least 28 days" in message
    assert "Mon Feb 1, 2027" in message
    assert "date_1" not in errors


def test_a_closed_day_is_refused():
    sunday = MONDAY + timedelta(days=6 + 28)
    plan = sessions(INJECTION, MONDAY, sunday)
    errors = check_dates(plan, spec=SPECS[INJECTION], closures=SUNDAYS_CLOSED)
    assert errors["date_2"] == [
        "The clinic is closed on Sun Feb 7, 2027; choose another day for session 2."
    ]


def test_a_closed_holiday_is_refused():
    holiday = MONDAY + timedelta(days=42)
    closures = Closures(dates=frozenset({holiday}))
    plan = sessions(CRYO, MONDAY, holiday)
    assert "closed" in check_dates(plan, spec=SPECS[CRYO], closures=closures)["date_2"][0]


def test_dates_out_of_order_and_before_the_earliest_day():
    plan = sessions(INJECTION, MONDAY, MONDAY - timedelta(days=30))
    errors = check_dates(plan, spec=SPECS[INJECTION], closures=SUNDAYS_CLOSED, earliest=MONDAY)
    assert errors["date_2"][0] == "Session 2 cannot be before Mon Jan 4, 2027."
    assert "must come after the one before it" in errors["date_2"][1]
    assert len(errors["date_2"]) == 2  # no interval message on top of "out of order"


def test_the_interval_counts_only_between_sessions_treating_the_same_area():
    spec = SPECS[CRYO]
    plan = build_sessions(
        spec=spec,
        dates=[MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=42)],
        units={"upper_back": 4, "abdomen": 4},
        areas_by_session=[["upper_back"], ["abdomen"], ["upper_back"]],
    )
    assert check_dates(plan, spec=spec, closures=SUNDAYS_CLOSED) == {}


@pytest.mark.parametrize(
    ("units", "field", "fragment"),
    [
        ({"upper_back": 0}, "units_upper_back", "at least 1 vial"),
        ({"upper_back": 6}, "units_upper_back", "6 vials for the upper back is more than the 5"),
        ({"upper_back": 3, "bra_line": 3}, "units_bra_line", "together need 6 vials per session"),
    ],
)
def test_units_per_area_within_the_session_limit(units, field, fragment):
    errors = check_units(units, spec=SPECS[INJECTION], area_names=AREA_NAMES)
    assert fragment in errors[field][0]


def test_units_that_fit_are_fine():
    assert check_units({"upper_back": 5}, spec=SPECS[INJECTION], area_names=AREA_NAMES) == {}
    assert (
        check_units({"upper_back": 2, "bra_line": 3}, spec=SPECS[INJECTION], area_names=AREA_NAMES)
        == {}
    )


@pytest.mark.parametrize(
    ("amount", "reason", "errors"),
    [
        (None, "", set()),
        (D("0"), "", set()),
        (D("100.00"), "Loyal patient", set()),
        (D("100.00"), "  ", {"extra_discount_reason"}),
        (D("-5"), "Oops", {"extra_discount"}),
        (D("2700.01"), "Too generous", {"extra_discount"}),
        (D("2700.00"), "Whole balance", set()),
    ],
)
def test_discount_needs_a_reason_and_stays_within_what_is_left(amount, reason, errors):
    found = check_discount(amount, reason, available=D("2700.00"))
    assert set(found) == errors


def test_discount_message_names_both_amounts():
    errors = check_discount(D("3000"), "x", available=D("2700.00"))
    assert errors["extra_discount"] == [
        "A discount of $3,000.00 is more than the $2,700.00 left to pay."
    ]


def test_build_sessions_uses_the_engine_rule_for_length():
    spec = SPECS[CRYO]  # 15 min + 35 per cycle
    (session,) = build_sessions(spec=spec, dates=[MONDAY], units={"upper_back": 2})
    assert session.duration_minutes == 15 + 2 * 35
    assert [(a.area, a.units, a.unit) for a in session.areas] == [("upper_back", 2, "cycle")]


def test_reschedule_keeps_the_usual_interval_and_skips_closed_days():
    spec = SPECS[INJECTION]  # usual 30 days
    dates = reschedule(spec=spec, start=MONDAY, count=3, closures=SUNDAYS_CLOSED)
    assert dates[0] == MONDAY
    assert all((b - a).days >= spec.min_interval_days for a, b in itertools.pairwise(dates))
    assert all(SUNDAYS_CLOSED.is_open(d) for d in dates)
    built = build_sessions(spec=spec, dates=dates, units={"upper_back": 2})
    assert check_dates(built, spec=spec, closures=SUNDAYS_CLOSED) == {}


def test_areas_split_across_visits_only_need_to_fit_their_own_visit():
    units = {"upper_back": 4, "bra_line": 2}
    split = [["upper_back"], ["bra_line"]]
    spec = SPECS[INJECTION]
    assert check_units(units, spec=spec, area_names=AREA_NAMES, areas_by_session=split) == {}
    together = check_units(units, spec=spec, area_names=AREA_NAMES)
    assert set(together) == {"units_upper_back", "units_bra_line"}


@pytest.mark.parametrize("gap", [1, 20, 27, 28, 30, 41, 42, 60])
def test_a_date_is_refused_exactly_when_too_close_or_closed(gap):
    for code in (INJECTION, CRYO):
        second = MONDAY + timedelta(days=gap)
        plan = sessions(code, MONDAY, second)
        errors = check_dates(plan, spec=SPECS[code], closures=SUNDAYS_CLOSED)
        expected = gap < SPECS[code].min_interval_days or not SUNDAYS_CLOSED.is_open(second)
        assert bool(errors) == expected, (code, gap, errors)


# --- An engine plan, then a provider's changes to it -----------------------------------------


@pytest.mark.parametrize(
    ("count", "units", "problem"),
    [
        (2, 2, None),
        (4, 2, "Cryolipolysis (fat freezing) is given in 1 to 3 sessions; you asked for 4."),
        (0, 2, "is given in 1 to 3 sessions; you asked for 0."),
        (1, 0, "Give at least 1 cycle for the upper back."),
        (1, 9, "9 cycles for the upper back is more than the 8 one session of"),
    ],
)
def test_course_limits_for_sessions_and_units(count, units, problem):
    spec = SPECS[CRYO]
    errors = {
        **check_session_count(count, spec),
        **check_units({"upper_back": units}, spec=spec, area_names=AREA_NAMES),
    }
    problems = [message for messages in errors.values() for message in messages]
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_the_engine_plan_passes_and_moved_dates_are_checked():
    spec = SPECS[INJECTION]
    result = plan_options(
        patient=PatientFacts(age=41, sex="female", height_cm=D(165), weight_kg=D(65)),
        areas=[AreaInput(area="upper_back", pinch_mm=D(30), size="medium")],
        preferences=Preferences(),
        catalog=CATALOG,
        closures=SUNDAYS_CLOSED,
        start=MONDAY,
    )
    engine_plan = next(o for o in result.options if o.treatment == INJECTION).sessions
    assert check_dates(engine_plan, spec=spec, closures=SUNDAYS_CLOSED) == {}
    first, second = engine_plan
    moved = [first, replace(second, date=first.date + timedelta(days=27))]
    (message,) = check_dates(moved, spec=spec, closures=Closures(weekdays=frozenset()))["date_2"]
    assert "27 days after session 1" in message
    assert "Fat-dissolving injections (deoxycholic acid) needs at least 28 days" in message
    sunday = [first, replace(second, date=date(2027, 2, 7))]
    assert check_dates(sunday, spec=spec, closures=SUNDAYS_CLOSED) == {
        "date_2": ["The clinic is closed on Sun Feb 7, 2027; choose another day for session 2."]
    }
    backwards = [replace(first, date=date(2027, 3, 1)), replace(second, date=MONDAY)]
    errors = check_dates(backwards, spec=spec, closures=SUNDAYS_CLOSED)
    assert "Session 2 must come after the one before it." in errors["date_2"]
