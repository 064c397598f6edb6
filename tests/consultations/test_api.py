"""POST/GET /api/v1/patients and POST /api/v1/patients/{id}/intake-links."""

import json

import pytest
from django.utils import timezone

from consultations import services
from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import Intake, Patient
from tests.consultations.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db

BODY = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "date_of_birth": "1985-05-05",
    "sex": "female",
    "email": "dana@example.com",
    "phone": "+14155550100",
}


def post(client, path, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json")


def test_create_a_patient(client_for, front_desk):
    response = post(client_for(front_desk), "/api/v1/patients", BODY)
    assert response.status_code == 201
    patient = Patient.objects.get()
    assert response.json() == {**BODY, "id": patient.pk}
    assert patient.created_by == front_desk


def test_a_phone_alone_is_enough(client_for, front_desk):
    body = {k: v for k, v in BODY.items() if k != "email"}
    response = post(client_for(front_desk), "/api/v1/patients", {**body, "phone": "(415) 555-0100"})
    assert response.status_code == 201
    assert response.json()["phone"] == "+14155550100"
    assert response.json()["email"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "body"),
        ({k: v for k, v in BODY.items() if k != "last_name"}, "last_name"),
        ({k: v for k, v in BODY.items() if k != "date_of_birth"}, "date_of_birth"),
        ({**BODY, "email": "dana-at-example"}, "email"),
        ({**BODY, "phone": "12"}, "phone"),
        ({**BODY, "date_of_birth": "1985-02-30"}, "date_of_birth"),
        ({**BODY, "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({**BODY, "date_of_birth": 12}, "date_of_birth"),
        ({**BODY, "email": "", "phone": ""}, "email"),
        ({**BODY, "sex": "robot"}, "sex"),
        ({**BODY, "first_name": ""}, "first_name"),
        ({**BODY, "nickname": "D"}, "nickname"),
        ([], "body"),
    ],
)
def test_bad_input_is_400_with_errors(client_for, front_desk, body, field):
    response = post(client_for(front_desk), "/api/v1/patients", body)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors or (field == "body" and errors), errors
    assert all(isinstance(msgs, list) and msgs for msgs in errors.values())
    assert not Patient.objects.exists()


def test_anonymous_is_401_and_without_permission_403(client, client_for, provider, outsider):
    assert post(client, "/api/v1/patients", BODY).status_code == 401
    assert post(client_for(provider), "/api/v1/patients", BODY).status_code == 403
    patient = PatientFactory()
    assert client.get(f"/api/v1/patients/{patient.pk}").status_code == 401
    assert client_for(outsider).get(f"/api/v1/patients/{patient.pk}").status_code == 403
    assert post(client, f"/api/v1/patients/{patient.pk}/intake-links", {}).status_code == 401
    assert (
        post(client_for(provider), f"/api/v1/patients/{patient.pk}/intake-links", {}).status_code
        == 403
    )


def test_unknown_patient_is_404(client_for, front_desk):
    client = client_for(front_desk)
    assert client.get("/api/v1/patients/999999").status_code == 404
    assert post(client, "/api/v1/patients/999999/intake-links", {}).status_code == 404


def test_get_a_patient_with_intakes_newest_first(client_for, provider, questionnaire):
    patient = PatientFactory(**{k: v for k, v in BODY.items() if k != "date_of_birth"})
    old = IntakeFactory(
        patient=patient,
        draft={**SUBMITTED_ANSWERS, "pregnant": "yes"},
        created_at=timezone.now() - timezone.timedelta(days=2),
    )
    services.intake_submit(intake=old)
    new = IntakeFactory(patient=patient)
    response = client_for(provider).get(f"/api/v1/patients/{patient.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == "dana@example.com"
    assert [i["id"] for i in data["intakes"]] == [new.pk, old.pk]
    fresh, submitted = data["intakes"]
    assert fresh["status"] == "sent"
    assert fresh["submitted_at"] is None
    assert fresh["conditions"] == [] and fresh["flags"] == []
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"]
    assert submitted["conditions"] == ["pregnancy", "raynauds", "anticoagulants"]
    assert submitted["flags"][0] == {
        "code": "pregnancy",
        "severity": "exclude",
        "label": "Pregnant or breastfeeding",
        "question": "Are you pregnant, trying to become pregnant, or breastfeeding?",
        "answer": "Yes",
    }


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"started_at": timezone.now()}, "in_progress"),
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"expires_at": timezone.now() - timezone.timedelta(seconds=1)}, "expired"),
    ],
)
def test_intake_statuses(client_for, provider, questionnaire, changes, status):
    intake = IntakeFactory(**changes)
    data = client_for(provider).get(f"/api/v1/patients/{intake.patient.pk}").json()
    assert data["intakes"][0]["status"] == status


def test_front_desk_sees_statuses_but_not_flags(client_for, front_desk, questionnaire):
    intake = IntakeFactory(draft=SUBMITTED_ANSWERS)
    services.intake_submit(intake=intake)
    data = client_for(front_desk).get(f"/api/v1/patients/{intake.patient.pk}").json()
    assert data["intakes"][0]["status"] == "submitted"
    assert data["intakes"][0]["flags"] is None
    assert data["intakes"][0]["conditions"] is None


@pytest.mark.parametrize("body", [{}, {"expires_in_days": 5}])
def test_create_an_intake_link(client_for, front_desk, questionnaire, body):
    patient = PatientFactory()
    response = post(client_for(front_desk), f"/api/v1/patients/{patient.pk}/intake-links", body)
    assert response.status_code == 201
    intake = Intake.objects.get(patient=patient)
    data = response.json()
    assert data["url"] == f"http://testserver/intake/{intake.token}/"
    days = body.get("expires_in_days", 14)
    assert (intake.expires_at - intake.created_at).days == days
    assert data["expires_at"].startswith(str(intake.expires_at.date()))


@pytest.mark.parametrize(
    "body", [{"expires_in_days": 0}, {"expires_in_days": "soon"}, {"expires_in_days": 365}, "{x"]
)
def test_bad_intake_link_input_is_400(client_for, front_desk, questionnaire, body):
    patient = PatientFactory()
    response = post(client_for(front_desk), f"/api/v1/patients/{patient.pk}/intake-links", body)
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Intake.objects.exists()
