"""`manage.py seed_scale`: a small run makes valid, non-overlapping data, and a second run
adds nothing. (Its speed is measured by the benchmark, never here.)"""

from __future__ import annotations

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command

from consultations.models import Intake, Patient
from treatments.appointments.models import ACTIVE_STATUSES, HOLDS_SESSION, Appointment
from treatments.plans.models import Plan

pytestmark = pytest.mark.django_db


def seed(patients: int) -> str:
    out = StringIO()
    call_command("seed_scale", patients=patients, stdout=out)
    return out.getvalue()


def overlaps(rows: list[Appointment], key: str) -> list[tuple[int, int]]:
    found = []
    by_resource: dict[int, list[Appointment]] = {}
    for a in rows:
        if getattr(a, key) is not None:
            by_resource.setdefault(getattr(a, key), []).append(a)
    for items in by_resource.values():
        items.sort(key=lambda a: a.start)
        found += [(x.pk, y.pk) for x, y in pairwise(items) if y.start < x.end]
    return found


def counts() -> dict[str, int]:
    return {
        "patients": Patient.objects.filter(email__endswith="@scale.example").count(),
        "plans": Plan.objects.count(),
        "appointments": Appointment.objects.count(),
    }


def test_seed_scale_makes_a_valid_clinic_and_a_second_run_adds_nothing():
    seed(20)
    first = counts()
    assert first["patients"] == 20
    scale_patients = Patient.objects.filter(email__endswith="@scale.example")
    # Every patient submitted an intake and has an assessment and a plan.
    assert (
        Intake.objects.filter(patient__in=scale_patients, submitted_at__isnull=False).count() == 20
    )
    assert scale_patients.filter(assessments__isnull=True).count() == 0
    assert scale_patients.filter(plans__isnull=True).count() == 0
    # About ten sessions each, none overlapping for a provider, a room or a device.
    assert first["appointments"] >= 20 * 5
    active = list(
        Appointment.objects.filter(status__in=ACTIVE_STATUSES).only(
            "start", "end", "provider_id", "room_id", "device_id"
        )
    )
    for key in ("provider_id", "room_id", "device_id"):
        assert overlaps(active, key) == []
    # One appointment at most stands for a session (the database's constraint held).
    held = Appointment.objects.filter(status__in=HOLDS_SESSION)
    assert held.count() == held.values("plan_session").distinct().count()
    assert Plan.objects.filter(status="completed").exists()

    assert "nothing was added" in seed(20)
    assert counts() == first
