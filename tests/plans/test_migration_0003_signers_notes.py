"""Migration plans 0003: link signatures name the signer; old notes become internal."""

import importlib

import pytest
from django.apps import apps

from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from treatments.plans import services
from treatments.plans.models import PlanStatus, PlanStatusChange

pytestmark = pytest.mark.django_db
migration = importlib.import_module("treatments.plans.migrations.0003_consent_signer_private_notes")


@pytest.fixture
def link_signed(provider):
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    plan = services.plan_create_from_option(
        assessment=assessment, treatment_code="cryolipolysis", by=provider, today=TODAY
    )
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
    return plan


def test_old_link_signatures_name_the_patient_and_reverse(link_signed, provider):
    accepted = PlanStatusChange.objects.filter(plan=link_signed, to_status="accepted")
    accepted.update(by=provider, by_name="")  # as 0002 recorded it: the link's sender
    migration.name_link_signers(apps, schema_editor=None)
    change = accepted.get()
    assert change.by is None
    assert change.by_name == f"{link_signed.patient.full_name} (patient, through the link)"
    migration.credit_link_senders(apps, schema_editor=None)
    assert accepted.get().by == provider


def test_the_notes_are_renamed_not_dropped():
    ops = migration.Migration.operations
    rename = ops[0]
    assert type(rename).__name__ == "RenameField"
    assert (rename.old_name, rename.new_name) == ("notes", "internal_notes")
    assert not any(type(op).__name__ == "RemoveField" for op in ops)
    assert ops[-1].reversible
