"""treatments.appointments.forms: the day picker, the course proposal's selects and the
session record's refusals. No database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from treatments.appointments.forms import (
    CourseBookingForm,
    DateForm,
    SessionBookForm,
    SessionRecordForm,
)
from treatments.appointments.services import CourseChoices, SessionChoice, slot_token
from treatments.engine.slots import ProposedSession, Slot
from treatments.plans.models import PlanSession

DEFAULT = datetime.date(2030, 1, 7)


@pytest.mark.parametrize(
    ("query", "day", "bound"),
    [
        ("", DEFAULT, False),
        ("day=2030-02-01", datetime.date(2030, 2, 1), True),
        ("day=nonsense", DEFAULT, True),  # the form keeps what was typed, the list the default
    ],
)
def test_date_form_picks_the_day_asked_for_or_the_default(query, day, bound):
    form, picked = DateForm.pick(QueryDict(query), default=DEFAULT)
    assert picked == day
    assert form.is_bound is bound
    if not bound:
        assert form["day"].value() == DEFAULT


def slot(day: datetime.date, hour: int) -> Slot:
    start = datetime.datetime.combine(day, datetime.time(hour))
    return Slot(start, start + datetime.timedelta(minutes=30), 1, 2)


def choices() -> CourseChoices:
    one, two, three = (PlanSession(number=n, duration_minutes=30) for n in (1, 2, 3))
    proposed = ProposedSession(1, DEFAULT, DEFAULT, slot(DEFAULT, 9))
    waiting = ProposedSession(3, DEFAULT, DEFAULT, None, "Waiting for session 1.")
    return CourseChoices(
        (
            SessionChoice(one, proposed, None, (slot(DEFAULT, 9), slot(DEFAULT, 10))),
            SessionChoice(two, None, booked=object()),
            SessionChoice(three, waiting, None, ()),
        ),
        complete=False,
    )


def test_course_form_has_a_select_per_session_to_book_with_the_proposal_first():
    form = CourseBookingForm(choices=choices(), names={("provider", 1): "Priya"})
    assert [name for name in form.fields if name.startswith("slot_")] == ["slot_1", "slot_3"]
    assert [name for name in form.fields if name.startswith("day_")] == ["day_1", "day_3"]
    assert form.fields["slot_1"].initial == slot_token(slot(DEFAULT, 9))
    assert form.fields["slot_3"].initial is None
    assert [row.field is None for row in form.rows] == [False, True, False]
    assert "Priya" in form.fields["slot_1"].choices[0][1]


def test_course_form_gives_the_chosen_slots_by_session_number():
    chosen = slot(DEFAULT, 10)
    form = CourseBookingForm(
        {"slot_1": slot_token(chosen), "slot_3": slot_token(slot(DEFAULT, 11))},
        choices=choices(),
        names={},
    )
    assert form.is_valid(), form.errors
    assert form.slots() == {1: chosen, 3: slot(DEFAULT, 11)}


def test_booking_one_session_needs_no_reason():
    token = slot_token(slot(DEFAULT, 9))
    form = SessionBookForm({"slot": token}, slots=[slot(DEFAULT, 9)], names={})
    assert form.is_valid(), form.errors
    # One day's slots, by part of the day (the page's day picker says which day).
    assert [part for part, _ in form.slot_groups()] == ["Morning"]


@pytest.mark.parametrize(
    ("error", "field_errors", "non_field_errors"),
    [
        (ValidationError({"notes": "Say why."}), {"notes": ["Say why."]}, []),
        (ValidationError({"elsewhere": "Odd."}), {}, ["Odd."]),
        (ValidationError("Cancelled already."), {}, ["Cancelled already."]),
    ],
)
def test_a_refusal_of_the_service_shows_on_its_field(error, field_errors, non_field_errors):
    form = SessionRecordForm({"status": "no_show"}, areas=[], area_names={})
    assert form.is_valid()
    form.add_service_error(error)
    assert {k: v for k, v in form.errors.items() if k != "__all__"} == field_errors
    assert form.non_field_errors() == non_field_errors
