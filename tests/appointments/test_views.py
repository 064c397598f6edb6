"""Session pages: who may open what (404/403), booking, moving, cancelling, recording,
photos, calendars (with a query budget), the dashboard panel and the iCal files."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from treatments.appointments import services as svc
from treatments.appointments.models import Appointment, ProgressPhoto
from treatments.appointments.selectors import to_local

from .factories import (
    PatientFactory,
    accepted_plan,
    appointment_at,
    next_monday,
    setup_clinic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


@pytest.fixture
def booked(clinic, front_desk):
    plan = accepted_plan()
    return plan, svc.appointment_book_course(plan=plan, by=front_desk)


@pytest.fixture
def past(clinic, provider):
    plan = accepted_plan(sessions=2, start=timezone.localdate() - datetime.timedelta(days=3))
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    return appointment_at(
        plan.sessions.get(number=1), start - datetime.timedelta(days=1), provider=provider
    )


def png(size=(30, 40)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 140, 120)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


# --- Access --------------------------------------------------------------------------------


def test_anonymous_users_go_to_login(client, booked):
    plan, (a, *_) = booked
    for url in (
        reverse("appointments:calendar"),
        reverse("appointments:plan-book", args=[plan.pk]),
        reverse("appointments:appointment-detail", args=[a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("provider", "appointments:plan-book", 403),  # providers do not book
        ("front_desk", "appointments:plan-book", 200),
        ("outsider", "appointments:plan-sessions", 403),
        ("front_desk", "appointments:plan-sessions", 200),
    ],
)
def test_plan_pages_by_role(request, client_for, booked, persona, url_name, status):
    plan, _ = booked
    response = client_for(request.getfixturevalue(persona)).get(reverse(url_name, args=[plan.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("front_desk", "appointments:appointment-record", 403),  # the front desk does not record
        ("provider", "appointments:appointment-reschedule", 403),  # providers do not move
        ("outsider", "appointments:appointment-detail", 403),
        ("provider", "appointments:appointment-record", 200),
        ("front_desk", "appointments:appointment-reschedule", 200),
    ],
)
def test_appointment_pages_by_role(request, client_for, booked, persona, url_name, status):
    _, (a, *_) = booked
    response = client_for(request.getfixturevalue(persona)).get(reverse(url_name, args=[a.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    "url_name",
    [
        "appointments:appointment-detail",
        "appointments:appointment-record",
        "appointments:appointment-ics",
        "appointments:plan-sessions",
        "appointments:photo",
    ],
)
def test_unknown_objects_are_404(client_for, clinic_admin, url_name):
    assert client_for(clinic_admin).get(reverse(url_name, args=[999999])).status_code == 404


# --- Booking -------------------------------------------------------------------------------


def test_book_course_in_one_click(client_for, clinic, front_desk):
    plan = accepted_plan(start=next_monday())
    client = client_for(front_desk)
    page = client.get(reverse("appointments:plan-book", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Book all sessions" in text
    form = page.context["form"]
    data = {name: form.fields[name].initial for name in form.fields}
    response = client.post(reverse("appointments:plan-book", args=[plan.pk]), data, follow=True)
    assert "Booked 3 sessions for" in response.content.decode()
    assert Appointment.objects.filter(plan_session__plan=plan, status="booked").count() == 3


def test_book_course_conflict_shows_the_next_free_slots(client_for, clinic, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=1)
    client = client_for(front_desk)
    page = client.get(reverse("appointments:plan-book", args=[plan.pk]))
    token = page.context["form"].fields["slot_1"].initial
    # Someone else takes the slot while the page is open.
    svc.appointment_book_course(plan=accepted_plan(start=monday, sessions=1), by=front_desk)
    response = client.post(reverse("appointments:plan-book", args=[plan.pk]), {"slot_1": token})
    assert response.status_code == 409
    text = response.content.decode()
    assert "already booked then" in text
    assert "Next free slots" in text


def test_a_plan_not_accepted_cannot_be_opened_for_booking(client_for, clinic, front_desk):
    plan = accepted_plan(status="draft")
    response = client_for(front_desk).get(
        reverse("appointments:plan-book", args=[plan.pk]), follow=True
    )
    assert "Only an accepted plan can be booked" in response.content.decode()


def test_providers_do_not_see_the_booking_list(client_for, provider):
    assert client_for(provider).get(reverse("appointments:plans-to-book")).status_code == 403


def test_plans_to_book_lists_accepted_unbooked_plans(
    client_for, clinic, front_desk, booked, django_assert_num_queries
):
    waiting = accepted_plan(patient=PatientFactory(first_name="Waiting", last_name="Person"))
    accepted_plan(status="draft", patient=PatientFactory(first_name="Drafty"))
    accepted_plan(consented=False, patient=PatientFactory(first_name="Unsigned"))
    partly = accepted_plan(patient=PatientFactory(first_name="Partly", last_name="Booked"))
    svc.appointment_cancel(
        appointment=svc.appointment_book_course(plan=partly, by=front_desk)[0],
        reason="Moved away",
        by=front_desk,
    )
    client = client_for(front_desk)
    # 1 session, 2 user, 3-4 permissions, 5 the plans with their counts, 6 role names
    with django_assert_num_queries(6):
        text = client.get(reverse("appointments:plans-to-book")).content.decode()
    assert "1 of 3 to book" in text
    assert "Waiting Person" in text
    assert "Drafty" not in text and "Unsigned" not in text
    assert booked[0].patient.full_name not in text
    assert reverse("appointments:plan-book", args=[waiting.pk]) in text


def test_move_a_session_with_a_reason(client_for, booked, front_desk):
    _, (_, second, _) = booked
    client = client_for(front_desk)
    url = reverse("appointments:appointment-reschedule", args=[second.pk])
    day = to_local(second.start).date() + datetime.timedelta(days=3)
    page = client.get(url, {"day": day.isoformat()})
    choice = page.context["form"].fields["slot"].choices[0][0]
    response = client.post(
        url + f"?day={day.isoformat()}", {"slot": choice, "reason": "Asked by phone"}, follow=True
    )
    text = response.content.decode()
    assert "Session 2 moved to" in text
    assert "Session 3 moved from" in text  # now too close, so it moved as well
    second.refresh_from_db()
    assert to_local(second.start).date() >= day


def test_move_without_a_reason_is_refused(client_for, booked, front_desk):
    _, (first, *_) = booked
    url = reverse("appointments:appointment-reschedule", args=[first.pk])
    page = client_for(front_desk).get(url)
    choice = page.context["form"].fields["slot"].choices[0][0]
    response = client_for(front_desk).post(url, {"slot": choice, "reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_a_forged_slot_is_refused(client_for, booked, front_desk):
    _, (first, *_) = booked
    url = reverse("appointments:appointment-reschedule", args=[first.pk])
    response = client_for(front_desk).post(url, {"slot": "nonsense", "reason": "x"})
    assert "That slot is not valid" in response.content.decode()


def test_cancel_a_session(client_for, booked, front_desk):
    _, (first, *_) = booked
    response = client_for(front_desk).post(
        reverse("appointments:appointment-cancel", args=[first.pk]), {"reason": "Ill"}, follow=True
    )
    assert "Session 1 cancelled." in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.status_reason) == ("cancelled", "Ill")
    page = client_for(front_desk).get(reverse("appointments:appointment-detail", args=[first.pk]))
    history = page.content.decode()
    assert (
        "Cancelled" in history
        and "Ill" in history
        and 'data-testid="appointment-history"' in history
    )


def test_book_a_single_session(client_for, clinic, front_desk):
    plan = accepted_plan(sessions=2)
    session = plan.sessions.get(number=1)
    client = client_for(front_desk)
    url = reverse("appointments:session-book", args=[session.pk])
    page = client.get(url)
    choice = page.context["form"].fields["slot"].choices[2][0]
    response = client.post(url, {"slot": choice}, follow=True)
    assert "Session 1 booked for" in response.content.decode()


# --- Recording -----------------------------------------------------------------------------


def test_provider_records_a_session_with_a_lot_number_and_a_pinch(client_for, provider, past):
    url = reverse("appointments:appointment-record", args=[past.pk])
    client = client_for(provider)
    response = client.post(
        url,
        {
            "status": "done",
            "intake_reconfirmed": "on",
            "upper_back__vials": "2",
            "upper_back__lot_numbers": "KYB-2291",
            "upper_back__volume_ml": "4.0",
            "upper_back__pinch_mm": "31",
            "weight_kg": "68.5",
            "side_effects": "Mild swelling",
        },
        follow=True,
    )
    assert "Session 1 recorded." in response.content.decode()
    row = past.treated_areas.get()
    assert (row.lot_numbers, row.pinch_mm, row.vials) == ("KYB-2291", 31, 2)
    plan = past.plan_session.plan
    plan.refresh_from_db()
    assert plan.status == "in_progress"
    page = client.get(reverse("appointments:plan-sessions", args=[plan.pk])).content.decode()
    assert "<svg" in page and "Upper back" in page


def test_vials_without_a_lot_number_are_refused(client_for, provider, past):
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {"status": "done", "intake_reconfirmed": "on", "upper_back__vials": "2"},
    )
    assert response.status_code == 400
    assert "Record the lot number" in response.content.decode()


def test_done_without_reconfirming_the_intake_is_refused(client_for, provider, past):
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]), {"status": "done"}
    )
    assert response.status_code == 400
    assert "anything changed since the intake" in response.content.decode()


def test_photo_upload_and_staff_only_serving(
    client_for, provider, front_desk, past, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(provider)
    response = client.post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {"status": "no_show", "before_photo": png()},
        follow=True,
    )
    assert "Session 1 recorded." in response.content.decode()
    photo = ProgressPhoto.objects.get()
    served = client.get(reverse("appointments:photo", args=[photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "no-store, private"
    assert (
        client_for(front_desk).get(reverse("appointments:photo", args=[photo.pk])).status_code
        == 403
    )


def test_photo_upload_refuses_a_non_image(client_for, provider, past, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "photo.jpg"
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {"status": "no_show", "before_photo": fake},
        follow=True,
    )
    assert "not a photo we can read" in response.content.decode()
    assert not ProgressPhoto.objects.exists()


def test_plans_to_book_pages_through_every_plan_at_a_fixed_number_of_queries(
    client_for, clinic, front_desk, django_assert_num_queries
):
    made = [accepted_plan(sessions=1) for _ in range(27)]
    client = client_for(front_desk)
    url = reverse("appointments:plans-to-book")
    first = client.get(url)
    assert len(first.context["plans"]) == 25
    cursor = first.context["page"].next_cursor
    assert f"?after={cursor}" in first.content.decode()
    # As on the first page: 1 session, 2 user, 3-4 permissions, 5 the plans of the page
    # with their counts, 6 role names.
    with django_assert_num_queries(6):
        second = client.get(url, {"after": cursor})
    shown = [p.pk for p in first.context["plans"]] + [p.pk for p in second.context["plans"]]
    assert sorted(shown) == sorted(p.pk for p in made)
    assert second.context["page"].next_cursor == ""
    back = client.get(url, {"before": second.context["page"].prev_cursor})
    assert [p.pk for p in back.context["plans"]] == [p.pk for p in first.context["plans"]]


# --- Calendars, dashboard, iCal ------------------------------------------------------------


def test_week_calendar_stays_within_a_fixed_number_of_queries(
    client_for, clinic, provider, front_desk, django_assert_num_queries
):
    monday = next_monday()
    client = client_for(front_desk)
    url = reverse("appointments:calendar") + f"?view=week&date={monday.isoformat()}"

    made = []

    def fill(count):
        # Back to back, Monday to Friday: the database refuses overlaps for one provider.
        for _ in range(count):
            i = len(made)
            plan = accepted_plan(sessions=1, start=monday)
            day = monday + datetime.timedelta(days=i % 5)
            start = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(
                minutes=30 * (i // 5)
            )
            made.append(
                appointment_at(plan.sessions.get(), start, provider=provider, room=clinic.rooms[0])
            )

    fill(3)
    # 1 the session, 2 the user, 3-4 the user's permissions (user and group), 5 the providers,
    # 6 the rooms, 7 the devices (the resource picker), 8 whether everyone's blocks fit (their
    # ids), 9 the week's appointments with their patient, treatment, session, provider, room
    # and device, 10 the opening hours (the time axis), 11 the user's role names (the header
    # badge)
    with django_assert_num_queries(11):
        small = client.get(url)
    fill(30)
    with django_assert_num_queries(11):
        large = client.get(url)
    assert small.context["count"] == 3
    assert large.context["count"] == 33
    assert large.content.decode().count('data-testid="cal-event"') == 33


def test_everyones_calendar_past_the_draw_cap_gives_counts_and_one_resource_is_drawn(
    client_for, clinic, provider, front_desk, monkeypatch, django_assert_num_queries
):
    from treatments.appointments import selectors as appointment_selectors

    monkeypatch.setattr(appointment_selectors, "DRAW_CAP", 4)
    monday = next_monday()
    for i in range(6):
        plan = accepted_plan(sessions=1, start=monday)
        start = datetime.datetime.combine(
            monday + datetime.timedelta(days=i % 2), datetime.time(9)
        ) + datetime.timedelta(minutes=30 * i)
        appointment_at(plan.sessions.get(), start, provider=provider, room=clinic.rooms[0])
    client = client_for(front_desk)
    url = reverse("appointments:calendar")
    week = {"view": "week", "date": monday.isoformat()}
    client.get(url, week)
    # As drawn (11 queries), with each day's count in place of the blocks.
    with django_assert_num_queries(11):
        response = client.get(url, week)
    text = response.content.decode()
    assert 'data-testid="calendar-too-many"' in text and 'data-testid="cal-event"' not in text
    assert response.context["count"] == 6
    counts = dict(response.context["day_counts"])
    assert (counts[monday], counts[monday + datetime.timedelta(days=1)]) == (3, 3)
    one = client.get(url, {**week, "resource": f"provider:{provider.pk}"}).content.decode()
    assert one.count('data-testid="cal-event"') == 6 and "calendar-too-many" not in one
    day = client.get(url, {"view": "day", "date": monday.isoformat()}).content.decode()
    assert day.count('data-testid="cal-event"') == 3


def test_day_calendar_has_a_column_per_provider_and_filters_by_resource(
    client_for, booked, front_desk, clinic
):
    _, (first, *_) = booked
    day = to_local(first.start).date().isoformat()
    client = client_for(front_desk)
    text = client.get(
        reverse("appointments:calendar"), {"view": "day", "date": day}
    ).content.decode()
    assert "Priya Provider" in text
    assert text.count('data-testid="cal-event"') == 1
    other_room = clinic.rooms[1].pk if first.room_id == clinic.rooms[0].pk else clinic.rooms[0].pk
    text = client.get(
        reverse("appointments:calendar"),
        {"view": "day", "date": day, "resource": f"room:{other_room}"},
    ).content.decode()
    assert 'data-testid="cal-event"' not in text
    assert (
        client.get(reverse("appointments:calendar"), {"resource": "room:9999"}).status_code == 404
    )


def test_dashboard_lists_todays_sessions(client_for, clinic, provider, front_desk):
    plan = accepted_plan(
        sessions=1, patient=PatientFactory(first_name="Today", last_name="Patient")
    )
    start = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    appointment_at(plan.sessions.get(), start, provider=provider)
    text = client_for(front_desk).get(reverse("dashboard")).content.decode()
    assert "Today&#x27;s sessions" in text or "Today's sessions" in text
    assert "Today Patient" in text


def test_dashboard_lists_the_first_sessions_of_a_busy_day_at_a_fixed_number_of_queries(
    client_for, clinic, provider, front_desk, django_assert_num_queries
):
    day = timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    client = client_for(front_desk)
    for count in (2, 30):
        while Appointment.objects.count() < count:
            n = Appointment.objects.count()
            plan = accepted_plan(sessions=1)
            appointment_at(
                plan.sessions.get(), day + datetime.timedelta(minutes=30 * n), provider=provider
            )
        # 1 session, 2 user, 3-4 permissions, 5 role names (the header), 6 today's sessions
        # (the first 26, lean rows).
        with django_assert_num_queries(6):
            text = client.get(reverse("dashboard")).content.decode()
        assert len(re.findall(r'href="/sessions/\d+/"', text)) == min(count, 25)
        assert ('data-testid="today-more"' in text) == (count > 25)


def test_appointment_ics_and_the_provider_feed(client_for, booked, front_desk, clinic, client):
    plan, (first, *_) = booked
    ics = client_for(front_desk).get(reverse("appointments:appointment-ics", args=[first.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert ics["Cache-Control"] == "no-store, private"
    body = ics.content.decode().replace("\r\n ", "")  # unfold RFC 5545 long lines
    assert "BEGIN:VEVENT" in body and plan.patient.full_name in body
    feed = client.get(reverse("appointments:provider-feed", args=[clinic.profile.ical_token]))
    assert feed.status_code == 200
    assert feed["Cache-Control"] == "no-store, private"
    feed_body = feed.content.decode().replace("\r\n ", "")
    assert feed_body.count("BEGIN:VEVENT") == 3
    # The feed, on a phone, shows the last name's initial only.
    assert plan.patient.full_name not in feed_body
    assert f"{plan.patient.first_name} {plan.patient.last_name[0]}." in feed_body
    assert client.get(reverse("appointments:provider-feed", args=["wrong"])).status_code == 404


def test_record_page_shows_the_intakes_flags_to_reconfirm(client_for, provider, past):
    from consultations.models import IntakeResponse
    from tests.consultations.factories import IntakeFactory, seed_questionnaire

    questionnaire = seed_questionnaire()
    intake = IntakeFactory(patient=past.plan_session.plan.patient, questionnaire=questionnaire)
    IntakeResponse.objects.create(
        intake=intake,
        questionnaire=questionnaire,
        flags=[
            {
                "code": "anticoagulants",
                "severity": "warn",
                "label": "Takes an anticoagulant",
                "question": "medicines",
                "question_text": "Do you take blood thinners?",
                "answer": "Apixaban",
            }
        ],
    )
    text = (
        client_for(provider)
        .get(reverse("appointments:appointment-record", args=[past.pk]))
        .content.decode()
    )
    assert "Takes an anticoagulant" in text and "Apixaban" in text


def test_a_provider_finds_their_own_feed_url_on_the_calendar(
    client_for, clinic, provider, front_desk
):
    text = client_for(provider).get(reverse("appointments:calendar")).content.decode()
    assert clinic.profile.ical_token in text
    assert (
        clinic.profile.ical_token
        not in client_for(front_desk).get(reverse("appointments:calendar")).content.decode()
    )


# --- Nothing typed is lost: the record and its photos are one form ------------------------

RECORD = {
    "status": "done",
    "intake_reconfirmed": "on",
    "upper_back__vials": "2",
    "upper_back__lot_numbers": "KYB-2291",
    "upper_back__pinch_mm": "31",
    "weight_kg": "68.5",
}


def test_the_record_and_its_photos_are_saved_together(
    client_for, provider, past, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {**RECORD, "before_photo": png(), "after_photo": png((40, 30))},
    )
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == "done" and past.weight_kg == 68.5
    assert past.treated_areas.get().lot_numbers == "KYB-2291"
    assert sorted(past.photos.values_list("kind", flat=True)) == ["after", "before"]
    assert past.photos.get(kind="after").area.code == "upper_back"  # the session's one area


def test_a_bad_photo_is_refused_beside_its_field_and_every_typed_value_stays(
    client_for, provider, past, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "photo.jpg"
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {**RECORD, "before_photo": fake},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "not a photo we can read" in " ".join(form.errors["before_photo"])
    text = response.content.decode()
    for typed in ('value="KYB-2291"', 'value="31"', 'value="68.5"', 'value="2"'):
        assert typed in text
    assert 'data-testid="photo-again"' in text
    past.refresh_from_db()
    assert past.recorded_at is None and not past.treated_areas.exists()
    assert not ProgressPhoto.objects.exists()


def test_a_refused_record_keeps_no_photo_file(client_for, provider, past, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {**RECORD, "upper_back__lot_numbers": "", "before_photo": png()},
    )
    assert response.status_code == 400
    assert "Record the lot number" in response.content.decode()
    assert not ProgressPhoto.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_service_refusal_after_the_photos_leaves_no_file(
    client_for, provider, past, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path

    def refuse(**kwargs):
        raise svc.ValidationError("Refused at the end.")

    monkeypatch.setattr(svc, "plan_sync_status", refuse)
    response = client_for(provider).post(
        reverse("appointments:appointment-record", args=[past.pk]),
        {**RECORD, "before_photo": png()},
    )
    assert response.status_code == 400
    assert "Refused at the end." in response.content.decode()
    assert not ProgressPhoto.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    past.refresh_from_db()
    assert past.recorded_at is None
