"""A client generated from the OpenAPI document works (issue 12's "Done when").

openapi-python-client (a standard generator from PyPI) generates a Python client from the
document the server serves; the test then uses only that client — its models and its
functions, no hand-written requests — to create a patient, send an intake link, preview
the treatment options and book a signed plan's course, against a live server.
The document is also validated against the OpenAPI 3.1 specification.
"""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from clinic.models import ApiToken
from clinic.roles import FRONT_DESK
from tests.appointments.factories import accepted_plan, next_monday, setup_clinic
from tests.consultations.factories import seed_questionnaire
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_document_is_valid_openapi(client):
    validate(client.get("/api/v1/openapi.json").json())


@pytest.fixture
def course(roles):
    """A catalog, a published questionnaire, a provider's clinic and a signed course."""
    seed_questionnaire()
    setup_clinic(UserFactory(username="priya", first_name="Priya", last_name="Provider"))
    return accepted_plan(start=next_monday())


@pytest.fixture
def generated(course, client, tmp_path, monkeypatch):
    """The package `contour_client`, generated from the served document."""
    document = tmp_path / "openapi.json"
    document.write_bytes(client.get("/api/v1/openapi.json").content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "contour_client"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("contour_client")]:
        del sys.modules[name]
    return importlib.import_module("contour_client")


def _module(name: str):
    return importlib.import_module(f"contour_client.{name}")


def test_a_generated_client_creates_previews_and_books(live_server, generated, course):
    plan = course
    token = ApiToken(user=UserFactory(username="frankie", roles=[FRONT_DESK]), name="Website")
    raw_key = token.set_new_key()
    token.save()

    models = _module("models")
    api = generated.AuthenticatedClient(base_url=live_server.url, token=raw_key)

    created = _module("api.patients.create_patient").sync_detailed(
        client=api,
        body=models.PatientCreate(
            first_name="Dana",
            last_name="Reyes",
            date_of_birth=datetime.date(1985, 5, 5),
            sex=models.PatientCreateSex.FEMALE,
            email="dana@example.com",
        ),
    )
    assert created.status_code == 201, created.content
    patient = created.parsed
    assert isinstance(patient, models.PatientOut) and patient.last_name == "Reyes"

    link = _module("api.patients.create_intake_link").sync(
        client=api, patient_id=patient.id, body=models.IntakeLinkCreate(expires_in_days=14)
    )
    assert isinstance(link, models.IntakeLinkOut)
    assert "/intake/" in link.url

    found = _module("api.patients.list_patients").sync(client=api, q="reyes")
    assert [p.id for p in found.items] == [patient.id]

    preview = _module("api.plans.preview_plan").sync(
        client=api,
        body=models.PreviewRequest(
            patient=models.PreviewPatient(
                age=40,
                sex=models.PreviewPatientSex.FEMALE,
                height_cm=165.0,
                weight_kg=60.0,
            ),
            areas=[
                models.PreviewArea(
                    area=models.PreviewAreaArea.ABDOMEN,
                    pinch_mm=30.0,
                    size=models.PreviewAreaSize.MEDIUM,
                )
            ],
        ),
    )
    assert isinstance(preview, models.PreviewResult), preview
    assert preview.options and preview.options[0].rank == 1

    booked = _module("api.sessions.book_course").sync_detailed(
        client=api, plan_id=plan.pk, body=models.BookingRequest()
    )
    assert booked.status_code == 201, booked.content
    assert [a.session for a in booked.parsed] == [1, 2, 3]
    again = _module("api.sessions.book_course").sync_detailed(
        client=api, plan_id=plan.pk, body=models.BookingRequest()
    )
    assert again.status_code == 409
    assert isinstance(again.parsed, models.ConflictOut)
