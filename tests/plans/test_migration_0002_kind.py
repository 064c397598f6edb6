"""Migration plans 0002: history rows written before `kind` get it from their notes."""

import importlib

import pytest
from django.apps import apps

from tests.consultations.consultation_factories import TODAY, assessment_for, submit_intake
from treatments.plans import services
from treatments.plans.models import PlanChangeKind, PlanStatus, PlanStatusChange

pytestmark = pytest.mark.django_db
migration = importlib.import_module("treatments.plans.migrations.0002_planstatuschange_kind")


@pytest.fixture
def history(provider):
    """A plan's history as the services write it: drafted, adjusted, presented (with a note a
    person typed that happens to start with "Adjusted"), then replaced by a new draft."""
    assessment = assessment_for(provider)
    submit_intake(assessment.patient)
    plan = services.plan_create_from_option(
        assessment=assessment, treatment_code="cryolipolysis", by=provider, today=TODAY
    )
    sessions = list(plan.sessions.all())
    services.plan_adjust(
        plan=plan,
        by=provider,
        today=TODAY,
        session_count=len(sessions),
        start_date=plan.start_date,
        dates=[s.planned_date for s in sessions],
        units={a["area"]: a["units"] for s in sessions for a in s.areas},
        extra_discount=None,
        extra_discount_reason="",
        internal_notes="",
        patient_notes="",
    )
    services.plan_transition(
        plan=plan, to_status=PlanStatus.PRESENTED, by=provider, note="Adjusted her goals first"
    )
    services.plan_supersede(plan=plan, by=provider, today=TODAY)
    return PlanStatusChange.objects.filter(plan=plan).order_by("at", "pk")


def kinds(history):
    return [(c.from_status, c.to_status, c.kind) for c in history.all()]


EXPECTED = [
    ("", "draft", "status"),
    ("draft", "draft", "adjusted"),
    ("draft", "presented", "status"),
    ("presented", "cancelled", "superseded"),
]


def test_the_services_set_the_kind(history):
    assert kinds(history) == EXPECTED


def test_backfill_reads_the_kind_from_the_notes_the_services_wrote(history):
    PlanStatusChange.objects.update(kind=PlanChangeKind.STATUS)  # as rows were before 0002
    migration.backfill_kinds(apps, schema_editor=None)
    assert kinds(history) == EXPECTED


def test_backfill_reverses(history):
    migration.forget_kinds(apps, schema_editor=None)
    assert {c.kind for c in history.all()} == {"status"}
    migration.backfill_kinds(apps, schema_editor=None)
    assert kinds(history) == EXPECTED


def test_the_migration_adds_the_field_then_backfills_both_ways():
    operations = migration.Migration.operations
    assert [type(op).__name__ for op in operations] == ["AddField", "RunPython"]
    assert operations[1].reversible
