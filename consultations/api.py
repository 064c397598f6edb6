"""Patients and intake links for the clinic's website and integrations (shared/API.md)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from clinic.apikit import (
    MAX_ID,
    MAX_LIMIT,
    IsoDate,
    bad_request,
    cursor_field,
    decode_cursor,
    encode_cursor,
    limit_field,
    one_line,
    optional,
    perm_auth,
    responses,
    whole,
)
from consultations import selectors, services
from consultations.forms import PatientApiForm
from consultations.models import Patient
from consultations.selectors import VIEW_PATIENT, VIEW_SCREENING

router = Router(tags=["patients"])

ADD_PATIENT = "consultations.add_patient"
ADD_INTAKE = "consultations.add_intake"

# A subset of what Django's email validator accepts, so that what the schema allows the
# API stores: dot-atom local part, letter-digit-hyphen labels, a letters-only top level.
_LOCAL = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^(?:{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}})?$"
# Digits with the usual separators; `format: phone` says the number must also exist (a
# number valid in its country: international with "+", or national to the clinic's country).
PHONE_PATTERN = r"^(?:[+(]?[0-9][0-9 ().-]{4,22}[0-9])?$"

PatientId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="The patient's id.")]
Name = one_line(1, 100)
SearchText = one_line(
    0,
    100,
    "Words that must each match a name, the email, the phone (3+ digits) or the date "
    "of birth (YYYY-MM-DD).",
)


class PatientCreate(Schema):
    """A new patient. `email` and `phone` are each optional, but at least one is needed to
    contact the patient."""

    # The rule is said in words and as an extension: a top-level `anyOf` of two `required`
    # lists would make generated clients split the model in two.
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"x-one-of-required": ["email", "phone"]}
    )

    first_name: Name
    last_name: Name
    date_of_birth: IsoDate = Field(
        ..., description="YYYY-MM-DD; not in the future, at most 120 years ago."
    )
    sex: Literal["female", "male", "other"]
    email: str = Field("", max_length=254, pattern=EMAIL_PATTERN, description="Email address.")
    phone: str = Field(
        "",
        max_length=24,
        pattern=PHONE_PATTERN,
        description=(
            "A phone number valid in its country: with the country code (+1 415 555 0100) "
            "unless it is in the clinic's own country."
        ),
        json_schema_extra={"format": "phone"},
    )


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    sex: Literal["female", "male", "other"]
    email: str = Field(..., description='"" when the patient has none.')
    phone: str = Field(..., description='E.164, e.g. "+14155550100"; "" when none.')


class IntakeFlag(Schema):
    code: str
    severity: Literal["exclude", "warn", "info"]
    label: str
    question: str
    answer: str


class IntakeSummary(Schema):
    id: int
    status: Literal["sent", "in_progress", "submitted", "expired", "revoked"]
    sent_at: datetime.datetime
    expires_at: datetime.datetime
    submitted_at: datetime.datetime | None
    conditions: list[str] | None = Field(
        ..., description="Condition codes raised; null when the caller may not see screening."
    )
    flags: list[IntakeFlag] | None = Field(
        ..., description="Screening flags; null when the caller may not see screening."
    )


class PatientDetail(PatientOut):
    intakes: list[IntakeSummary] = Field(..., description="Newest first.")


class PatientPage(Schema):
    items: list[PatientOut]
    next_cursor: str | None = Field(
        ..., description="Pass as `cursor` for the next page; null on the last page."
    )


class PatientListQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    q: SearchText = optional()
    limit: int = limit_field()
    cursor: str = cursor_field()


ExpiresInDays = whole(
    None,
    ge=1,
    le=90,
    description="Days the link stays open (1-90); the clinic's default if absent.",
)


class IntakeLinkCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: ExpiresInDays


class IntakeLinkOut(Schema):
    id: int
    url: str = Field(..., description="The link to send the patient (absolute).")
    expires_at: datetime.datetime


class IntakeConflict(Schema):
    errors: dict[str, list[str]]


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


@router.get(
    "/patients",
    auth=perm_auth(VIEW_PATIENT),
    response=responses(200, PatientPage, found=False),
    summary="Find patients",
    description=(
        "Patients in the order they were added, a page at a time (`limit`, and the opaque "
        f"`cursor` from the previous page's `next_cursor`; at most {MAX_LIMIT} a page). "
        "`q` narrows to patients whose name, email, phone or date of birth match every word."
    ),
)
def list_patients(request: HttpRequest, filters: Query[PatientListQuery]):
    rows = Patient.objects.filter(selectors.patient_search_filter(filters.q or ""))
    if filters.cursor:
        rows = rows.filter(pk__gt=decode_cursor(filters.cursor))
    page = list(rows.order_by("pk")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "items": [_patient_out(p) for p in page],
        "next_cursor": encode_cursor(page[-1].pk) if more else None,
    }


@router.post(
    "/patients",
    auth=perm_auth(ADD_PATIENT),
    response=responses(201, PatientOut, found=False),
    summary="Create a patient",
)
def create_patient(request: HttpRequest, payload: PatientCreate):
    data = payload.dict()
    form = PatientApiForm(data={**data, "date_of_birth": data["date_of_birth"].isoformat()})
    if not form.is_valid():
        raise bad_request({field: list(msgs) for field, msgs in form.errors.items()})
    try:
        patient = services.patient_create(data=form.cleaned_data, by=request.user)
    except ValidationError as exc:
        raise bad_request(exc.message_dict) from None
    return Status(201, _patient_out(patient))


@router.get(
    "/patients/{patient_id}",
    auth=perm_auth(VIEW_PATIENT),
    response=responses(200, PatientDetail),
    summary="A patient and their intakes",
)
def get_patient(request: HttpRequest, patient_id: PatientId):
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
    auth=perm_auth(ADD_INTAKE),
    response=responses(201, IntakeLinkOut, s409=IntakeConflict),
    summary="Create an intake link",
    description=(
        "A link for the patient to answer the clinic's health questionnaire. 409 when the "
        "clinic has no published questionnaire yet."
    ),
)
def create_intake_link(
    request: HttpRequest, patient_id: PatientId, payload: IntakeLinkCreate | None = None
):
    patient = selectors.patient_get_for_user(user=request.user, pk=patient_id)
    try:
        intake = services.intake_link_create(
            patient=patient,
            by=request.user,
            expires_in_days=payload.expires_in_days if payload else None,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise bad_request(exc.message_dict) from None
        return Status(409, {"errors": {"body": exc.messages}})
    url = request.build_absolute_uri(reverse("consultations:intake-start", args=[intake.token]))
    return Status(201, {"id": intake.pk, "url": url, "expires_at": intake.expires_at})
