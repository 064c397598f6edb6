"""treatments.engine.outcomes: predictions, pace, warnings and evidence. No database."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treatments.engine.outcomes import (
    AreaCourse,
    Measurement,
    Pace,
    WarningKind,
    course_verdict,
    non_responder,
    outcome_warnings,
    paradoxical_hyperplasia,
    per_session_rate,
    predicted_curve,
    predicted_pinch,
    treatment_evidence,
)

START = date(2026, 3, 2)


def course(*measured: tuple[int, int, str], baseline="30", treated=(), reduction="0.20"):
    """measured: (day offset, sessions before, pinch)."""
    return AreaCourse(
        area="Upper back",
        baseline_mm=D(baseline),
        reduction=D(reduction),
        goal_mm=D(20),
        sessions_planned=3,
        measurements=tuple(Measurement(START + timedelta(days=d), n, D(p)) for d, n, p in measured),
        treated_on=tuple(START + timedelta(days=d) for d in treated),
    )


@pytest.mark.parametrize(
    ("baseline", "reduction", "sessions", "expected"),
    [
        ("30", "0.20", 0, "30.0"),
        ("30", "0.20", 1, "24.0"),
        ("30", "0.20", 2, "19.2"),
        ("32", "0.20", 3, "16.4"),  # the demo plan's expected_pinch_mm
        ("25", "0.12", 2, "19.4"),  # 19.36 rounds half up
    ],
)
def test_predicted_pinch(baseline, reduction, sessions, expected):
    assert predicted_pinch(D(baseline), D(reduction), sessions) == D(expected)


def test_predicted_curve_has_a_point_per_session_and_the_start():
    assert predicted_curve(course()) == (D("30.0"), D("24.0"), D("19.2"), D("15.4"))


def test_negative_sessions_are_refused():
    with pytest.raises(ValueError):
        predicted_pinch(D(30), D("0.2"), -1)


@pytest.mark.parametrize(
    ("measured", "pace", "words"),
    [
        ((), Pace.NO_DATA, "no measurement after a session yet"),
        (((0, 0, "30"),), Pace.NO_DATA, "no measurement after a session yet"),
        (((56, 1, "25"),), Pace.ON_TRACK, "on track: 25 mm after 1 session, predicted 24 mm"),
        (
            ((56, 1, "21"),),
            Pace.AHEAD,
            "ahead: 21 mm after 1 session, 3 mm below the predicted 24 mm",
        ),
        (
            ((56, 1, "24"), (112, 2, "26.5")),
            Pace.BEHIND,
            "behind: 26.5 mm after 2 sessions, 7.3 mm above the predicted 19.2 mm",
        ),
    ],
)
def test_course_verdict(measured, pace, words):
    verdict = course_verdict(course(*measured))
    assert verdict.pace == pace
    assert words in verdict.sentence


def test_verdict_carries_the_numbers():
    verdict = course_verdict(course((56, 1, "21")))
    assert (verdict.measured_mm, verdict.predicted_mm, verdict.difference_mm) == (
        D("21.0"),
        D("24.0"),
        D("-3.0"),
    )
    assert "started at 30 mm, goal 20 mm" in verdict.sentence


@pytest.mark.parametrize(
    ("measured", "flagged"),
    [
        (((56, 1, "30"),), False),  # one session is too early to tell
        (((56, 1, "30"), (112, 2, "29")), True),  # 1 mm: not measurable
        (((56, 1, "30"), (112, 2, "31")), True),  # thicker
        (((56, 1, "30"), (112, 2, "28")), False),  # 2 mm: measurable
        (((112, 2, "30"), (168, 3, "25")), False),  # responded late: the latest counts
    ],
)
def test_non_responder(measured, flagged):
    warning = non_responder(course(*measured))
    assert (warning is not None) == flagged
    if warning:
        assert warning.kind == WarningKind.NON_RESPONDER
        assert "after 2 sessions" in warning.message and "30 mm at the start" in warning.message


@pytest.mark.parametrize(
    ("measured", "treated", "flagged"),
    [
        # treated day 0 at 30 mm; 112 days later 33 mm: inside 2-5 months, 3 mm thicker
        (((0, 0, "30"), (56, 1, "27"), (112, 2, "33")), (0, 56), True),
        # thicker, but only 56 days after any treatment (and 112 after the first is 33 vs 30)
        (((0, 0, "30"), (56, 1, "32")), (0,), False),
        # 200 days later: outside the window
        (((0, 0, "30"), (200, 1, "35")), (0,), False),
        # inside the window but thinner
        (((0, 0, "30"), (90, 1, "26")), (0,), False),
        # inside the window, 1 mm thicker: not measurable
        (((0, 0, "30"), (90, 1, "31")), (0,), False),
        # no measurement on the treatment day: compared with the baseline (30)
        (((90, 1, "33"),), (0,), True),
    ],
)
def test_paradoxical_hyperplasia(measured, treated, flagged):
    warning = paradoxical_hyperplasia(course(*measured, treated=treated))
    assert (warning is not None) == flagged
    if warning:
        assert warning.kind == WarningKind.PAH
        assert "thicker" in warning.message


def test_pah_only_for_cryolipolysis():
    c = course((0, 0, "30"), (90, 1, "34"), treated=(0,))
    assert [w.kind for w in outcome_warnings(c, cryolipolysis=True)] == [WarningKind.PAH]
    assert outcome_warnings(c, cryolipolysis=False) == ()


@given(
    baseline=st.decimals(min_value=10, max_value=150, places=1),
    reduction=st.decimals(min_value="0.01", max_value="0.5", places=2),
    sessions=st.integers(min_value=0, max_value=8),
)
def test_more_sessions_never_predict_a_thicker_pinch(baseline, reduction, sessions):
    now = predicted_pinch(baseline, reduction, sessions)
    after = predicted_pinch(baseline, reduction, sessions + 1)
    assert D(0) <= after <= now <= baseline


@given(
    baseline=st.floats(min_value=10, max_value=150),
    rate=st.floats(min_value=0.01, max_value=0.5),
    sessions=st.integers(min_value=1, max_value=6),
)
def test_per_session_rate_inverts_the_prediction(baseline, rate, sessions):
    measured = baseline * (1 - rate) ** sessions
    assert per_session_rate(baseline, measured, sessions) == pytest.approx(rate, abs=1e-9)


@given(
    baseline=st.decimals(min_value=10, max_value=150, places=1),
    measured=st.decimals(min_value=1, max_value=150, places=1),
    sessions=st.integers(min_value=1, max_value=6),
)
def test_exactly_one_pace_and_the_sentence_names_it(baseline, measured, sessions):
    c = AreaCourse(
        "Flanks", baseline, D("0.2"), D(20), 6, (Measurement(START, sessions, measured),)
    )
    verdict = course_verdict(c)
    words = {Pace.ON_TRACK: "on track", Pace.AHEAD: "ahead", Pace.BEHIND: "behind"}
    assert words[verdict.pace] in verdict.sentence
    assert abs(verdict.difference_mm) <= D(2) if verdict.pace == Pace.ON_TRACK else True


@pytest.mark.parametrize(
    ("n", "mean", "sd", "enough", "suggest", "words"),
    [
        (0, None, None, False, False, "No measured course yet"),
        (1, 0.18, None, False, False, "Too few patients"),
        (5, 0.10, 0.02, False, False, "Too few patients"),
        (12, 0.19, 0.04, True, False, "within the interval"),
        (12, 0.12, 0.03, True, True, "suggests updating the assumption to about 12.0%"),
    ],
)
def test_treatment_evidence(n, mean, sd, enough, suggest, words):
    e = treatment_evidence(assumed=0.20, n_patients=n, n_sessions=2 * n, mean=mean, sd=sd)
    assert (e.enough, e.suggest_update) == (enough, suggest)
    assert words in e.sentence


def test_confidence_interval_uses_students_t():
    e = treatment_evidence(assumed=0.2, n_patients=10, n_sessions=20, mean=0.15, sd=0.05)
    half = 2.262 * 0.05 / 10**0.5
    assert e.ci_low == pytest.approx(0.15 - half) and e.ci_high == pytest.approx(0.15 + half)
    assert "95% CI 11.4% to 18.6%" in e.sentence and "10 patients and 20 sessions" in e.sentence


@given(
    n=st.integers(min_value=2, max_value=500),
    mean=st.floats(min_value=-0.5, max_value=0.9),
    sd=st.floats(min_value=0, max_value=0.5),
)
def test_interval_contains_the_mean_and_narrows_with_more_patients(n, mean, sd):
    e = treatment_evidence(assumed=0.2, n_patients=n, n_sessions=n, mean=mean, sd=sd)
    more = treatment_evidence(assumed=0.2, n_patients=n + 1, n_sessions=n, mean=mean, sd=sd)
    assert e.ci_low <= mean <= e.ci_high
    assert more.ci_high - more.ci_low <= e.ci_high - e.ci_low + 1e-12
    assert not e.suggest_update or e.enough
