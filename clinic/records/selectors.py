"""Everything the clinic holds about one patient, gathered once for both exports."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.db.models import Q

from clinic.audit.registry import SECRET_FIELDS
from consultations import selectors as consultations
from consultations.models import (
    Assessment,
    AssessmentArea,
    AssessmentConditionChange,
    Intake,
    IntakeResponse,
    Patient,
)
from consultations.questionnaire import display_answer
from treatments.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    ProgressPhoto,
    TreatedArea,
)
from treatments.plans.models import (
    ConsentLink,
    Plan,
    PlanConsent,
    PlanLineItem,
    PlanSession,
    PlanStatus,
    PlanStatusChange,
)

PATIENT_RIGHTS = "consultations.delete_patient"  # Clinic admins: export and erase
# A plan in these statuses is still open: the patient may not be deleted under it.
CLOSED_PLAN_STATUSES = (PlanStatus.COMPLETED, PlanStatus.DECLINED, PlanStatus.CANCELLED)
# Link keys are the clinic's, not the patient's data; the drawn signature is theirs.
NOT_EXPORTED = SECRET_FIELDS - {"signature", "draft"}


def querysets(patient: Patient) -> dict[str, Any]:
    """Each kind of row the patient's record is made of, in the order of the journey."""
    plans = Q(plan__patient=patient)
    appointments = Q(appointment__plan_session__plan__patient=patient)
    return {
        "consultations.patient": Patient.objects.filter(pk=patient.pk),
        "consultations.intake": Intake.objects.filter(patient=patient),
        "consultations.intakeresponse": IntakeResponse.objects.filter(intake__patient=patient),
        "consultations.assessment": Assessment.objects.filter(patient=patient),
        "consultations.assessmentarea": AssessmentArea.objects.filter(assessment__patient=patient),
        "consultations.assessmentconditionchange": AssessmentConditionChange.objects.filter(
            assessment__patient=patient
        ),
        "plans.plan": Plan.objects.filter(patient=patient),
        "plans.plansession": PlanSession.objects.filter(plans),
        "plans.planlineitem": PlanLineItem.objects.filter(plans),
        "plans.planstatuschange": PlanStatusChange.objects.filter(plans),
        "plans.planconsent": PlanConsent.objects.filter(plans),
        "plans.consentlink": ConsentLink.objects.filter(plans),
        "appointments.appointment": Appointment.objects.filter(plan_session__plan__patient=patient),
        "appointments.appointmentevent": AppointmentEvent.objects.filter(appointments),
        "appointments.treatedarea": TreatedArea.objects.filter(appointments),
        "appointments.progressphoto": ProgressPhoto.objects.filter(appointments),
    }


def _rows(queryset) -> list[dict]:
    rows = []
    for item in serializers.serialize("python", queryset.order_by("pk")):
        fields = {k: v for k, v in item["fields"].items() if k not in NOT_EXPORTED}
        rows.append({"id": item["pk"], **fields})
    return rows


def _photo_data(photo: ProgressPhoto) -> str | None:
    try:
        with photo.image.open("rb") as handle:
            return base64.b64encode(handle.read()).decode()
    except (FileNotFoundError, ValueError):
        return None


def record_as_data(patient: Patient) -> dict[str, list[dict]]:
    """Every row, every field (link keys left out), photos' bytes in base64."""
    data = {label: _rows(qs) for label, qs in querysets(patient).items()}
    photos = {p.pk: p for p in querysets(patient)["appointments.progressphoto"]}
    for row in data["appointments.progressphoto"]:
        row["image_base64"] = _photo_data(photos[row["id"]])
    return data


@dataclass
class ReadableRecord:
    """The same record arranged for people (the PDF)."""

    patient: Patient
    intakes: list[tuple[Intake, Any, list]] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    photos: list[tuple[ProgressPhoto, str | None]] = field(default_factory=list)


def _answers(intake: Intake, response) -> list[tuple[str, list[tuple[str, str]]]]:
    steps = consultations.questionnaire_steps(questionnaire=response.questionnaire)
    units = consultations.clinic_units()
    answers = response.answers
    return [
        (
            step.title,
            [
                (q.text, display_answer(q, answers[q.key], units, with_stored=True))
                for q in step.questions
                if q.key in answers
            ],
        )
        for step in steps
    ]


def readable_record(patient: Patient) -> ReadableRecord:
    record = ReadableRecord(patient)
    for intake in Intake.objects.filter(patient=patient).order_by("created_at"):
        response = intake.responses.select_related("questionnaire").first()
        if response is not None:
            record.intakes.append((intake, response, _answers(intake, response)))
    record.assessments = list(
        Assessment.objects.filter(patient=patient)
        .select_related("provider")
        .prefetch_related("areas__area")
        .order_by("assessed_on", "pk")
    )
    record.plans = list(
        Plan.objects.filter(patient=patient)
        .select_related("treatment")
        .prefetch_related("sessions", "consents", "status_changes")
        .order_by("pk")
    )
    record.appointments = list(
        Appointment.objects.filter(plan_session__plan__patient=patient)
        .select_related("plan_session__plan__treatment", "provider")
        .prefetch_related("treated_areas__area")
        .order_by("start")
    )
    for photo in querysets(patient)["appointments.progressphoto"].select_related("area"):
        data = _photo_data(photo)
        uri = f"data:{photo.content_type};base64,{data}" if data else None
        record.photos.append((photo, uri))
    return record


def deletion_blockers(patient: Patient) -> list[str]:
    """Why the patient may not be deleted now (empty: they may)."""
    reasons = []
    open_plans = Plan.objects.filter(patient=patient).exclude(status__in=CLOSED_PLAN_STATUSES)
    for plan in open_plans.select_related("treatment"):
        reasons.append(
            f"The {plan.treatment.name} plan is {plan.get_status_display().lower()}: "
            "complete, decline or cancel it first."
        )
    booked = Appointment.objects.filter(
        plan_session__plan__patient=patient, status=AppointmentStatus.BOOKED
    ).count()
    if booked:
        reasons.append(
            f"{booked} session{'s are' if booked != 1 else ' is'} still booked: "
            "record or cancel them first."
        )
    return reasons


def row_counts(patient: Patient) -> dict[str, int]:
    return {label: qs.count() for label, qs in querysets(patient).items()}
