"""The sessions API: calendar reads, a plan's proposal, booking with conflicts (409)."""

import datetime
import json

import pytest
from django.urls import reverse

from treatments.appointments import services as svc
from treatments.appointments.models import Appointment

from .factories import accepted_plan, next_monday, setup_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


def url(path: str) -> str:
    return reverse("api:api-root") + path.lstrip("/")


def post(client, path, body):
    return client.post(url(path), json.dumps(body), content_type="application/json")


def test_anonymous_is_401_and_providers_cannot_book(client, client_for, clinic, provider):
    plan = accepted_plan()
    assert client.get(url(f"plans/{plan.pk}/proposal")).status_code == 401
    assert client_for(provider).get(url(f"plans/{plan.pk}/proposal")).status_code == 403
    assert post(client_for(provider), f"plans/{plan.pk}/book", {}).status_code == 403
    assert client_for(provider).get(url("plans/999999/proposal")).status_code == 403


def test_unknown_plan_is_404(client_for, front_desk):
    assert client_for(front_desk).get(url("plans/999999/proposal")).status_code == 404


def test_proposal_then_book_as_proposed(client_for, clinic, front_desk, provider):
    monday = next_monday()
    plan = accepted_plan(start=monday)
    client = client_for(front_desk)
    proposal = client.get(url(f"plans/{plan.pk}/proposal")).json()
    assert proposal["complete"] is True
    # Each session on the day the signed plan agreed (every 30 days), not the earliest the
    # 28-day minimum would allow.
    assert [s["slot"]["start"][:10] for s in proposal["sessions"]] == [
        str(d) for d in plan.sessions.order_by("number").values_list("planned_date", flat=True)
    ]
    response = post(client, f"plans/{plan.pk}/book", {})
    assert response.status_code == 201
    body = response.json()
    assert [a["session"] for a in body] == [1, 2, 3]
    assert body[0]["provider"]["id"] == provider.pk
    assert body[0]["patient"]["name"] == plan.patient.full_name


def test_booking_a_taken_slot_is_409_with_alternatives(client_for, clinic, front_desk, provider):
    monday = next_monday()
    svc.appointment_book_course(plan=accepted_plan(start=monday, sessions=1), by=front_desk)
    plan = accepted_plan(start=monday, sessions=1)
    response = post(
        client_for(front_desk),
        f"plans/{plan.pk}/book",
        {
            "sessions": [
                {
                    "number": 1,
                    "start": f"{monday}T09:00:00",
                    "provider": provider.pk,
                    "room": clinic.rooms[1].pk,
                }
            ]
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert "already booked then" in body["errors"]["sessions"][0]
    assert body["alternatives"][0]["start"].startswith(f"{monday}T09:30")
    assert not Appointment.objects.filter(plan_session__plan=plan).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"sessions": [{"number": 9, "start": "2030-01-07T09:00:00", "provider": 1}]},
            "sessions.0.number",
        ),
        ({"sessions": [{"number": 1, "start": "not a time", "provider": 1}]}, "sessions.0.start"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_booking_input_is_400(client_for, clinic, front_desk, body, field):
    plan = accepted_plan()
    response = post(client_for(front_desk), f"plans/{plan.pk}/book", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_appointments_in_a_range(client_for, clinic, front_desk, provider):
    monday = next_monday()
    svc.appointment_book_course(plan=accepted_plan(start=monday), by=front_desk)
    client = client_for(provider)
    week = client.get(
        url("appointments"), {"start": str(monday), "end": str(monday + datetime.timedelta(days=6))}
    )
    assert week.status_code == 200
    assert len(week.json()["items"]) == 1
    assert week.json()["next_cursor"] is None
    assert (
        len(
            client.get(
                url("appointments"),
                {
                    "start": str(monday),
                    "end": str(monday + datetime.timedelta(days=60)),
                    "provider": provider.pk,
                },
            ).json()["items"]
        )
        == 3
    )
    too_long = client.get(
        url("appointments"),
        {"start": str(monday), "end": str(monday + datetime.timedelta(days=90))},
    )
    assert too_long.status_code == 400 and "end" in too_long.json()["errors"]
    backwards = client.get(
        url("appointments"), {"start": str(monday), "end": str(monday - datetime.timedelta(days=1))}
    )
    assert backwards.status_code == 400
