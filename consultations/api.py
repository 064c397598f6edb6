"""Patients and intake links for the clinic's website and integrations (shared/API.md)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from clinic.apikit import bad_request, require_perm
from consultations import selectors, services
from consultations.forms import PatientApiForm
from consultations.models import Patient
from consultations.selectors import VIEW_SCREENING

router = Router(tags=["consultations"])


class PatientIn(Schema):
    model_config = ConfigDict(extra="forbid")

    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    date_of_birth: datetime.date
    sex: str
    email: str = ""
    phone: str = ""


class FlagOut(Schema):
    code: str
    severity: str
    label: str
    question: str
    answer: str


class IntakeOut(Schema):
    id: int
    status: str
    sent_at: datetime.datetime
    expires_at: datetime.datetime
    submitted_at: datetime.datetime | None
    conditions: list[str] | None = Field(
        description="Condition codes raised; null when the caller may not see screening."
    )
    flags: list[FlagOut] | None


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    sex: str
    email: str
    phone: str


class PatientDetailOut(PatientOut):
    intakes: list[IntakeOut]


class IntakeLinkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: int | None = Field(default=None, ge=1, le=90)


class IntakeLinkOut(Schema):
    id: int
    url: str
    expires_at: datetime.datetime


def _patient_out(patient: Patient) -> dict:
    return {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth,
        "sex": patient.sex,
        "email": patient.email,
        "phone": str(patient.phone) if patient.phone else "",
    }


@router.post("/patients", response={201: PatientOut}, summary="Create a patient")
def create_patient(request: HttpRequest, payload: PatientIn):
    require_perm(request, "consultations.add_patient")
    data = payload.dict()
    form = PatientApiForm(data={**data, "date_of_birth": data["date_of_birth"].isoformat()})
    if not form.is_valid():
        raise bad_request({field: list(msgs) for field, msgs in form.errors.items()})
    try:
        patient = services.patient_create(data=form.cleaned_data, by=request.user)
    except ValidationError as exc:
        raise bad_request(exc.message_dict) from None
    return Status(201, _patient_out(patient))


@router.get("/patients/{patient_id}", response=PatientDetailOut, summary="A patient and intakes")
def get_patient(request: HttpRequest, patient_id: int):
    require_perm(request, "consultations.view_patient")
    patient = selectors.patient_get_for_user(user=request.user, pk=patient_id)
    can_screen = request.user.has_perm(VIEW_SCREENING)
    intakes = []
    for intake in selectors.intakes_for_patient(patient=patient):
        response = intake.latest_response
        flags = response.flag_list if response else ()
        intakes.append(
            {
                "id": intake.pk,
                "status": intake.status.value,
                "sent_at": intake.created_at,
                "expires_at": intake.expires_at,
                "submitted_at": intake.submitted_at,
                "conditions": (response.conditions if response else []) if can_screen else None,
                "flags": [
                    {
                        "code": f.code,
                        "severity": f.severity.value,
                        "label": f.label,
                        "question": f.question_text,
                        "answer": f.answer,
                    }
                    for f in flags
                ]
                if can_screen
                else None,
            }
        )
    return {**_patient_out(patient), "intakes": intakes}


@router.post(
    "/patients/{patient_id}/intake-links",
    response={201: IntakeLinkOut},
    summary="Create an intake link",
)
def create_intake_link(request: HttpRequest, patient_id: int, payload: IntakeLinkIn | None = None):
    require_perm(request, "consultations.add_intake")
    patient = selectors.patient_get_for_user(user=request.user, pk=patient_id)
    try:
        intake = services.intake_link_create(
            patient=patient,
            by=request.user,
            expires_in_days=payload.expires_in_days if payload else None,
        )
    except ValidationError as exc:
        raise bad_request(
            exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        ) from None
    url = request.build_absolute_uri(reverse("consultations:intake-start", args=[intake.token]))
    return Status(201, {"id": intake.pk, "url": url, "expires_at": intake.expires_at})
