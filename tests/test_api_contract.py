"""Issue 12 and the API half of issue 16: the document says what the API does.

Schema names, documented statuses, constraints, pages with an opaque cursor, patient search,
read-only tokens, tokens that act only as a grantable non-superuser, permission before input,
401 for anonymous writes, 409 for the loser of two concurrent course bookings, and no 500 from
years 0001/9999 or NUL bytes.
"""

from __future__ import annotations

import datetime
import json
import re
import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from clinic.apikit import (
    CALENDAR_DATE_PATTERN,
    CURSOR_PATTERN,
    LOCAL_DATETIME_PATTERN,
    decode_cursor,
    encode_cursor,
)
from clinic.models import ApiToken
from consultations.models import Patient
from tests.appointments.factories import accepted_plan, next_monday, setup_clinic
from tests.consultations.factories import PatientFactory
from tests.factories import UserFactory
from treatments.appointments.models import Appointment

pytestmark = pytest.mark.django_db


def issue(user, *, read_only: bool = False) -> str:
    token = ApiToken(user=user, name="Website", read_only=read_only)
    raw_key = token.set_new_key()
    token.save()
    return raw_key


def bearer(raw_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def post(client, path, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **extra)


NEW_PATIENT = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "date_of_birth": "1985-05-05",
    "sex": "female",
    "email": "dana@example.com",
}


# --- The document --------------------------------------------------------------------------


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_schema_names_are_unique_and_say_what_they_are(document):
    schemas = document["components"]["schemas"]
    assert {"first_name", "date_of_birth", "email", "phone"} <= set(
        schemas["PatientCreate"]["properties"]
    )
    assert {"age", "height_cm", "weight_kg"} <= set(schemas["PreviewPatient"]["properties"])
    assert "PatientIn" not in schemas
    create = document["paths"]["/api/v1/patients"]["post"]
    ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/PatientCreate")


def test_every_operation_documents_each_status_with_its_body(document):
    for path, method, op in operations(document):
        answers = op["responses"]
        assert {"401", "403"} <= set(answers), (method, path)
        takes_input = "{" in path or op.get("parameters") or op.get("requestBody")
        if takes_input:
            errors = answers["400"]["content"]["application/json"]["schema"]["$ref"]
            assert errors.endswith("/ErrorsOut"), (method, path)
        if "{" in path:
            assert "404" in answers, (method, path)
        for status, answer in answers.items():
            assert "content" in answer, (method, path, status)
    book = document["paths"]["/api/v1/plans/{plan_id}/book"]["post"]["responses"]
    assert set(book) == {"201", "400", "401", "403", "404", "409"}


def test_constraints_are_in_the_schema(document):
    schemas = document["components"]["schemas"]
    area = schemas["PreviewArea"]["properties"]
    assert area["pinch_mm"] == {
        "description": "Pinch thickness in mm.",
        "exclusiveMinimum": 0,
        "maximum": 200,
        "title": "Pinch Mm",
        "type": "number",
    }
    assert "upper_back" in area["area"]["enum"]
    prefs = schemas["PreviewPreferences"]["properties"]
    assert prefs["budget"]["type"] == "string" and "pattern" in prefs["budget"]
    assert "anyOf" not in prefs["budget"]  # never "number or any string"
    assert schemas["PreviewRequest"]["properties"]["areas"]["minItems"] == 1
    assert schemas["PatientCreate"]["properties"]["sex"]["enum"] == ["female", "male", "other"]
    assert schemas["PatientCreate"]["properties"]["date_of_birth"]["format"] == "date"
    params = {p["name"]: p for p in document["paths"]["/api/v1/appointments"]["get"]["parameters"]}
    assert params["start"]["schema"]["pattern"] == CALENDAR_DATE_PATTERN
    assert params["limit"]["schema"]["maximum"] == 200
    assert params["cursor"]["schema"]["pattern"] == CURSOR_PATTERN


def test_the_date_patterns_allow_exactly_the_real_days_of_1900_to_2199():
    for year in (1899, 1900, 1904, 2000, 2023, 2024, 2100, 2199, 2200, 9999):
        for month in range(1, 13):
            for day in range(1, 32):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    datetime.date(year, month, day)
                    real = 1900 <= year <= 2199
                except ValueError:
                    real = False
                assert bool(re.match(CALENDAR_DATE_PATTERN, text)) is real, text
                assert bool(re.match(LOCAL_DATETIME_PATTERN, text + "T09:30")) is real, text
    assert re.match(LOCAL_DATETIME_PATTERN, "2027-01-04T09:00:00+01:00")
    assert not re.match(LOCAL_DATETIME_PATTERN, "2027-01-04T24:00")


