"""Issue 15, booking: every free start of a day, the signed plan's dates, only the slots the
course rules allow, the real time after a refused move, and closed days (public holidays as
ClinicClosure rows) refused everywhere — through the services, the pages and the API."""

import datetime
import json

import pytest
from django.urls import reverse

from treatments.appointments import services as svc
from treatments.appointments.models import Appointment, OpeningHours, ProviderHours
from treatments.appointments.selectors import to_local
from treatments.catalog.models import ClinicClosure

from .factories import accepted_plan, appointment_at, next_monday, setup_clinic

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


def starts(choices) -> list[datetime.datetime]:
    return [
        datetime.datetime.strptime(token.split("|")[0], "%Y-%m-%dT%H:%M") for token, _ in choices
    ]


def book_url(session) -> str:
    return reverse("appointments:session-book", args=[session.pk])


# --- Every free start of the day -------------------------------------------------------------


def test_a_day_open_until_18_offers_every_start_up_to_17_30(client_for, clinic, front_desk):
    OpeningHours.objects.update(ends=datetime.time(18))
    ProviderHours.objects.update(ends=datetime.time(18))
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=1)
    page = client_for(front_desk).get(book_url(plan.sessions.get()), {"day": monday.isoformat()})
    times = [s.time() for s in starts(page.context["form"].fields["slot"].choices)]
    assert {s.date() for s in starts(page.context["form"].fields["slot"].choices)} == {monday}
    assert times[0] == datetime.time(9) and times[-1] == datetime.time(17, 30)
    assert len(times) == 35  # every quarter hour, not the first 24
    # Grouped for a tablet: morning and afternoon, then the evening hour.
    assert [part for part, _ in page.context["groups"]] == ["Morning", "Afternoon", "Evening"]


# --- Book course honours the signed plan ---------------------------------------------------


def test_book_course_proposes_the_agreed_dates_with_every_free_time_of_the_day(
    client_for, clinic, front_desk
):
    monday = next_monday()
    tuesday = monday + 29 * DAY  # agreed for a Tuesday; the 28-day minimum is a Monday
    plan = accepted_plan(start=monday, sessions=2, interval=29)
    page = client_for(front_desk).get(reverse("appointments:plan-book", args=[plan.pk]))
    form = page.context["form"]
    assert starts([(form.fields["slot_2"].initial, "")]) == [
        datetime.datetime.combine(tuesday, datetime.time(9))
    ]
    second = starts(form.fields["slot_2"].choices)
    assert {s.date() for s in second} == {tuesday}
    assert len(second) == 31  # 09:00 to 16:30, not 2 or 3 choices
    assert form["day_2"].value() == tuesday


def test_book_course_shows_another_day_and_books_a_slot_on_it(client_for, clinic, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2, interval=29)
    client = client_for(front_desk)
    url = reverse("appointments:plan-book", args=[plan.pk])
    page = client.get(url)
    data = {"slot_1": page.context["form"].fields["slot_1"].initial, "day_1": monday.isoformat()}
    thursday = monday + 31 * DAY
    shown = client.post(url, {**data, "day_2": thursday.isoformat(), "action": "show"})
    assert shown.status_code == 200
    assert not Appointment.objects.exists()  # showing books nothing
    options = shown.context["form"].fields["slot_2"].choices
    assert {s.date() for s in starts(options)} == {thursday}
    afternoon = next(token for token, _ in options if "T14:00" in token)
    response = client.post(
        url, {**data, "day_2": thursday.isoformat(), "slot_2": afternoon, "action": "book"}
    )
    assert response.status_code == 302
    second = Appointment.objects.get(plan_session__number=2)
    assert to_local(second.start) == datetime.datetime.combine(thursday, datetime.time(14))


def test_book_course_offers_nothing_on_a_day_too_close_to_the_previous_session(
    client_for, clinic, front_desk
):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2)
    page = client_for(front_desk).post(
        reverse("appointments:plan-book", args=[plan.pk]),
        {"day_1": monday.isoformat(), "day_2": (monday + 10 * DAY).isoformat(), "action": "show"},
    )
    assert page.context["form"].fields["slot_2"].choices == []
    assert "Only 10 days after session 1; the minimum is 28" in page.content.decode()
    assert page.context["complete"] is False


# --- Only the slots the rules allow, and the real time ------------------------------------


def test_single_booking_offers_only_days_the_minimum_interval_allows(
    client_for, clinic, provider, front_desk
):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=3, interval=35)
    one, two, three = plan.sessions.order_by("number")
    appointment_at(one, datetime.datetime.combine(monday, datetime.time(9)), provider=provider)
    appointment_at(
        three, datetime.datetime.combine(monday + 70 * DAY, datetime.time(9)), provider=provider
    )
    client = client_for(front_desk)
    early = client.get(book_url(two), {"day": (monday + 3 * DAY).isoformat()})
    assert {s.date() for s in starts(early.context["form"].fields["slot"].choices)} == {
        monday + 28 * DAY
    }
    assert "The first day session 2 can take is" in early.content.decode()
    late = client.get(book_url(two), {"day": (monday + 60 * DAY).isoformat()})
    assert {s.date() for s in starts(late.context["form"].fields["slot"].choices)} == {
        monday + 42 * DAY  # 28 days before session 3
    }


