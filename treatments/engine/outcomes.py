"""Outcomes: what a plan predicted against what was measured. Pure (no Django, no I/O, no
clock): every date comes in as an argument.

The pinch recorded at a session is measured *before* treating (the record form says so), so a
measurement carries the number of the course's sessions done before it: the pinch recorded at
the third session shows the result of two. The plan predicts
``pinch after n sessions = baseline x (1 - r) ** n`` with r the treatment's reduction per
session as the plan's snapshot holds it (DOMAIN.md, "How many sessions").

Warnings (for a provider to review, never acted on automatically):
- a possible non-responder: no measurable reduction after two sessions;
- possible paradoxical adipose hyperplasia: an area treated by cryolipolysis measured thicker
  two to five months after a treatment than before it (DOMAIN.md: the rare serious risk).

Evidence per treatment and area: the measured reduction per session over patients, with a
95% confidence interval, against the catalog's planning assumption.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "MEASURABLE_MM",
    "MIN_PATIENTS_FOR_SUGGESTION",
    "PAH_WINDOW_DAYS",
    "AreaCourse",
    "Evidence",
    "Measurement",
    "OutcomeWarning",
    "Pace",
    "Verdict",
    "WarningKind",
    "course_verdict",
    "non_responder",
    "outcome_warnings",
    "paradoxical_hyperplasia",
    "per_session_rate",
    "predicted_curve",
    "predicted_pinch",
    "treatment_evidence",
]

# A caliper reads a pinch to about a millimetre; a change under 2 mm is not measurable.
MEASURABLE_MM = Decimal(2)
# "Two to five months" after a treatment, in days (2 x 30 and 5 x 30.6).
PAH_WINDOW_DAYS = (60, 153)
# Fewer patients than this never suggest changing the catalog's assumption.
MIN_PATIENTS_FOR_SUGGESTION = 10

TENTH = Decimal("0.1")


def _mm(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _say(value: Decimal) -> str:
    """12.0 -> "12", 12.5 -> "12.5"."""
    text = f"{_mm(value):f}"
    return text[:-2] if text.endswith(".0") else text


def _day(d: date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def _sessions(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class Measurement:
    day: date
    sessions_before: int  # sessions of the course done before this measurement
    pinch_mm: Decimal


@dataclass(frozen=True)
class AreaCourse:
    """One area of one plan: where it started, what the plan assumed, what was measured."""

    area: str  # the name shown
    baseline_mm: Decimal
    reduction: Decimal  # per session, a fraction (0.2 for 20%), from the plan's snapshot
    goal_mm: Decimal
    sessions_planned: int
    measurements: tuple[Measurement, ...] = ()
    treated_on: tuple[date, ...] = ()  # days the area was treated (done sessions)


def predicted_pinch(baseline_mm: Decimal, reduction: Decimal, sessions: int) -> Decimal:
    """The pinch the plan predicts after `sessions` sessions, to a tenth of a millimetre."""
    if sessions < 0:
        raise ValueError("sessions must be 0 or more")
    return _mm(baseline_mm * (1 - reduction) ** sessions)


def predicted_curve(course: AreaCourse) -> tuple[Decimal, ...]:
    """The predicted pinch after 0, 1, ... `sessions_planned` sessions."""
    return tuple(
        predicted_pinch(course.baseline_mm, course.reduction, n)
        for n in range(course.sessions_planned + 1)
    )


class Pace(StrEnum):
    ON_TRACK = "on_track"
    AHEAD = "ahead"
    BEHIND = "behind"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Verdict:
    pace: Pace
    sentence: str
    sessions_before: int = 0
    measured_mm: Decimal | None = None
    predicted_mm: Decimal | None = None

    @property
    def difference_mm(self) -> Decimal | None:
        if self.measured_mm is None or self.predicted_mm is None:
            return None
        return self.measured_mm - self.predicted_mm


def _latest(course: AreaCourse, *, at_least: int) -> Measurement | None:
    found = [m for m in course.measurements if m.sessions_before >= at_least]
    return max(found, key=lambda m: (m.day, m.sessions_before)) if found else None


def course_verdict(course: AreaCourse, *, tolerance_mm: Decimal = MEASURABLE_MM) -> Verdict:
    """On track, ahead or behind, judged on the latest measurement taken after at least one
    session: within `tolerance_mm` of the prediction is on track; thinner is ahead."""
    latest = _latest(course, at_least=1)
    if latest is None:
        return Verdict(
            Pace.NO_DATA,
            f"{course.area}: no measurement after a session yet "
            f"(started at {_say(course.baseline_mm)} mm).",
        )
    predicted = predicted_pinch(course.baseline_mm, course.reduction, latest.sessions_before)
    measured = _mm(latest.pinch_mm)
    diff = measured - predicted
    after = f"{_say(measured)} mm after {_sessions(latest.sessions_before)}"
    if abs(diff) <= tolerance_mm:
        pace, words = Pace.ON_TRACK, f"on track: {after}, predicted {_say(predicted)} mm"
    elif diff < 0:
        pace = Pace.AHEAD
        words = f"ahead: {after}, {_say(-diff)} mm below the predicted {_say(predicted)} mm"
    else:
        pace = Pace.BEHIND
        words = f"behind: {after}, {_say(diff)} mm above the predicted {_say(predicted)} mm"
    sentence = f"{course.area} {words} (started at {_say(course.baseline_mm)} mm, goal {_say(course.goal_mm)} mm)."
    return Verdict(pace, sentence, latest.sessions_before, measured, predicted)


class WarningKind(StrEnum):
    NON_RESPONDER = "non_responder"
    PAH = "pah"


@dataclass(frozen=True)
class OutcomeWarning:
    kind: WarningKind
    area: str
    measured_on: date
    message: str


def non_responder(
    course: AreaCourse, *, min_reduction_mm: Decimal = MEASURABLE_MM
) -> OutcomeWarning | None:
    """No measurable reduction after two sessions: the latest measurement taken after two or
    more sessions is less than `min_reduction_mm` below the baseline."""
    latest = _latest(course, at_least=2)
    if latest is None:
        return None
    reduction = course.baseline_mm - latest.pinch_mm
    if reduction >= min_reduction_mm:
        return None
    change = (
        "no change"
        if reduction == 0
        else (f"{_say(reduction)} mm less" if reduction > 0 else f"{_say(-reduction)} mm more")
    )
    return OutcomeWarning(
        WarningKind.NON_RESPONDER,
        course.area,
        latest.day,
        f"Possible non-responder: {course.area} measured {_say(latest.pinch_mm)} mm after "
        f"{_sessions(latest.sessions_before)}, against {_say(course.baseline_mm)} mm at the start "
        f"({change}; the plan predicted "
        f"{_say(predicted_pinch(course.baseline_mm, course.reduction, latest.sessions_before))} mm).",
    )


def _before(course: AreaCourse, day: date) -> Decimal:
    """The pinch the area had when it was treated on `day`: the latest measurement on or
    before that day, else the baseline."""
    earlier = [m for m in course.measurements if m.day <= day]
    if not earlier:
        return course.baseline_mm
    return max(earlier, key=lambda m: (m.day, m.sessions_before)).pinch_mm


def paradoxical_hyperplasia(
    course: AreaCourse,
    *,
    min_increase_mm: Decimal = MEASURABLE_MM,
    window_days: tuple[int, int] = PAH_WINDOW_DAYS,
) -> OutcomeWarning | None:
    """A measurement two to five months after a treatment of the area, thicker than the area
    was when treated by at least `min_increase_mm`. Only call it for cryolipolysis."""
    low, high = window_days
    for m in sorted(course.measurements, key=lambda m: m.day, reverse=True):
        for treated in sorted(course.treated_on):
            days = (m.day - treated).days
            if not low <= days <= high:
                continue
            was = _before(course, treated)
            if m.pinch_mm - was >= min_increase_mm:
                return OutcomeWarning(
                    WarningKind.PAH,
                    course.area,
                    m.day,
                    f"Possible paradoxical adipose hyperplasia: {course.area} measured "
                    f"{_say(m.pinch_mm)} mm on {_day(m.day)}, {days} days after "
                    f"cryolipolysis on {_day(treated)}, when it was {_say(was)} mm "
                    f"({_say(m.pinch_mm - was)} mm thicker). Examine the area; it may need a "
                    "surgical opinion.",
                )
    return None


def outcome_warnings(course: AreaCourse, *, cryolipolysis: bool) -> tuple[OutcomeWarning, ...]:
    found = [non_responder(course)]
    if cryolipolysis:
        found.append(paradoxical_hyperplasia(course))
    return tuple(w for w in found if w is not None)


# --- Evidence per treatment and area ---------------------------------------------------------

# Student's t, two-sided 95%, for 1..30 degrees of freedom; beyond that the normal 1.96.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def _t95(df: int) -> float:
    return _T95[df - 1] if 1 <= df <= len(_T95) else 1.96


def per_session_rate(baseline_mm: float, measured_mm: float, sessions: int) -> float:
    """The reduction per session that turns `baseline_mm` into `measured_mm` in `sessions`
    sessions (the inverse of `predicted_pinch`): 1 - (measured / baseline) ** (1 / n)."""
    if sessions < 1 or baseline_mm <= 0 or measured_mm <= 0:
        raise ValueError("needs a session and positive thicknesses")
    return 1.0 - math.pow(measured_mm / baseline_mm, 1 / sessions)


@dataclass(frozen=True)
class Evidence:
    """The measured reduction per session (fractions) for one treatment and area."""

    assumed: float
    n_patients: int
    n_sessions: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    enough: bool  # enough patients to judge the assumption
    suggest_update: bool  # enough, and the assumption lies outside the interval
    sentence: str


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def treatment_evidence(
    *,
    assumed: float,
    n_patients: int,
    n_sessions: int,
    mean: float | None,
    sd: float | None,
    min_patients: int = MIN_PATIENTS_FOR_SUGGESTION,
) -> Evidence:
    """Summarise one treatment-and-area's patients (each patient's per-session reduction,
    their mean and sample standard deviation, as SQL aggregated them): a 95% t-interval for
    the mean, and whether the evidence is enough to suggest updating the assumption."""
    if n_patients < 1 or mean is None:
        return Evidence(assumed, 0, 0, None, None, None, False, False, "No measured course yet.")
    if n_patients < 2 or sd is None:
        low = high = None
    else:
        half = _t95(n_patients - 1) * sd / math.sqrt(n_patients)
        low, high = mean - half, mean + half
    enough = n_patients >= min_patients and low is not None
    outside = low is not None and high is not None and not low <= assumed <= high
    suggest = enough and outside
    measured = f"Measured {_pct(mean)} per session"
    if low is not None and high is not None:
        measured += f" (95% CI {_pct(low)} to {_pct(high)})"
    measured += (
        f" over {n_patients} patient{'s' if n_patients != 1 else ''} and "
        f"{_sessions(n_sessions)}; the catalog assumes {_pct(assumed)}."
    )
    if suggest:
        measured += f" The evidence suggests updating the assumption to about {_pct(mean)}."
    elif not enough:
        measured += f" Too few patients to judge (at least {min_patients} are needed)."
    else:
        measured += " The assumption lies within the interval."
    return Evidence(assumed, n_patients, n_sessions, mean, low, high, enough, suggest, measured)