def test_every_cursor_the_pattern_allows_decodes():
    for value in (0, 1, 61, 62, 2**34 + 5, 2**63 - 1):
        cursor = encode_cursor(value)
        assert re.match(CURSOR_PATTERN, cursor)
        assert decode_cursor(cursor) == value
    assert decode_cursor("z" * 11) == 62**11 - 1


# --- Order of checks: who, then may they, then the input ----------------------------------


def test_anonymous_writes_are_401_even_with_csrf_enforced(roles):
    client = Client(enforce_csrf_checks=True)
    response = post(client, "/api/v1/patients", {"nonsense": True})
    assert response.status_code == 401
    assert response.json() == {"detail": "Log in to use the API."}
    assert post(client, "/api/v1/plans/1/book", {}).status_code == 401


def test_permission_is_checked_before_the_input(client_for, provider, outsider):
    # A provider may not book: 403, not field errors about a body that is wrong anyway.
    response = post(client_for(provider), "/api/v1/plans/1/book", {"sessions": "x", "y": 1})
    assert response.status_code == 403
    assert "errors" not in response.json()
    response = post(client_for(outsider), "/api/v1/patients", "{not json")
    assert response.status_code == 403
    response = client_for(outsider).get("/api/v1/appointments", {"start": "nonsense"})
    assert response.status_code == 403


