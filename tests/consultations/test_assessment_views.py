"""Assessment pages: record with areas and condition changes, validation, access, queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from consultations.models import Assessment
from tests.consultations.consultation_factories import (
    TODAY,
    PatientFactory,
    assessment_for,
    submit_intake,
)
from treatments.catalog.models import BodyArea, Condition

pytestmark = pytest.mark.django_db


def form_data(areas=(("upper_back", "30", "large"),), changes=(), **fields):
    data = {
        "assessed_on": "2026-11-20",
        "height_cm": "165",
        "weight_kg": "65",
        "weight_stable": "on",
        "goals": "Smoother back",
        "areas-TOTAL_FORMS": str(len(areas)),
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "1",
        "areas-MAX_NUM_FORMS": "9",
        "conditions-TOTAL_FORMS": str(len(changes)),
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "20",
    }
    for i, (code, pinch, size) in enumerate(areas):
        data.update(
            {
                f"areas-{i}-area": str(BodyArea.objects.get(code=code).pk) if code else "",
                f"areas-{i}-pinch_mm": pinch,
                f"areas-{i}-size": size,
                f"areas-{i}-consistency": "soft",
                f"areas-{i}-skin_laxity": "none",
            }
        )
    for i, (action, code, reason) in enumerate(changes):
        data.update(
            {
                f"conditions-{i}-action": action,
                f"conditions-{i}-condition": str(Condition.objects.get(code=code).pk),
                f"conditions-{i}-reason": reason,
            }
        )
    data.update(fields)
    return data


def test_provider_records_an_assessment_with_a_condition_change(client_for, provider):
    patient = PatientFactory()
    submit_intake(patient)
    url = reverse("consultations:assessment-create", args=[patient.pk])
    page = client_for(provider).get(url)
    assert page.status_code == 200
    assert b"Raynaud" in page.content  # the intake's flags beside the form
    response = client_for(provider).post(
        url,
        form_data(
            areas=(("upper_back", "30", "large"), ("bra_line", "25", "medium")),
            changes=(("clear", "raynauds", "Cold hands only, not Raynaud's"),),
        ),
    )
    assessment = Assessment.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations:assessment-detail", args=[patient.pk, assessment.pk]
    )
    assert [a.area.code for a in assessment.areas.all()] == ["upper_back", "bra_line"]
    change = assessment.condition_changes.get()
    assert (change.action, change.by, change.reason) == (
        "clear",
        provider,
        "Cold hands only, not Raynaud's",
    )
    detail = client_for(provider).get(response["Location"])
    assert b"23.9" in detail.content  # BMI of 65 kg at 165 cm
    assert b"anticoagulants" in detail.content and b">raynauds<" not in detail.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"height_cm": "95"}, "Height must be between 120 and 230 cm"),
        ({"weight_kg": "400"}, "Weight must be between 30 and 300 kg"),
        ({"areas-0-pinch_mm": "0"}, "The pinch must be between 1 and 150 mm"),
        ({"areas-0-pinch_mm": "151"}, "The pinch must be between 1 and 150 mm"),
        ({"areas-0-DELETE": "on"}, "Record at least one area."),
    ],
)
def test_validation_messages(client_for, provider, data, message):
    patient = PatientFactory()
    url = reverse("consultations:assessment-create", args=[patient.pk])
    response = client_for(provider).post(url, form_data(**data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_area_may_not_be_listed_twice(client_for, provider):
    patient = PatientFactory()
    url = reverse("consultations:assessment-create", args=[patient.pk])
    response = client_for(provider).post(
        url, form_data(areas=(("upper_back", "30", "large"), ("upper_back", "20", "small")))
    )
    assert "the upper back is listed twice" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_condition_change_needs_a_reason(client_for, provider):
    patient = PatientFactory()
    url = reverse("consultations:assessment-create", args=[patient.pk])
    response = client_for(provider).post(url, form_data(changes=(("add", "pregnancy", ""),)))
    assert "Give a reason" in response.content.decode()


def test_front_desk_may_not_create_an_assessment(client_for, front_desk):
    patient = PatientFactory()
    url = reverse("consultations:assessment-create", args=[patient.pk])
    assert client_for(front_desk).get(url).status_code == 403
    assert client_for(front_desk).post(url, form_data()).status_code == 403


def test_anonymous_goes_to_login(client):
    patient = PatientFactory()
    response = client.get(reverse("consultations:assessment-create", args=[patient.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_another_patients_or_an_unknown_assessment_is_404(client_for, provider):
    assessment = assessment_for(provider)
    other = PatientFactory()
    client = client_for(provider)
    assert (
        client.get(
            reverse("consultations:assessment-detail", args=[other.pk, assessment.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("consultations:assessment-detail", args=[assessment.patient_id, 99999])
        ).status_code
        == 404
    )
    assert client.get(reverse("consultations:assessment-create", args=[99999])).status_code == 404


def test_front_desk_cannot_read_assessments(client_for, provider, front_desk):
    assessment = assessment_for(provider)
    url = reverse("consultations:assessment-detail", args=[assessment.patient_id, assessment.pk])
    assert client_for(front_desk).get(url).status_code == 403


def test_assessment_page_query_budget(client_for, provider, django_assert_num_queries):
    client = client_for(provider)
    for areas in (
        (("upper_back", 30, "large"),),
        (("upper_back", 30, "large"), ("bra_line", 25, "medium"), ("flanks", 20, "small")),
    ):
        assessment = assessment_for(provider, areas=areas)
        submit_intake(assessment.patient)
        url = reverse(
            "consultations:assessment-detail", args=[assessment.patient_id, assessment.pk]
        )
        client.get(url)
        # 1 session, 2 user, 3-4 permissions, 5 patient, 6 assessment with provider and
        # created_by, 7 its areas, 8 their body areas, 9 condition changes, 10 the latest
        # intake response, 11 the plans made from it (the plans app's panel), 12 the user's
        # groups (the conditions' names come with the rows already loaded).
        with django_assert_num_queries(12):
            assert client.get(url).status_code == 200


def test_assessment_page_shows_the_engines_bmi(client_for, provider):
    # 120.2 kg / (2.00 m)² is exactly 30.05: the engine rounds half up, once.
    assessment = assessment_for(provider)
    Assessment.objects.filter(pk=assessment.pk).update(
        height_cm=Decimal("200"), weight_kg=Decimal("120.2")
    )
    url = reverse("consultations:assessment-detail", args=[assessment.patient_id, assessment.pk])
    assert 'data-testid="bmi">30.1<' in client_for(provider).get(url).content.decode()


def test_assessment_page_lists_the_plans_made_from_it(
    client_for, provider, django_assert_num_queries
):
    from treatments.plans import services as plans

    assessment = assessment_for(provider)
    later = assessment_for(provider, patient=assessment.patient)
    submit_intake(assessment.patient)
    for made_from, code in (
        (assessment, "cryolipolysis"),
        (assessment, "deoxycholic_injection"),
        (later, "laser_lipolysis"),
    ):
        plans.plan_create_from_option(
            assessment=made_from, treatment_code=code, by=provider, today=TODAY
        )
    client = client_for(provider)
    url = reverse("consultations:assessment-detail", args=[assessment.patient_id, assessment.pk])
    client.get(url)
    with django_assert_num_queries(12):  # as without plans (test_assessment_page_query_budget)
        page = client.get(url).content.decode()
    assert "Plans from this assessment" in page
    assert "Cryolipolysis" in page and "Fat-dissolving injections" in page
    assert "Laser lipolysis" not in page


def test_patient_page_lists_assessments_and_plans(client_for, provider, front_desk):
    assessment = assessment_for(provider)
    url = reverse("consultations:patient-detail", args=[assessment.patient_id])
    page = client_for(provider).get(url).content.decode()
    assert (
        reverse("consultations:assessment-detail", args=[assessment.patient_id, assessment.pk])
        in page
    )
    assert "New assessment" in page
    desk = client_for(front_desk).get(url).content.decode()
    assert "New assessment" not in desk


def test_patient_timeline_shows_assessments_and_plan_changes(client_for, provider):
    from treatments.plans import services

    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    services.plan_create_from_option(
        assessment=assessment,
        treatment_code="cryolipolysis",
        by=provider,
        today=TODAY,
    )
    page = client_for(provider).get(
        reverse("consultations:patient-detail", args=[assessment.patient_id])
    )
    html = page.content.decode()
    assert "Assessment recorded" in html
    assert "Cryolipolysis (fat freezing) plan drafted" in html
