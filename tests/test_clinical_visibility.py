"""Issue 16: the front desk sees no clinical data on the pages it may open — the session
record, the course's progress chart and weights, the patient page's progress and timeline,
a plan's screening-derived warnings — while clinical staff see all of it."""

import pytest
from django.urls import reverse

from tests.records import CLINICAL_MARKERS, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(provider, front_desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_record(provider, front_desk=front_desk)


def pages(record) -> dict[str, str]:
    patient, plan = record.patient, record.plan
    return {
        "session record": reverse("appointments:appointment-detail", args=[record.done.pk]),
        "course": reverse("appointments:plan-sessions", args=[plan.pk]),
        "patient page": reverse("consultations:patient-detail", args=[patient.pk]),
        "plan page": reverse("plans:plan-detail", args=[patient.pk, plan.pk]),
        "quote": reverse("plans:plan-quote", args=[patient.pk, plan.pk]),
    }


# Which markers each page shows clinical staff (so the front desk's absence means something).
SHOWN = {
    "session record": {
        "weight",
        "session pinch",
        "side effects",
        "session notes",
        "intake re-check",
        "lot number",
    },
    "course": {"weight", "progress chart"},
    "patient page": {"BMI", "screening flags", "progress chart"},
    "plan page": {"plan warning"},
    "quote": {"plan warning"},
}


@pytest.mark.parametrize("page", sorted(SHOWN))
def test_clinical_staff_see_the_clinical_fields(client_for, provider, record, page):
    html = client_for(provider).get(pages(record)[page]).content.decode()
    for marker in SHOWN[page]:
        assert CLINICAL_MARKERS[marker] in html, f"{marker} missing from the {page}"


@pytest.mark.parametrize("page", sorted(SHOWN))
def test_the_front_desk_sees_no_clinical_field(client_for, front_desk, record, page):
    response = client_for(front_desk).get(pages(record)[page])
    assert response.status_code == 200
    html = response.content.decode()
    leaked = [name for name, text in CLINICAL_MARKERS.items() if text in html]
    assert leaked == [], f"the {page} shows the front desk {leaked}"


def test_the_front_desk_still_sees_what_it_needs_to_book(client_for, front_desk, record):
    client = client_for(front_desk)
    course = client.get(pages(record)["course"]).content.decode()
    assert 'data-testid="session-1"' in course and 'data-testid="session-2"' in course
    detail = client.get(pages(record)["session record"]).content.decode()
    assert 'data-testid="appointment-status"' in detail
    assert 'data-testid="session-record"' not in detail
    patient_page = client.get(pages(record)["patient page"]).content.decode()
    assert "Assessment recorded" in patient_page  # the event, without its BMI
    assert "Intake submitted" in patient_page  # without its flags
    assert 'data-testid="patient-progress"' in patient_page


def test_the_timeline_leaves_clinical_details_out_for_any_source(front_desk, provider, record):
    from consultations.selectors import intakes_for_patient, patient_timeline

    intakes = intakes_for_patient(patient=record.patient)
    for_desk = patient_timeline(patient=record.patient, intakes=intakes, clinical=False)
    for_provider = patient_timeline(patient=record.patient, intakes=intakes, clinical=True)
    assert [e.title for e in for_desk] == [e.title for e in for_provider]
    assert any(e.detail.startswith("BMI") for e in for_provider)
    assert not any(e.clinical and e.detail for e in for_desk)
