"""Plan services (treatments.services, issue 5): engine input from intake + assessment,
snapshots, adjustments with the engine's pricing, status history, consent and booking."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from consultations.models import AssessmentConditionChange
from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from treatments.catalog.models import Condition, Treatment
from treatments.plans import lifecycle, services
from treatments.plans.models import PlanChangeKind, PlanStatus

pytestmark = pytest.mark.django_db
SIGNATURE = "data:image/png;base64," + "A" * 400


@pytest.fixture
def assessment(provider):
    a = assessment_for(provider)
    submit_intake(a.patient)
    return a


def make_plan(assessment, provider, code="cryolipolysis"):
    return services.plan_create_from_option(
        assessment=assessment, treatment_code=code, by=provider, today=TODAY
    )


def test_options_use_the_intake_conditions_and_preferences(assessment):
    generated = services.plan_generate_options(assessment=assessment, today=TODAY)
    # The demo intake: Raynaud's and an anticoagulant; a few days' downtime; $1,500-3,000.
    assert generated.patient.conditions == frozenset({"raynauds", "anticoagulants"})
    assert generated.preferences.max_downtime_days == 3
    assert generated.preferences.budget == Decimal(3000)
    codes = [o.treatment for o in generated.result.options]
    assert set(codes) == {"cryolipolysis", "laser_lipolysis", "deoxycholic_injection"}
    assert generated.blocked_reason == ""


def test_provider_changes_add_and_clear_conditions(assessment, provider):
    for code, action in (("raynauds", "clear"), ("hernia_at_site", "add")):
        AssessmentConditionChange.objects.create(
            assessment=assessment,
            condition=Condition.objects.get(code=code),
            action=action,
            reason="Checked at the consultation",
            by=provider,
        )
    generated = services.plan_generate_options(assessment=assessment, today=TODAY)
    assert generated.patient.conditions == frozenset({"anticoagulants", "hernia_at_site"})
    excluded = {e.treatment for e in generated.result.excluded}
    assert excluded == {"cryolipolysis", "laser_lipolysis"}


def test_pregnancy_blocks_every_plan(provider):
    a = assessment_for(provider)
    submit_intake(a.patient, pregnant="yes")
    generated = services.plan_generate_options(assessment=a, today=TODAY)
    assert generated.result.options == ()
    assert "pregnant" in generated.blocked_reason
    with pytest.raises(ValidationError):
        make_plan(a, provider)


def test_a_plan_is_a_snapshot_that_catalog_changes_do_not_touch(assessment, provider):
    plan = make_plan(assessment, provider)
    assert plan.status == PlanStatus.DRAFT
    assert plan.engine_version
    assert plan.sessions.count() >= 1
    assert plan.line_items.count() == 1
    assert plan.total == plan.subtotal - plan.discount - plan.extra_discount
    assert plan.option["spec"]["price_per_unit"] == "750.00"
    assert plan.status_changes.get().to_status == PlanStatus.DRAFT
    before = (plan.total, list(plan.line_items.values_list("amount", flat=True)))

    Treatment.objects.filter(code="cryolipolysis").update(price_per_unit=Decimal("999.00"))
    plan.refresh_from_db()
    assert (plan.total, list(plan.line_items.values_list("amount", flat=True))) == before
    # Adjusting re-prices with the plan's own snapshot, not the new catalog price.
    services.plan_adjust(plan=plan, by=provider, today=TODAY, **adjust_kwargs(plan))
    assert plan.line_items.get().unit_price == Decimal("750.00")


def adjust_kwargs(plan, **changes):
    sessions = list(plan.sessions.all())
    units = {a["area"]: a["units"] for s in sessions for a in s.areas}
    data = {
        "session_count": len(sessions),
        "start_date": plan.start_date,
        "dates": [s.planned_date for s in sessions],
        "units": units,
        "extra_discount": None,
        "extra_discount_reason": "",
        "internal_notes": "",
        "patient_notes": "",
    }
    data.update(changes)
    return data


def test_adjust_moves_a_date_adds_a_discount_and_recomputes(assessment, provider):
    plan = make_plan(assessment, provider, "deoxycholic_injection")
    dates = [s.planned_date for s in plan.sessions.all()]
    moved = dates[1] + timedelta(days=2)
    while moved.weekday() == 6:
        moved += timedelta(days=1)
    total_before = plan.total
    services.plan_adjust(
        plan=plan,
        by=provider,
        today=TODAY,
        **adjust_kwargs(
            plan,
            dates=[dates[0], moved, *dates[2:]],
            extra_discount=Decimal("100.00"),
            extra_discount_reason="Loyal patient",
            internal_notes="Prefers mornings",
            patient_notes="",
        ),
    )
    plan.refresh_from_db()
    assert [s.planned_date for s in plan.sessions.all()][1] == moved
    assert plan.extra_discount == Decimal("100.00")
    assert plan.extra_discount_reason == "Loyal patient"
    assert plan.total == total_before - Decimal("100.00")
    assert plan.deposit == (plan.total * Decimal("0.2")).quantize(Decimal("0.01"))
    assert plan.internal_notes == "Prefers mornings"
    assert "Adjusted" in plan.status_changes.last().note
    assert plan.status_changes.last().kind == PlanChangeKind.ADJUSTED


def test_adjust_refuses_what_the_catalog_does_not_allow(assessment, provider):
    plan = make_plan(assessment, provider, "deoxycholic_injection")
    dates = [s.planned_date for s in plan.sessions.all()]
    with pytest.raises(ValidationError) as caught:
        services.plan_adjust(
            plan=plan,
            by=provider,
            today=TODAY,
            **adjust_kwargs(plan, dates=[dates[0], dates[0] + timedelta(days=7), *dates[2:]]),
        )
    assert "at least 28 days" in caught.value.message_dict["date_2"][0]
    with pytest.raises(ValidationError) as caught:
        services.plan_adjust(
            plan=plan, by=provider, today=TODAY, **adjust_kwargs(plan, session_count=9)
        )
    assert "2 to 6 sessions" in caught.value.message_dict["session_count"][0]
    with pytest.raises(ValidationError) as caught:
        services.plan_adjust(
            plan=plan,
            by=provider,
            today=TODAY,
            **adjust_kwargs(plan, extra_discount=Decimal("50"), extra_discount_reason=""),
        )
    assert "extra_discount_reason" in caught.value.message_dict


def test_adjust_more_sessions_and_a_new_start(assessment, provider):
    plan = make_plan(assessment, provider, "deoxycholic_injection")
    count = plan.sessions.count()
    services.plan_adjust(
        plan=plan, by=provider, today=TODAY, **adjust_kwargs(plan, session_count=count + 1)
    )
    assert plan.sessions.count() == count + 1
    start = date(2027, 2, 1)
    services.plan_adjust(
        plan=plan, by=provider, today=TODAY, **adjust_kwargs(plan, start_date=start)
    )
    plan.refresh_from_db()
    assert plan.start_date == start
    assert plan.sessions.first().planned_date == start


def present(plan, provider):
    return services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)


def test_status_changes_record_who_and_when(assessment, provider):
    plan = make_plan(assessment, provider)
    present(plan, provider)
    services.plan_transition(plan=plan, to_status=PlanStatus.DECLINED, by=provider, note="Later")
    changes = list(plan.status_changes.values_list("from_status", "to_status", "by", "note"))
    assert changes[-2:] == [
        ("draft", "presented", provider.pk, ""),
        ("presented", "declined", provider.pk, "Later"),
    ]
    assert set(plan.status_changes.values_list("kind", flat=True)) == {PlanChangeKind.STATUS}
    with pytest.raises(ValidationError):
        services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)


def test_accepting_needs_a_signature(assessment, provider):
    plan = make_plan(assessment, provider)
    present(plan, provider)
    with pytest.raises(ValidationError):
        services.plan_transition(plan=plan, to_status=PlanStatus.ACCEPTED, by=provider)
    assert not lifecycle.plan_can_be_booked(plan)


def test_consent_stores_the_exact_text_and_accepts_the_plan(assessment, provider):
    plan = make_plan(assessment, provider)
    present(plan, provider)
    text = services.consent_text_current(treatment=plan.treatment)
    with pytest.raises(ValidationError) as caught:
        services.consent_record(
            plan=plan, full_name="", signature="", consent_text_id=text.pk, ip_address=None
        )
    assert set(caught.value.message_dict) == {"full_name", "signature"}
    consent = services.consent_record(
        plan=plan,
        full_name=plan.patient.full_name,
        signature=SIGNATURE,
        consent_text_id=text.pk,
        ip_address="10.0.0.7",
        user_agent="Tablet",
        by=provider,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    assert (consent.text_version, consent.text_body, consent.ip_address) == (
        text.version,
        text.body,
        "10.0.0.7",
    )
    assert lifecycle.plan_can_be_booked(plan)


def test_an_accepted_plan_without_consent_cannot_be_booked(assessment, provider):
    plan = make_plan(assessment, provider)
    plan.status = PlanStatus.ACCEPTED  # e.g. set by hand in the admin
    plan.save()
    assert not lifecycle.plan_can_be_booked(plan)


def test_supersede_keeps_the_old_plan_readable(assessment, provider):
    plan = make_plan(assessment, provider)
    new = services.plan_supersede(plan=plan, by=provider, today=TODAY)
    plan.refresh_from_db()
    assert new.supersedes == plan
    assert plan.status == PlanStatus.CANCELLED
    assert plan.sessions.exists() and plan.line_items.exists()
    assert plan.status_changes.last().kind == PlanChangeKind.SUPERSEDED


def test_a_plan_split_across_visits_can_be_adjusted(provider):
    # 4 + 2 vials are more than the 5 one visit allows: the engine splits each round in two.
    a = assessment_for(provider, areas=(("upper_back", 30, "large"), ("bra_line", 24, "medium")))
    submit_intake(a.patient)
    plan = make_plan(a, provider, "deoxycholic_injection")
    assert [len(s.areas) for s in plan.sessions.all()] == [1, 1, 1, 1]
    services.plan_adjust(
        plan=plan,
        by=provider,
        today=TODAY,
        **adjust_kwargs(plan, extra_discount=Decimal("10"), extra_discount_reason="Goodwill"),
    )
    assert plan.extra_discount == Decimal("10.00")


# --- Issue 15: who may sign, and who the history says signed ------------------------------


def signed(plan, **kwargs):
    text = services.consent_text_current(treatment=plan.treatment)
    defaults = {"signature": SIGNATURE, "consent_text_id": text.pk, "ip_address": None}
    return services.consent_record(plan=plan, **{**defaults, **kwargs})


def test_a_name_that_is_not_the_patients_signs_nothing(assessment, provider):
    plan = make_plan(assessment, provider)
    present(plan, provider)
    with pytest.raises(ValidationError) as caught:
        signed(plan, full_name="Mickey Mouse", by=provider)
    assert set(caught.value.message_dict) == {"full_name"}
    assert "not the patient's name" in caught.value.message_dict["full_name"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PRESENTED and not plan.consents.exists()


@pytest.mark.parametrize(
    "typed", ["{first}  {last}", "{first_lower} {last_upper}", "  {first} {last} "]
)
def test_the_patients_name_matches_case_and_spacing_aside(assessment, provider, typed):
    patient = assessment.patient
    patient.first_name, patient.last_name = "Dana", "Reyes"
    patient.save()
    plan = make_plan(assessment, provider)
    present(plan, provider)
    name = typed.format(first="Dana", last="Reyes", first_lower="dana", last_upper="REYES")
    consent = signed(plan, full_name=name, by=provider)
    assert consent.signer_role == "patient"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED


def test_accents_aside_too():
    assert services.name_key("José  Núñez") == services.name_key("jose nunez")


def test_a_guardian_signs_with_the_relationship_recorded(assessment, provider):
    plan = make_plan(assessment, provider)
    present(plan, provider)
    with pytest.raises(ValidationError) as caught:
        signed(plan, full_name="Maria Someone", signer_role="guardian", by=provider)
    assert set(caught.value.message_dict) == {"guardian_relationship"}
    consent = signed(
        plan,
        full_name="Maria Someone",
        signer_role="guardian",
        guardian_relationship="mother",
        by=provider,
    )
    assert (consent.full_name, consent.signer_role, consent.guardian_relationship) == (
        "Maria Someone",
        "guardian",
        "mother",
    )
    change = plan.status_changes.get(to_status=PlanStatus.ACCEPTED)
    assert change.by == provider  # the witness on the tablet
    assert change.by_name == "Maria Someone (guardian: mother, on the clinic's tablet)"


def test_a_link_signature_names_the_patient_not_the_sender(assessment, provider):
    plan = make_plan(assessment, provider)
    present(plan, provider)
    link = services.consent_link_create(plan=plan, by=provider)
    signed(plan, full_name=plan.patient.full_name, channel="link", link=link)
    change = plan.status_changes.get(to_status=PlanStatus.ACCEPTED)
    assert change.by is None
    assert change.actor == f"{plan.patient.full_name} (patient, through the link)"
    assert provider.get_full_name() not in change.actor
