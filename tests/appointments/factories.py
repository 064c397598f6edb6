"""Factories for sessions: a clinic with hours, rooms, devices and a provider, and accepted
plans created directly (issue 5 owns the real plan workflow)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.apps import apps
from django.utils import timezone

from tests.factories import UserFactory
from treatments.appointments.models import (
    Appointment,
    Device,
    OpeningHours,
    ProviderHours,
    ProviderProfile,
    Room,
)
from treatments.appointments.selectors import to_aware
from treatments.catalog.models import BodyArea, Treatment
from treatments.catalog.seed import seed_all
from treatments.plans.models import ConsentText, Plan, PlanConsent, PlanSession


def seed_catalog() -> None:
    """The DOMAIN.md catalog (a transactional flush removes migration data)."""
    seed_all(apps)
    Treatment.objects.filter(code__in=["cryolipolysis", "laser_lipolysis"]).update(
        needs_device=True
    )


def next_monday(weeks_ahead: int = 1) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(7 - today.weekday()) + 7 * (weeks_ahead - 1))


@dataclass
class ClinicSetup:
    rooms: list[Room]
    devices: list[Device]
    profile: ProviderProfile


def setup_clinic(provider_user, *, rooms: int = 2, devices: bool = True) -> ClinicSetup:
    """Open Monday-Saturday 09:00-17:00; the provider performs everything, Monday-Friday
    09:00-17:00; two rooms; one cryolipolysis device and one laser."""
    seed_catalog()
    for weekday in range(6):
        OpeningHours.objects.get_or_create(
            weekday=weekday, defaults={"starts": datetime.time(9), "ends": datetime.time(17)}
        )
    room_list = [Room.objects.get_or_create(name=f"Room {i + 1}")[0] for i in range(rooms)]
    device_list = []
    if devices:
        for name, code in (("Cool 1", "cryolipolysis"), ("Laser 1", "laser_lipolysis")):
            device, _ = Device.objects.get_or_create(name=name)
            device.treatments.set(Treatment.objects.filter(code=code))
            device_list.append(device)
    profile = provider_profile(provider_user)
    return ClinicSetup(room_list, device_list, profile)


def provider_profile(user, *, weekdays=range(5), treatments=None) -> ProviderProfile:
    profile, created = ProviderProfile.objects.get_or_create(user=user)
    if created:
        profile.treatments.set(treatments or Treatment.objects.all())
        for weekday in weekdays:
            ProviderHours.objects.create(
                profile=profile, weekday=weekday, starts=datetime.time(9), ends=datetime.time(17)
            )
    return profile


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.Patient"

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1985, 5, 5)
    sex = "female"
    email = factory.Sequence(lambda n: f"patient{n}@example.com")


def accepted_plan(
    *,
    treatment: str = "deoxycholic_injection",
    sessions: int = 3,
    start: datetime.date | None = None,
    duration: int = 30,
    areas: list[dict] | None = None,
    status: str = "accepted",
    patient=None,
    consented: bool = True,
    interval: int | None = None,
) -> Plan:
    """An accepted, signed plan whose sessions are agreed `interval` days apart (the
    treatment's usual interval unless given)."""
    treatment_obj = Treatment.objects.get(code=treatment)
    start = start or next_monday()
    unit = {"deoxycholic_injection": "vial", "cryolipolysis": "cycle"}.get(treatment, "applicator")
    given = {
        "patient": patient or PatientFactory(),
        "treatment": treatment_obj,
        "status": status,
        "start_date": start,
    }
    plan = Plan.objects.create(
        **given,
        engine_version="test",
        currency="USD",
        goal_pinch_mm=20,
        subtotal=Decimal("0"),
        total=Decimal("0"),
        deposit=Decimal("0"),
        created_by=UserFactory(username="plan-author"),  # get_or_create by username
    )
    if consented:
        sign_consent(plan)
    for n in range(1, sessions + 1):
        PlanSession.objects.create(
            plan=plan,
            number=n,
            planned_date=start
            + datetime.timedelta(days=(interval or treatment_obj.usual_interval_days) * (n - 1)),
            duration_minutes=duration,
            areas=areas or [{"area": "upper_back", "units": 2, "unit": unit}],
        )
    return plan


def sign_consent(plan: Plan) -> None:
    """The patient's signed consent (booking requires it)."""
    text = ConsentText.objects.filter(treatment=plan.treatment).first()
    if text is None:
        text = ConsentText(treatment=plan.treatment, title="Consent", body="I consent.")
        text.version = 1
        text.save()
    PlanConsent.objects.create(
        plan=plan,
        consent_text=text,
        text_version=text.version,
        text_body=text.body,
        full_name=plan.patient.full_name,
        signature="data:image/png;base64,iVBORw0KGgo=",
        signed_at=timezone.now(),
    )


def appointment_at(
    plan_session: PlanSession,
    start: datetime.datetime,
    *,
    provider,
    room: Room | None = None,
    device: Device | None = None,
    status: str = "booked",
) -> Appointment:
    """An appointment written directly (for times in the past, or to fill a calendar)."""
    if timezone.is_naive(start):
        start = to_aware(start)
    return Appointment.objects.create(
        plan_session=plan_session,
        start=start,
        end=start + datetime.timedelta(minutes=plan_session.duration_minutes),
        provider=provider,
        room=room,
        device=device,
        status=status,
    )


def area(code: str) -> BodyArea:
    return BodyArea.objects.get(code=code)
