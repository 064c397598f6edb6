"""treatments.appointments.templatetags.appointments: today's list and the patient's progress panel."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from treatments.appointments import services as svc

from .factories import accepted_plan, appointment_at, area, setup_clinic

pytestmark = pytest.mark.django_db


def render(template: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load appointments %}" + template).render(
        Context({"request": request, **context})
    )


def test_patient_progress_shows_the_chart_to_staff_only(provider, outsider):
    setup_clinic(provider)
    plan = accepted_plan(sessions=2, start=timezone.localdate() - datetime.timedelta(days=40))
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    a = appointment_at(
        plan.sessions.get(number=1), start - datetime.timedelta(days=30), provider=provider
    )
    svc.session_record(
        appointment=a,
        status="done",
        by=provider,
        intake_reconfirmed=True,
        areas=[svc.AreaRecord(area=area("upper_back"), pinch_mm=30)],
    )
    html = render("{% patient_progress patient %}", provider, patient=plan.patient)
    assert 'data-testid="patient-progress"' in html and "<svg" in html
    assert render("{% patient_progress patient %}", outsider, patient=plan.patient).strip() == ""


def test_todays_sessions_for_a_provider_lists_only_their_own(provider, clinic_admin):
    setup_clinic(provider)
    plan = accepted_plan(sessions=1)
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    appointment_at(plan.sessions.get(), start, provider=provider)
    mine = render("{% todays_sessions %}", provider)
    assert plan.patient.full_name in mine
    assert plan.patient.full_name in render("{% todays_sessions %}", clinic_admin)