def test_a_session_write_without_the_csrf_token_is_403(provider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider)
    response = post(client, "/api/v1/plans/preview", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- Tokens --------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_may_not_write(client, front_desk):
    raw_key = issue(front_desk, read_only=True)
    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 200
    assert client.get("/api/v1/patients", **bearer(raw_key)).status_code == 200
    response = post(client, "/api/v1/patients", NEW_PATIENT, **bearer(raw_key))
    assert response.status_code == 403
    assert response.json() == {"detail": "This API token is read-only: it may not change anything."}
    assert not Patient.objects.exists()
    # The same user's full token may.
    assert (
        post(client, "/api/v1/patients", NEW_PATIENT, **bearer(issue(front_desk))).status_code
        == 201
    )


def test_a_token_never_acts_as_a_superuser(client, front_desk):
    raw_key = issue(front_desk)
    front_desk.is_superuser = True
    front_desk.save()
    assert client.get("/api/v1/me", **bearer(raw_key)).status_code == 401


def _admin_issue(client, user, **extra):
    return client.post(
        reverse("admin:clinic_apitoken_add"),
        {"user": user.pk, "name": "Website", "revoked_at_0": "", "revoked_at_1": "", **extra},
    )


def test_a_clinic_admin_issues_a_read_only_token(client_for, clinic_admin, front_desk):
    response = _admin_issue(client_for(clinic_admin), front_desk, read_only="on")
    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert token.read_only and token.issued_by == clinic_admin and token.user == front_desk


def test_a_clinic_admin_may_not_issue_for_a_superuser_or_an_ungrantable_user(
    client_for, clinic_admin, front_desk
):
    client = client_for(clinic_admin)
    boss = UserFactory(username="boss", is_superuser=True)
    nobody = UserFactory(username="nobody")  # no role
    special = UserFactory(username="special", roles=["Front desk"])
    special.user_permissions.add(Permission.objects.get(codename="delete_patient"))
    for user in (boss, nobody, special):
        response = _admin_issue(client, user)
        assert response.status_code == 200, user  # the form again, with the error
        assert response.context["adminform"].form.errors["user"], user
    assert not ApiToken.objects.exists()


def test_the_model_refuses_what_the_issuer_may_not_grant(clinic_admin, front_desk, roles):
    boss = UserFactory(username="boss", is_superuser=True)
    with pytest.raises(ValidationError, match="superuser"):
        ApiToken(user=boss, name="x", issued_by=boss).full_clean()
    special = UserFactory(username="special", roles=["Front desk"])
    special.user_permissions.add(Permission.objects.get(codename="delete_patient"))
    with pytest.raises(ValidationError, match="outside the roles"):
        ApiToken(user=special, name="x", issued_by=clinic_admin).full_clean(
            exclude=["prefix", "key_digest"]
        )
    # A superuser may issue for that account (never for a superuser).
    ApiToken(user=special, name="x", issued_by=boss).full_clean(exclude=["prefix", "key_digest"])
    ApiToken(user=front_desk, name="x", issued_by=clinic_admin).full_clean(
        exclude=["prefix", "key_digest"]
    )


# --- Patients: search and pages ------------------------------------------------------------


def test_patients_are_found_by_name_email_phone_or_date_of_birth(client_for, front_desk):
    dana = PatientFactory(
        first_name="Dana",
        last_name="Reyes",
        email="dana@example.com",
        phone="+14155550100",
        date_of_birth=datetime.date(1985, 5, 5),
    )
    PatientFactory(first_name="Sam", last_name="Other", email="sam@example.org", phone="")
    client = client_for(front_desk)
    for q in ("reyes", "DANA", "dana@example", "555-0100", "1985-05-05", "dana 1985-05-05"):
        items = client.get("/api/v1/patients", {"q": q}).json()["items"]
        assert [p["id"] for p in items] == [dana.pk], q
    assert client.get("/api/v1/patients", {"q": "nobody"}).json() == {
        "items": [],
        "next_cursor": None,
    }


def test_patients_page_with_an_opaque_cursor(client_for, front_desk):
    made = [PatientFactory().pk for _ in range(5)]
    client = client_for(front_desk)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/patients", params).json()
        seen += [p["id"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(made) and pages == 3


def test_the_patient_list_takes_a_fixed_number_of_queries(
    client_for, front_desk, django_assert_num_queries
):
    for _ in range(30):
        PatientFactory()
    client = client_for(front_desk)
    client.get("/api/v1/patients")  # warm the session
    # The session, its user, the permission check (the user's and the groups' permissions)
    # and the page itself: one query for the rows, whatever the page size.
    with django_assert_num_queries(5):
        page = client.get("/api/v1/patients", {"limit": 25}).json()
    assert len(page["items"]) == 25 and page["next_cursor"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"cursor": "not/a/cursor"}, "cursor"),
        ({"q": "dana\x00"}, "q"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_list_parameters_are_400(client_for, front_desk, params, field):
    response = client_for(front_desk).get("/api/v1/patients", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- Bad input, never a 500 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW_PATIENT, "first_name": "Da\x00na"}, "first_name"),
        ({**NEW_PATIENT, "last_name": "Reyes\r\nBcc: x"}, "last_name"),
        ({**NEW_PATIENT, "date_of_birth": "0001-01-01"}, "date_of_birth"),
        ({**NEW_PATIENT, "date_of_birth": "9999-12-31"}, "date_of_birth"),
        ({**NEW_PATIENT, "date_of_birth": 0}, "date_of_birth"),
        ({**NEW_PATIENT, "email": "dana@@example.com"}, "email"),
    ],
)
def test_bad_patient_input_is_400(client_for, front_desk, body, field):
    response = post(client_for(front_desk), "/api/v1/patients", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "9999-12-31", "end": "9999-12-31"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"start": "2027-01-04", "end": "9999-12-31"},
        {"start": "2027-01-04\x00", "end": "2027-01-05"},
        {"start": "2027-02-30", "end": "2027-03-01"},
    ],
)
def test_calendar_years_out_of_range_or_nul_are_400(client_for, front_desk, params):
    response = client_for(front_desk).get("/api/v1/appointments", params)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) <= {"start", "end"}


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


@pytest.mark.parametrize("start", ["9999-12-31T23:30", "0001-01-01T00:00", "2027-01-04T09:00\x00"])
def test_booking_years_out_of_range_or_nul_are_400(client_for, clinic, front_desk, provider, start):
    plan = accepted_plan(sessions=1)
    body = {"sessions": [{"number": 1, "start": start, "provider": provider.pk}]}
    response = post(client_for(front_desk), f"/api/v1/plans/{plan.pk}/book", body)
    assert response.status_code == 400, response.content
    assert "sessions.0.start" in response.json()["errors"]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("goal", ['"1e-999999"', "1e-999999", '"0.0000001"', "1e999999", "NaN"])
