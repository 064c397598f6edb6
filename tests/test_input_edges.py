"""Hostile input at the edge: NUL bytes, control characters and dates at the ends of the
calendar answer 400/404 with a message, never a 500 (issue 16)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.appointments.factories import accepted_plan, next_monday, setup_clinic
from treatments.appointments import services as svc

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


@pytest.fixture
def booked(clinic, front_desk):
    plan = accepted_plan(start=next_monday())
    return plan, svc.appointment_book_course(plan=plan, by=front_desk)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/intake/%00/",
        "/intake/%00/step/1/",
        "/intake/%00/review/",
        "/consent/%00/",
        "/sessions/feed/%00.ics",
        "/intake/a%0Db/",
    ],
)
def test_a_nul_byte_in_a_patient_link_is_not_found(path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code in (400, 404)


@pytest.mark.parametrize("q", ["\x00", "Garcia\x00", "a\x00b", "\x00\x00%"])
def test_a_nul_byte_in_search_is_a_clear_400(front_desk, q):
    response = _client(front_desk).get(reverse("consultations:patient-list"), {"q": q})
    assert response.status_code == 400
    assert b"control character" in response.content


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30"])
def test_calendar_dates_at_the_ends_of_time(front_desk, clinic, value):
    for view in ("week", "day"):
        response = _client(front_desk).get(
            reverse("appointments:calendar"), {"date": value, "view": view}
        )
        assert response.status_code in (200, 400), (view, value)
        if response.status_code == 400:
            assert b"Showing today" in response.content


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_booking_and_moving_days_at_the_ends_of_time(front_desk, booked, value):
    plan, appointments = booked
    session = plan.sessions.first()
    client = _client(front_desk)
    urls = [
        reverse("appointments:session-book", args=[session.pk]),
        reverse("appointments:appointment-reschedule", args=[appointments[0].pk]),
    ]
    for url in urls:
        response = client.get(url, {"day": value})
        assert response.status_code == 400, url
        assert b"between 1900 and 2199" in response.content
        response = client.post(url, {"slot": f"{value}T10:00|30|1|1|1"})
        assert response.status_code == 200, url  # the slot is not one offered: said at the field


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_booking_a_course_on_days_at_the_ends_of_time(front_desk, clinic, value):
    plan = accepted_plan(start=next_monday())
    client = _client(front_desk)
    book = reverse("appointments:plan-book", args=[plan.pk])
    assert client.get(book, {"day_1": value}).status_code == 200  # the agreed day instead
    response = client.post(book, {"day_1": value, "action": "show"})
    assert response.status_code in (200, 400)
    assert b"between 1900 and 2199" in response.content
    response = client.post(book, {"slot_1": f"{value}T10:00|30|1|1|1"})
    assert response.status_code == 200
    assert plan.sessions.filter(appointments__isnull=False).count() == 0


def test_a_calendar_date_out_of_range_shows_today_with_a_message(front_desk, clinic):
    response = _client(front_desk).get(reverse("appointments:calendar"), {"date": "9999-12-31"})
    assert response.status_code == 400
    assert b"between 1900 and 2199" in response.content


def test_a_body_over_the_limit_is_refused_before_it_is_read(front_desk, settings):
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    settings.MAX_REQUEST_BODY_BYTES = 1024 * 1024
    client = _client(front_desk)
    response = client.generic(
        "POST",
        reverse("consultations:patient-create"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert b"at most 1 MB" in response.content


def test_an_api_request_with_a_control_character_gets_json_errors(front_desk):
    response = _client(front_desk).get("/api/v1/appointments", {"start": "2026-01-01\x00"})
    assert response.status_code == 400
    assert response.json()["errors"]["start"] == [
        "This contains a control character (such as a NUL byte) that cannot be stored."
    ]


def test_a_name_with_a_line_break_is_refused_beside_the_field(front_desk):
    response = _client(front_desk).post(
        reverse("consultations:patient-create"),
        {
            "first_name": "Dana",
            "last_name": "Reyes\r\nSmith",
            "date_of_birth": "1985-05-05",
            "sex": "female",
            "email": "dana@example.com",
            "preferred_contact": "email",
        },
    )
    assert response.status_code in (200, 400)
    assert b"Use a single line, without line breaks or tabs." in response.content


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("audit:log", {"until": "9999-12-31"}),
        ("audit:log", {"since": "0001-01-01"}),
        ("reports:business", {"first": "9999-12-30", "last": "9999-12-31"}),
        ("reports:utilisation", {"first": "0001-01-01", "last": "0001-01-02"}),
    ],
)
def test_report_and_audit_dates_at_the_ends_of_time(clinic_admin, url_name, params):
    """The fuzzer's finds: a range ending on 9999-12-31 overflowed its day after (a 500)."""
    response = _client(clinic_admin).get(reverse(url_name), params)
    assert response.status_code == 400
    assert b"between 1900 and 2199" in response.content
