"""consultations.answers: what intake answers mean (no database)."""

from decimal import Decimal

import pytest

from consultations import answers
from consultations.demo import SUBMITTED_ANSWERS
from treatments.engine import planning


def test_the_keys_are_those_the_default_questionnaire_asks():
    for key in (
        answers.HEIGHT,
        answers.WEIGHT,
        answers.WEIGHT_STABLE,
        answers.PREGNANT,
        answers.GOALS,
        answers.DOWNTIME,
        answers.BUDGET,
    ):
        assert key in SUBMITTED_ANSWERS


@pytest.mark.parametrize(
    ("given", "initial"),
    [
        (
            {"height": "165", "weight": "68", "weight_stable": "yes", "goals": "Flat back"},
            {"height_cm": "165", "weight_kg": "68", "weight_stable": True, "goals": "Flat back"},
        ),
        # Heights and weights typed in US units are stored to the hundredth of a cm or kg;
        # the assessment records tenths.
        (
            {"height": "167.64", "weight": "68.04"},
            {"height_cm": "167.6", "weight_kg": "68", "weight_stable": True},
        ),
        ({"weight_stable": "no"}, {"weight_stable": False}),
        ({}, {"weight_stable": True}),  # not asked: the form's default
        ({"height": "", "goals": ""}, {"weight_stable": True}),  # blank stays blank
    ],
)
def test_assessment_initial(given, initial):
    assert answers.assessment_initial(given) == initial


@pytest.mark.parametrize(
    ("given", "downtime", "budget"),
    [
        ({"downtime_tolerance": "none", "budget": "under_1500"}, 0, Decimal(1500)),
        ({"downtime_tolerance": "few_days", "budget": "1500_3000"}, 3, Decimal(3000)),
        ({"downtime_tolerance": "week", "budget": "3000_6000"}, 7, Decimal(6000)),
        ({"downtime_tolerance": "two_weeks", "budget": "over_6000"}, None, None),
        ({"budget": "unsure"}, None, None),
        ({}, None, None),
    ],
)
def test_planning_preferences(given, downtime, budget):
    assert answers.planning_preferences(given) == planning.Preferences(
        max_downtime_days=downtime, budget=budget
    )


def test_planning_preferences_carry_the_providers_goal():
    preferences = answers.planning_preferences({}, goal_pinch_mm=Decimal(18))
    assert preferences.goal_pinch_mm == Decimal(18)
