"""What intake answers mean, in one place: the questionnaire keys the rest of Contour reads,
the assessment's starting values, and the planning preferences (downtime, budget).

The questionnaire is data (clinic admins edit it), but these few keys are a contract: the
default questionnaire seeds them, and the assessment and the plan engine read them here and
nowhere else. Pure: answers in (a submitted response's `answers` dict), values out.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from treatments.engine import planning

HEIGHT = "height"  # cm, whatever units the clinic asks in (questionnaire.Units)
WEIGHT = "weight"  # kg
WEIGHT_STABLE = "weight_stable"  # yes / no
PREGNANT = "pregnant"  # yes / no (its screening rule raises the `pregnancy` condition)
GOALS = "goals"
DOWNTIME = "downtime_tolerance"
BUDGET = "budget"

YES = "yes"

# The downtime choices as the most days a patient accepts ("two_weeks": no limit).
DOWNTIME_DAYS: Mapping[str, int] = {"none": 0, "few_days": 3, "week": 7}
# The budget choices as the most a whole course may cost ("over_6000", "unsure": no limit).
BUDGETS: Mapping[str, Decimal] = {
    "under_1500": Decimal(1500),
    "1500_3000": Decimal(3000),
    "3000_6000": Decimal(6000),
}


def assessment_initial(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The assessment form's starting values from what the patient told us, for the
    provider to check; a question left blank starts blank."""
    initial = {
        "height_cm": _tenths(answers.get(HEIGHT)),
        "weight_kg": _tenths(answers.get(WEIGHT)),
        "weight_stable": answers.get(WEIGHT_STABLE, YES) == YES,
        "goals": answers.get(GOALS, ""),
    }
    return {field: value for field, value in initial.items() if value not in (None, "")}


def _tenths(value: Any) -> str | None:
    """A measurement to the tenth the assessment records ("167.64", from 5 ft 6 in, starts
    as "167.6"); anything else is left for the form to judge."""
    if value in (None, ""):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize(), "f")


def planning_preferences(
    answers: Mapping[str, Any], *, goal_pinch_mm: Decimal | None = None
) -> planning.Preferences:
    """The engine's preferences: the downtime and budget the patient gave, and the
    provider's goal."""
    return planning.Preferences(
        max_downtime_days=DOWNTIME_DAYS.get(answers.get(DOWNTIME)),
        budget=BUDGETS.get(answers.get(BUDGET)),
        goal_pinch_mm=goal_pinch_mm,
    )
