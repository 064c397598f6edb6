"""One patient's whole record, every kind of row a page can show, with clinical values that
are easy to spot in a page (`CLINICAL_MARKERS`): the role matrix, the audit tests and the
patient-rights tests open real pages with real objects behind every URL."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from consultations import services as consultation_services
from consultations.models import Assessment, Intake, Patient
from tests.appointments.factories import accepted_plan, appointment_at, setup_clinic
from tests.consultations.consultation_factories import assessment_for, submit_intake
from treatments.appointments.models import Appointment, ProgressPhoto, TreatedArea
from treatments.catalog.models import BodyArea
from treatments.plans.models import ConsentLink, Plan

# Values only clinical staff may read, each unlikely to appear on a page by chance.
WEIGHT = Decimal("71.3")
PINCH = Decimal("27.5")
SIDE_EFFECTS = "Zebra-stripe bruising"
NOTES = "Nodule check at eight weeks"
INTAKE_CHANGES = "Started taking quetiapine"
LOT = "LOT-Q7731"
WARNING = "Raynaud-marker warning: keep the area warm"
CLINICAL_MARKERS = {
    "weight": "71.3",
    "session pinch": "27.5",
    "side effects": SIDE_EFFECTS,
    "session notes": NOTES,
    "intake re-check": INTAKE_CHANGES,
    "lot number": LOT,
    "plan warning": WARNING,
    "BMI": "BMI 23.9",
    "screening flags": "2 screening flags",  # the timeline's count of the intake's flags
    "progress chart": 'class="progress-chart"',
}


def png_bytes(size=(30, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 140, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Record:
    patient: Patient
    intake: Intake  # submitted, with screening flags
    open_intake: Intake  # a link the patient has not used yet
    assessment: Assessment
    plan: Plan  # in progress: session 1 done and recorded, session 2 booked
    done: Appointment
    booked: Appointment
    photo: ProgressPhoto
    consent_link: ConsentLink


def make_record(provider, *, front_desk=None) -> Record:
    """The whole record (MEDIA_ROOT must point somewhere disposable)."""
    setup_clinic(provider)
    patient = Patient.objects.create(
        first_name="Quinn",
        last_name="Marlowe",
        date_of_birth=datetime.date(1985, 5, 5),
        sex="female",
        email="quinn@example.com",
    )
    submit_intake(patient)
    intake = patient.intakes.get(submitted_at__isnull=False)
    open_intake = consultation_services.intake_link_create(patient=patient, by=front_desk)
    assessment = assessment_for(provider, patient=patient)  # 165 cm, 65 kg: BMI 23.9
    today = timezone.localdate()
    plan = accepted_plan(
        patient=patient, sessions=3, start=today - datetime.timedelta(days=3), interval=28
    )
    plan.assessment = assessment
    plan.status = "in_progress"
    plan.warnings = [WARNING]
    plan.save(update_fields=["assessment", "status", "warnings"])
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    done = appointment_at(
        plan.sessions.get(number=1), start - datetime.timedelta(days=1), provider=provider
    )
    done.status = "done"
    done.weight_kg = WEIGHT
    done.side_effects = SIDE_EFFECTS
    done.notes = NOTES
    done.intake_reconfirmed = True
    done.intake_changes = INTAKE_CHANGES
    done.recorded_by = provider
    done.recorded_at = timezone.now()
    done.save()
    TreatedArea.objects.create(
        appointment=done,
        area=BodyArea.objects.get(code="upper_back"),
        vials=2,
        lot_numbers=LOT,
        pinch_mm=PINCH,
    )
    booked = appointment_at(
        plan.sessions.get(number=2), start + datetime.timedelta(days=27), provider=provider
    )
    photo = ProgressPhoto(
        appointment=done,
        kind=ProgressPhoto.BEFORE,
        extension="png",
        content_type="image/png",
        width=30,
        height=40,
        uploaded_by=provider,
    )
    photo.image.save("photo.png", ContentFile(png_bytes()), save=False)
    photo.save()
    consent_link = ConsentLink.objects.create(
        plan=plan, expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    return Record(patient, intake, open_intake, assessment, plan, done, booked, photo, consent_link)
