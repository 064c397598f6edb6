"""Outcomes per patient: the prediction beside the measurements on the patient page, and the
warnings a provider reviews (raised when a session is recorded)."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.appointments.factories import accepted_plan, appointment_at, area, setup_clinic
from tests.consultations.consultation_factories import AssessmentFactory, add_area
from treatments.appointments import outcomes
from treatments.appointments import services as sessions
from treatments.appointments.models import OutcomeWarning, TreatedArea

pytestmark = pytest.mark.django_db

NOW = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
SLOTS = itertools.count()  # one provider: the database refuses overlapping sessions


def course(provider, pinches, *, treatment="cryolipolysis", code="flanks", baseline=34, gap=56):
    """A plan from an assessment (baseline pinch), sessions `gap` days apart ending a week ago;
    the first len(pinches) - 1 written directly as done, the last one recorded through the
    service (so the warnings are refreshed as in the app)."""
    assessment = AssessmentFactory(provider=provider)
    add_area(assessment, code, baseline, "medium")
    plan = accepted_plan(
        treatment=treatment,
        sessions=3,
        patient=assessment.patient,
        areas=[{"area": code, "units": 2, "unit": "cycle"}],
    )
    plan.assessment = assessment
    plan.option = {"spec": {"reduction_percent": "20.00"}}
    plan.save(update_fields=["assessment", "option"])
    first = NOW - datetime.timedelta(days=7 + gap * (len(pinches) - 1), minutes=40 * next(SLOTS))
    made = []
    for session, pinch in zip(plan.sessions.order_by("number"), pinches, strict=False):
        start = first + datetime.timedelta(days=gap * (session.number - 1))
        made.append((appointment_at(session, start, provider=provider), pinch))
    for appointment, pinch in made[:-1]:
        appointment.status = "done"
        appointment.save(update_fields=["status"])
        TreatedArea.objects.create(
            appointment=appointment, area=area(code), pinch_mm=Decimal(pinch)
        )
    return plan, made[-1]


def record(provider, appointment, pinch, code="flanks"):
    sessions.session_record(
        appointment=appointment,
        status="done",
        by=provider,
        intake_reconfirmed=True,
        areas=[sessions.AreaRecord(area=area(code), pinch_mm=Decimal(pinch), cycles=2)],
    )


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


def test_recording_a_third_session_without_reduction_raises_a_non_responder_warning(
    clinic, provider, django_capture_on_commit_callbacks
):
    plan, (last, _) = course(provider, ["34", "33.5", "34"])
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "34")
    (warning,) = OutcomeWarning.objects.all()
    assert (warning.plan, warning.kind, warning.area.code) == (plan, "non_responder", "flanks")
    assert "Flanks measured 34 mm after 2 sessions, against 34 mm at the start" in warning.message
    assert warning.reviewed_at is None


def test_a_responding_course_raises_nothing(clinic, provider, django_capture_on_commit_callbacks):
    _, (last, _) = course(provider, ["34", "27", "22"])
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "22")
    assert not OutcomeWarning.objects.exists()


def test_cryolipolysis_area_thicker_months_later_raises_a_pah_warning(
    clinic, provider, django_capture_on_commit_callbacks
):
    # 70 days between sessions: session 3's pinch is 2-5 months after session 2's treatment.
    _, (last, _) = course(provider, ["35", "28", "31.5"], gap=70, code="upper_back", baseline=35)
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "31.5", code="upper_back")
    assert list(OutcomeWarning.objects.values_list("kind", flat=True)) == ["pah"]
    assert "3.5 mm thicker" in OutcomeWarning.objects.get().message


def test_a_corrected_record_withdraws_an_open_warning_but_never_a_reviewed_one(
    clinic, provider, django_capture_on_commit_callbacks
):
    plan, (last, _) = course(provider, ["34", "33.5", "34"])
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "34")
    assert OutcomeWarning.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "26")  # the caliper was misread
    assert not OutcomeWarning.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "34")
    warning = OutcomeWarning.objects.get()
    outcomes.outcome_warning_review(warning=warning, by=provider)
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "26")
    warning.refresh_from_db()
    assert warning.reviewed_by == provider  # a reviewed warning stays as it was reviewed
    assert outcomes.outcome_warnings_sync(plan=plan) == []


def test_the_patient_page_shows_prediction_verdict_and_warning_until_reviewed(
    clinic, provider, client_for, django_capture_on_commit_callbacks
):
    plan, (last, _) = course(provider, ["34", "33.5", "34"])
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "34")
    client = client_for(provider)
    page_url = reverse("consultations:patient-detail", args=[plan.patient_id])
    page = client.get(page_url).content.decode()
    assert 'data-testid="outcome-warnings"' in page and "Possible non-responder" in page
    # The measured line and the plan's prediction, dashed, with the words.
    assert "Flanks (predicted), After session 3: 17.4 mm" in page
    assert "stroke-dasharray" in page
    assert "Flanks behind: 34 mm after 2 sessions, 12.2 mm above the predicted 21.8 mm" in page
    warning = OutcomeWarning.objects.get()
    response = client.post(
        reverse("appointments:outcome-warning-review", args=[warning.pk]), {"next": page_url}
    )
    assert response.status_code == 302 and response["Location"] == page_url
    warning.refresh_from_db()
    assert warning.reviewed_by == provider and warning.reviewed_at is not None
    page = client.get(page_url).content.decode()
    assert 'data-testid="outcome-warnings"' not in page
    assert "Flanks behind" in page  # the verdict stays; only the warning was reviewed


def test_reviewing_is_a_post_for_clinical_staff_only(
    clinic, provider, front_desk, client_for, django_capture_on_commit_callbacks
):
    plan, (last, _) = course(provider, ["34", "33.5", "34"])
    with django_capture_on_commit_callbacks(execute=True):
        record(provider, last, "34")
    warning = OutcomeWarning.objects.get()
    url = reverse("appointments:outcome-warning-review", args=[warning.pk])
    assert client_for(provider).get(url).status_code == 405
    assert client_for(front_desk).post(url).status_code == 403
    page = (
        client_for(front_desk)
        .get(reverse("consultations:patient-detail", args=[plan.patient_id]))
        .content.decode()
    )
    assert "Possible non-responder" not in page
    # An outside `next` is ignored: back to the patient.
    response = client_for(provider).post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("consultations:patient-detail", args=[plan.patient_id])
    warning.refresh_from_db()
    assert warning.reviewed
    # A `next` that is no path (the fuzzer's find: it was read as a view's name, a 500).
    response = client_for(provider).post(url, {"next": "9999-12-31"})
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:patient-detail", args=[plan.patient_id])


def test_dashboard_lists_open_warnings_in_a_fixed_number_of_queries(
    clinic, provider, front_desk, client_for, django_assert_num_queries
):
    client = client_for(provider)
    client.get(reverse("dashboard"))
    plans = []

    def add(count):
        for _ in range(count):
            plan, (last, _) = course(provider, ["34", "33.5", "34"])
            last.status = "done"
            last.save(update_fields=["status"])
            TreatedArea.objects.create(appointment=last, area=area("flanks"), pinch_mm=34)
            outcomes.outcome_warnings_sync(plan=plan)
            plans.append(plan)

    add(1)
    # 1 session, 2 user, 3-4 the user's and groups' permissions, 5 today's sessions, 6 the
    # open warnings with patient, plan, treatment and area, 7 the role badge.
    with django_assert_num_queries(7):
        page = client.get(reverse("dashboard")).content.decode()
    assert page.count('data-testid="outcome-warning"') == 1
    add(11)
    with django_assert_num_queries(8):  # + the count of the ones not shown
        page = client.get(reverse("dashboard")).content.decode()
    assert page.count('data-testid="outcome-warning"') == 10 and "And 2 more" in page
    assert plans[-1].patient.full_name in page
    desk = client_for(front_desk).get(reverse("dashboard")).content.decode()
    assert "dashboard-outcome-warnings" not in desk
