"""treatments.plans.selectors: the plan page, signing links and the patient timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from treatments.plans import selectors, services
from treatments.plans.models import PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(provider):
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    return services.plan_create_from_option(
        assessment=assessment, treatment_code="cryolipolysis", by=provider, today=TODAY
    )


def adjust(plan, by):
    sessions = list(plan.sessions.all())
    services.plan_adjust(
        plan=plan,
        by=by,
        today=TODAY,
        session_count=len(sessions),
        start_date=plan.start_date,
        dates=[s.planned_date for s in sessions],
        units={a["area"]: a["units"] for s in sessions for a in s.areas},
        extra_discount=None,
        extra_discount_reason="",
        internal_notes="Prefers mornings",
        patient_notes="",
    )


def titles(plan):
    events = selectors.plan_timeline_events(plan.patient, [])
    return [(e.title, e.kind) for e in sorted(events, key=lambda e: e.at)]


def test_an_adjustment_is_not_a_status_change_on_the_timeline(plan, provider):
    adjust(plan, provider)
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    assert plan.status_changes.count() == 3  # the adjustment stays in the plan's history
    assert titles(plan) == [
        ("Cryolipolysis (fat freezing) plan drafted", "info"),
        ("Cryolipolysis (fat freezing) plan presented", "info"),
    ]


def test_an_adjustment_is_hidden_by_its_kind_not_its_note(plan, provider):
    services.plan_transition(
        plan=plan, to_status=PlanStatus.CANCELLED, by=provider, note="Adjusted: by mistake"
    )
    assert titles(plan)[-1] == ("Cryolipolysis (fat freezing) plan cancelled", "secondary")


def test_a_replaced_plan_is_cancelled_on_the_timeline(plan, provider):
    new = services.plan_supersede(plan=plan, by=provider, today=TODAY)
    events = [e for e in selectors.plan_timeline_events(plan.patient, []) if e.detail]
    assert any(
        e.title.endswith("plan cancelled") and e.detail == f"Superseded by plan {new.pk}"
        for e in events
    )
    assert events[0].by == "Priya Provider"


def test_the_plan_page_for_a_provider_and_the_front_desk(plan, provider, front_desk):
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    link = services.consent_link_create(plan=plan, by=provider)
    loaded = selectors.plan_get_for_user(user=provider, patient=plan.patient, pk=plan.pk)
    page = selectors.plan_page(plan=loaded, user=provider)
    assert (page.blocked, page.consent, page.consent_link) == ("", None, link)
    assert page.actions.can_sign and page.actions.can_send_consent_link
    desk = selectors.plan_page(plan=loaded, user=front_desk)
    assert desk.consent_link == link  # the front desk may copy it to the patient
    assert not desk.actions.can_sign and desk.actions.transitions == ()


def test_the_plan_page_shows_no_link_once_the_plan_is_back_to_draft(plan, provider):
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    services.consent_link_create(plan=plan, by=provider)
    services.plan_transition(plan=plan, to_status=PlanStatus.DRAFT, by=provider)
    loaded = selectors.plan_get_for_user(user=provider, patient=plan.patient, pk=plan.pk)
    assert selectors.plan_page(plan=loaded, user=provider).consent_link is None


def test_a_pregnancy_reported_since_blocks_the_plan_page(plan, provider):
    submit_intake(plan.patient, pregnant="yes")
    loaded = selectors.plan_get_for_user(user=provider, patient=plan.patient, pk=plan.pk)
    page = selectors.plan_page(plan=loaded, user=provider)
    assert "pregnant or breastfeeding" in page.blocked
    assert [t.to_status for t in page.actions.transitions] == ["cancelled"]


def test_why_a_signing_link_is_closed(plan, provider):
    now = timezone.now()
    assert selectors.consent_link_closed_reason(link=None, now=now) == "unknown"
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    link = services.consent_link_create(plan=plan, by=provider)
    assert selectors.consent_link_closed_reason(link=link, now=now) == ""
    later = link.expires_at + timedelta(seconds=1)
    assert selectors.consent_link_closed_reason(link=link, now=later) == "closed"
    services.plan_transition(plan=plan, to_status=PlanStatus.DRAFT, by=provider)
    link.plan.refresh_from_db()
    assert selectors.consent_link_closed_reason(link=link, now=now) == "closed"
    link.used_at = now
    assert selectors.consent_link_closed_reason(link=link, now=now) == "used"


def test_the_timeline_names_who_signed_through_a_link(plan, provider):
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    link = services.consent_link_create(plan=plan, by=provider)
    text = services.consent_text_current(treatment=plan.treatment)
    services.consent_record(
        plan=plan,
        full_name=plan.patient.full_name,
        signature="data:image/png;base64," + "A" * 400,
        consent_text_id=text.pk,
        ip_address=None,
        channel="link",
        link=link,
    )
    events = list(selectors.plan_timeline_events(plan.patient, []))
    accepted = next(e for e in events if e.title.endswith("accepted"))
    assert accepted.by == f"{plan.patient.full_name} (patient, through the link)"


def test_only_clinical_roles_see_warnings_and_internal_notes(plan, provider, front_desk):
    assert selectors.plan_page(plan=plan, user=provider).clinical
    assert not selectors.plan_page(plan=plan, user=front_desk).clinical