def test_move_offers_no_slot_too_close_to_the_previous_session(client_for, clinic, front_desk):
    monday = next_monday()
    _, second, _ = svc.appointment_book_course(
        plan=accepted_plan(start=monday, interval=28), by=front_desk
    )
    page = client_for(front_desk).get(
        reverse("appointments:appointment-reschedule", args=[second.pk]),
        {"day": (monday + 1 * DAY).isoformat()},
    )
    offered = starts(page.context["form"].fields["slot"].choices)
    assert offered and min(s.date() for s in offered) >= monday + 28 * DAY


def test_a_refused_move_shows_the_real_time_as_now(client_for, clinic, provider, front_desk):
    monday = next_monday()
    _, second = svc.appointment_book_course(
        plan=accepted_plan(start=monday, sessions=2, interval=28), by=front_desk
    )
    real = second.start
    too_close = datetime.datetime.combine(monday + 14 * DAY, datetime.time(15, 45))
    token = f"{too_close:%Y-%m-%dT%H:%M}|30|{provider.pk}|{clinic.rooms[0].pk}|"
    response = client_for(front_desk).post(
        reverse("appointments:appointment-reschedule", args=[second.pk]),
        {"slot": token, "reason": "Asked"},
    )
    assert response.status_code == 400
    assert "only 14 days" in response.content.decode()
    assert response.context["a"].start == real
    now_line = response.content.decode().split('data-testid="now"')[1].split("</p>")[0]
    assert "3:45" not in now_line
    assert f"{to_local(real):%B} {to_local(real).day}," in now_line


# --- Closed days ------------------------------------------------------------------------------


@pytest.fixture
def holiday_plan(clinic):
    """A plan whose session 2 is agreed for a weekday the clinic then closes (a holiday)."""
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2, interval=29)
    holiday = monday + 29 * DAY  # a Tuesday
    ClinicClosure.objects.create(date=holiday, reason="Public holiday")
    return plan, holiday


def test_the_course_proposal_never_offers_a_closed_day(client_for, front_desk, holiday_plan):
    plan, holiday = holiday_plan
    proposal = svc.course_proposal(plan=plan, now=datetime.datetime.now(datetime.UTC))
    assert proposal.sessions[1].slot.start.date() == holiday - DAY  # the nearest open day
    page = client_for(front_desk).post(
        reverse("appointments:plan-book", args=[plan.pk]),
        {"day_2": holiday.isoformat(), "action": "show"},
    )
    assert page.context["form"].fields["slot_2"].choices == []
    assert "the clinic is closed on" in page.content.decode().lower()


def test_single_booking_shows_the_next_open_day_for_a_closed_one(
    client_for, front_desk, holiday_plan
):
    plan, holiday = holiday_plan
    page = client_for(front_desk).get(
        book_url(plan.sessions.get(number=2)), {"day": holiday.isoformat()}
    )
    offered = {s.date() for s in starts(page.context["form"].fields["slot"].choices)}
    assert offered == {holiday + DAY}
    assert "the clinic is closed on" in page.context["picked"].note.lower()


def test_a_closed_day_cannot_be_booked_through_the_pages(
    client_for, provider, front_desk, clinic, holiday_plan
):
    plan, holiday = holiday_plan
    token = f"{holiday:%Y-%m-%d}T10:00|30|{provider.pk}|{clinic.rooms[0].pk}|"
    response = client_for(front_desk).post(book_url(plan.sessions.get(number=1)), {"slot": token})
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_closed_day_cannot_be_booked_through_the_api(
    client_for, provider, front_desk, clinic, holiday_plan
):
    plan, holiday = holiday_plan
    body = {
        "sessions": [
            {
                "number": 1,
                "start": f"{holiday:%Y-%m-%d}T10:00:00",
                "provider": provider.pk,
                "room": clinic.rooms[0].pk,
            }
        ]
    }
    response = client_for(front_desk).post(
        reverse("api:api-root") + f"plans/{plan.pk}/book",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "closed" in response.json()["errors"]["sessions"][0]
    assert not Appointment.objects.exists()
    # As proposed: the closed Tuesday is skipped, the course is booked.
    booked = client_for(front_desk).post(
        reverse("api:api-root") + f"plans/{plan.pk}/book", "{}", content_type="application/json"
    )
    assert booked.status_code == 201
    assert holiday.isoformat() not in json.dumps(booked.json())


def test_moving_onto_a_closed_day_is_refused(provider, front_desk, holiday_plan, clinic):
    plan, holiday = holiday_plan
    first, _ = svc.appointment_book_course(plan=plan, by=front_desk)
    with pytest.raises(svc.BookingError, match="closed"):
        svc.appointment_reschedule(
            appointment=first,
            slot=svc.scheduling.Slot(
                datetime.datetime.combine(holiday, datetime.time(10)),
                datetime.datetime.combine(holiday, datetime.time(10, 30)),
                provider.pk,
                clinic.rooms[0].pk,
            ),
            reason="Asked",
            by=front_desk,
        )
