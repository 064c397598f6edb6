"""Factories for the consultation workflow (issue 5): patients with a submitted intake,
assessments with areas, and plans made through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from consultations import services
from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import Assessment, AssessmentArea
from tests.consultations import factories
from treatments.catalog.models import BodyArea

# A Monday well ahead, so engine dates never depend on the day the tests run.
TODAY = datetime.date(2027, 1, 4)


class PatientFactory(factories.PatientFactory):
    """Issue 4's patient, born on a fixed day so the engine's age rules never shift."""

    date_of_birth = datetime.date(1985, 5, 5)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    patient = factory.SubFactory(PatientFactory)
    assessed_on = datetime.date(2026, 12, 1)
    provider = None
    height_cm = Decimal("165.0")
    weight_kg = Decimal("65.0")
    weight_stable = True
    goals = "Smooth out the bra bulge."
    created_by = factory.LazyAttribute(lambda a: a.provider)


def add_area(
    assessment, code="upper_back", pinch=30, size="large", consistency="soft", laxity="none"
):
    return AssessmentArea.objects.create(
        assessment=assessment,
        area=BodyArea.objects.get(code=code),
        pinch_mm=pinch,
        size=size,
        consistency=consistency,
        skin_laxity=laxity,
    )


def submit_intake(patient, **answers):
    """A submitted intake with the demo answers (Raynaud's, an anticoagulant), changed by
    `answers`."""
    intake = services.intake_link_create(patient=patient, by=None)
    intake.draft = {**SUBMITTED_ANSWERS, **answers}
    intake.started_at = timezone.now()
    intake.save(update_fields=["draft", "started_at"])
    return services.intake_submit(intake=intake)


def assessment_for(provider, *, patient=None, areas=(("upper_back", 30, "large"),)):
    assessment = AssessmentFactory(
        provider=provider, **({"patient": patient} if patient is not None else {})
    )
    for code, pinch, size in areas:
        add_area(assessment, code, pinch, size)
    return assessment
