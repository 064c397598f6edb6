"""Patient rights: a Clinic admin exports one patient's whole record (JSON and a readable
PDF) and deletes a patient in two explicit steps, refused while a plan or a booked session
is open; both are audited and neither export is kept by the browser."""

import io
import json
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from pypdf import PdfReader

from consultations.models import Intake, Patient
from tests.records import LOT, NOTES, SIDE_EFFECTS, make_record
from treatments.appointments.models import Appointment, ProgressPhoto
from treatments.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(provider, front_desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_record(provider, front_desk=front_desk)


def urls(patient):
    return {
        "json": reverse("records:export-json", args=[patient.pk]),
        "pdf": reverse("records:export-pdf", args=[patient.pk]),
        "delete": reverse("records:delete", args=[patient.pk]),
    }


def close_everything(record):
    Plan.objects.filter(patient=record.patient).update(status="completed")
    Appointment.objects.filter(pk=record.booked.pk).update(status="cancelled")


def test_only_clinic_admins_reach_the_patient_rights_pages(
    client, client_for, provider, front_desk, record
):
    for url in urls(record.patient).values():
        assert client.get(url).status_code == 302
        assert client_for(provider).get(url).status_code == 403
        assert client_for(front_desk).get(url).status_code == 403


def test_the_json_export_holds_the_whole_record_and_no_link_key(client_for, clinic_admin, record):
    response = client_for(clinic_admin).get(urls(record.patient)["json"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    records = data["records"]
    assert records["consultations.patient"][0]["last_name"] == "Marlowe"
    assert len(records["consultations.intake"]) == 2
    assert records["consultations.intakeresponse"][0]["answers"]
    assert records["consultations.assessmentarea"][0]["pinch_mm"] == 30
    assert records["appointments.treatedarea"][0]["lot_numbers"] == LOT
    done = next(a for a in records["appointments.appointment"] if a["id"] == record.done.pk)
    assert done["notes"] == NOTES and done["side_effects"] == SIDE_EFFECTS
    assert records["plans.planconsent"][0]["signature"].startswith("data:image/png")
    photo = records["appointments.progressphoto"][0]
    assert photo["image_base64"] and photo["width"] == 30
    text = response.content.decode()
    for secret in (record.open_intake.token, record.consent_link.token):
        assert secret not in text


def test_the_pdf_export_is_readable(client_for, clinic_admin, record):
    response = client_for(clinic_admin).get(urls(record.patient)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in ("Quinn Marlowe", "Screening flags", "BMI 23.9", LOT, "Zebra-stripe"):
        assert expected in text, expected
    assert any(page.images for page in reader.pages)  # the photo and the signature


def test_both_exports_are_audited(client_for, clinic_admin, record):
    client = client_for(clinic_admin)
    client.get(urls(record.patient)["json"])
    client.get(urls(record.patient)["pdf"])
    reads = LogEntry.objects.get_for_object(record.patient).filter(
        action=LogEntry.Action.ACCESS, additional_data__read="record export"
    )
    assert sorted(e.additional_data["format"] for e in reads) == ["json", "pdf"]
    assert {e.actor for e in reads} == {clinic_admin}


def test_deletion_is_refused_while_a_plan_or_a_booked_session_is_open(
    client_for, clinic_admin, record
):
    client = client_for(clinic_admin)
    page = client.get(urls(record.patient)["delete"]).content.decode()
    assert 'data-testid="delete-refused"' in page
    assert "plan is in progress" in page and "1 session is still booked" in page
    response = client.post(urls(record.patient)["delete"], {"confirm_name": "Quinn Marlowe"})
    assert response.status_code == 409
    assert "cannot be deleted yet" in response.content.decode()
    assert Patient.objects.filter(pk=record.patient.pk).exists()
    # The plan done, the booked session still open: still refused.
    Plan.objects.filter(patient=record.patient).update(status="completed")
    response = client.post(urls(record.patient)["delete"], {"confirm_name": "Quinn Marlowe"})
    assert response.status_code == 409
    assert "still booked" in response.content.decode()


def test_deletion_needs_the_patients_name_typed(client_for, clinic_admin, record):
    close_everything(record)
    client = client_for(clinic_admin)
    page = client.get(urls(record.patient)["delete"]).content.decode()
    assert 'data-testid="delete-form"' in page  # step one: nothing deleted by a GET
    assert Patient.objects.filter(pk=record.patient.pk).exists()
    for typed in ("", "Quinn", "Quinn Marlow"):
        response = client.post(urls(record.patient)["delete"], {"confirm_name": typed})
        assert response.status_code == 400
    assert "full name exactly" in response.content.decode()
    assert Patient.objects.filter(pk=record.patient.pk).exists()


def test_deletion_removes_the_whole_record_and_its_files_and_is_audited(
    client_for, clinic_admin, record, django_capture_on_commit_callbacks
):
    close_everything(record)
    photo_file = Path(record.photo.image.path)
    assert photo_file.exists()
    client = client_for(clinic_admin)
    with django_capture_on_commit_callbacks(execute=True):
        with_tx = client.post(
            urls(record.patient)["delete"], {"confirm_name": "  quinn   marlowe "}, follow=True
        )
    assert not photo_file.exists()
    assert with_tx.status_code == 200
    assert "record was deleted" in with_tx.content.decode()
    pk = record.patient.pk
    assert not Patient.objects.filter(pk=pk).exists()
    assert not Intake.objects.filter(patient_id=pk).exists()
    assert not Plan.objects.filter(patient_id=pk).exists()
    assert not ProgressPhoto.objects.exists()
    entry = LogEntry.objects.get(
        action=LogEntry.Action.DELETE,
        content_type=ContentType.objects.get_for_model(Patient),
        object_pk=str(pk),
    )
    assert entry.actor == clinic_admin
    assert entry.additional_data["deleted_rows"]["appointments.appointment"] == 2
    deleted_kinds = set(
        LogEntry.objects.filter(action=LogEntry.Action.DELETE).values_list(
            "content_type__model", flat=True
        )
    )
    assert {"appointment", "plan", "assessment", "intake", "progressphoto"} <= deleted_kinds


def test_the_patient_page_offers_the_rights_to_clinic_admins_only(
    client_for, clinic_admin, provider, record
):
    url = reverse("consultations:patient-detail", args=[record.patient.pk])
    assert 'data-testid="patient-rights"' in client_for(clinic_admin).get(url).content.decode()
    assert 'data-testid="patient-rights"' not in client_for(provider).get(url).content.decode()
