"""treatments.plans.forms: what the plan pages accept."""

from decimal import Decimal

import pytest

from treatments.plans.forms import PlanOptionForm, PlanStatusForm


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ("12", Decimal(12)),
        (" 12.5 ", Decimal("12.5")),
        ("5", Decimal(5)),
        ("100", Decimal(100)),
        ("4.9", None),  # below the range: the catalog's goal instead
        ("101", None),
        ("banana", None),
        ("NaN", None),
        ("Infinity", None),
        ("", None),
    ],
)
def test_a_goal_that_is_not_one_falls_back_quietly(goal, expected):
    form = PlanOptionForm({"goal": goal, "treatment": "cryolipolysis"})
    assert form.is_valid()
    assert form.cleaned_data["goal"] == expected
    assert form.cleaned_data["treatment"] == "cryolipolysis"


def test_no_query_at_all_is_the_catalogs_goal():
    form = PlanOptionForm({})
    assert form.is_valid()
    assert (form.cleaned_data["goal"], form.cleaned_data["treatment"]) == (None, "")


@pytest.mark.parametrize(
    ("to_status", "valid"), [("presented", True), ("nope", False), ("", False)]
)
def test_a_status_change_names_a_status(to_status, valid):
    assert PlanStatusForm({"to_status": to_status}).is_valid() is valid


def test_the_note_of_a_status_change_is_kept_as_typed():
    form = PlanStatusForm({"to_status": "declined", "note": "  Later  "})
    assert form.is_valid()
    assert form.cleaned_data["note"] == "  Later  "