def test_absurd_precision_is_refused_quickly_and_briefly(client_for, provider, goal):
    body = (
        '{"patient": {"age": 40, "sex": "female", "height_cm": 165, "weight_kg": 60},'
        ' "areas": [{"area": "abdomen", "pinch_mm": 30, "size": "medium"}],'
        ' "preferences": {"goal_pinch_mm": ' + goal + "}}"
    )
    began = time.monotonic()
    response = post(client_for(provider), "/api/v1/plans/preview", body)
    assert time.monotonic() - began < 2
    assert response.status_code == 400
    assert "preferences.goal_pinch_mm" in response.json()["errors"]
    assert len(response.content) < 1000


def test_measurements_are_numbers_and_money_is_a_two_decimal_string(client_for, provider):
    base = {
        "patient": {"age": 40, "sex": "female", "height_cm": 165, "weight_kg": 60},
        "areas": [{"area": "abdomen", "pinch_mm": 30, "size": "medium"}],
    }
    client = client_for(provider)
    for prefs, field in (
        ({"budget": ""}, "preferences.budget"),
        ({"budget": "3000.001"}, "preferences.budget"),
        ({"budget": 3000}, "preferences.budget"),
        ({"budget": "10000000.01"}, "preferences.budget"),
    ):
        response = post(client, "/api/v1/plans/preview", {**base, "preferences": prefs})
        assert response.status_code == 400 and field in response.json()["errors"], prefs
    response = post(
        client, "/api/v1/plans/preview", {**base, "patient": {**base["patient"], "age": "40"}}
    )
    assert response.status_code == 400 and "patient.age" in response.json()["errors"]


# --- Booking: pages and the concurrent loser ---------------------------------------------


def test_appointments_page_through_with_a_cursor(client_for, clinic, front_desk):
    from treatments.appointments import services as svc

    monday = next_monday()
    for _ in range(3):
        svc.appointment_book_course(plan=accepted_plan(start=monday, sessions=1), by=front_desk)
    client = client_for(front_desk)
    params = {"start": str(monday), "end": str(monday + datetime.timedelta(days=6)), "limit": 2}
    first = client.get("/api/v1/appointments", params).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get("/api/v1/appointments", {**params, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert sorted(ids) == sorted(Appointment.objects.values_list("pk", flat=True))


def test_the_appointment_page_takes_a_fixed_number_of_queries(
    client_for, clinic, front_desk, django_assert_num_queries
):
    from treatments.appointments import services as svc

    monday = next_monday()
    for _ in range(4):
        svc.appointment_book_course(plan=accepted_plan(start=monday, sessions=1), by=front_desk)
    client = client_for(front_desk)
    params = {"start": str(monday), "end": str(monday + datetime.timedelta(days=6)), "limit": 3}
    client.get("/api/v1/appointments", params)  # warm the session
    # The session, its user, the permission check (two) and the page with its plans,
    # patients, treatments, providers, rooms and devices joined in.
    with django_assert_num_queries(5):
        page = client.get("/api/v1/appointments", params).json()
    assert len(page["items"]) == 3 and page["next_cursor"]


def test_booking_a_booked_course_again_is_409(client_for, clinic, front_desk):
    plan = accepted_plan(start=next_monday())
    client = client_for(front_desk)
    assert post(client, f"/api/v1/plans/{plan.pk}/book", {}).status_code == 201
    again = post(client, f"/api/v1/plans/{plan.pk}/book", {})
    assert again.status_code == 409
    assert again.json()["errors"] == {"sessions": ["Every session of this plan is already booked."]}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers need PostgreSQL; SQLite serialises every write.",
)
@pytest.mark.django_db(transaction=True)
def test_the_losers_of_a_concurrent_course_booking_get_409(provider, front_desk):
    setup_clinic(provider)
    plan = accepted_plan(start=next_monday())
    raw_key = issue(front_desk)
    callers = 4
    barrier = threading.Barrier(callers)
    answers: list[object] = [None] * callers

    def book(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = post(Client(), f"/api/v1/plans/{plan.pk}/book", {}, **bearer(raw_key))
            answers[i] = (response.status_code, response.json())
        except Exception as exc:  # recorded, so the assertion shows anything unexpected
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(a[0] for a in answers if isinstance(a, tuple))
    assert statuses == [201, 409, 409, 409], answers
    assert all(a[1] != [] for a in answers if isinstance(a, tuple))
    assert Appointment.objects.filter(plan_session__plan=plan, status="booked").count() == 3
