"""Writes for the consultations app: each function validates, then saves inside a
transaction. Views and the API call these; nothing else writes these models."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from consultations.models import (
    Assessment,
    AssessmentArea,
    AssessmentConditionChange,
    Choice,
    Intake,
    IntakeResponse,
    Patient,
    Question,
    Questionnaire,
    ScreeningRule,
    Section,
)
from consultations.questionnaire import (
    Result,
    Units,
    definition_errors,
    is_blank,
    missing_required,
    prune,
    validate,
)
from consultations.screening import screen
from consultations.selectors import (
    Step,
    all_questions,
    clinic_contact,
    questionnaire_current,
    questionnaire_steps,
)

PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "preferred_contact",
    "emergency_contact_name",
    "emergency_contact_phone",
    "notes",
)


class IntakeClosed(Exception):
    """The intake can no longer change: submitted, revoked or expired."""


# --- Patients ------------------------------------------------------------------------------


@transaction.atomic
def patient_create(*, data: Mapping, by=None) -> Patient:
    patient = Patient(created_by=by, **{f: data[f] for f in PATIENT_FIELDS if f in data})
    if not data.get("preferred_contact") and not patient.email and patient.phone:
        patient.preferred_contact = "phone"
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, data: Mapping, by=None) -> Patient:
    for field in PATIENT_FIELDS:
        if field in data:
            setattr(patient, field, data[field])
    patient.full_clean()
    patient.save()
    return patient


# --- Intake links --------------------------------------------------------------------------


def intake_link_days() -> int:
    return int(getattr(settings, "INTAKE_LINK_DAYS", 14))


@transaction.atomic
def intake_link_create(
    *,
    patient: Patient,
    by=None,
    expires_in_days: int | None = None,
    now: datetime.datetime | None = None,
) -> Intake:
    now = now or timezone.now()
    days = expires_in_days if expires_in_days is not None else intake_link_days()
    if not 1 <= days <= 90:
        raise ValidationError({"expires_in_days": "Choose between 1 and 90 days."})
    questionnaire = questionnaire_current()
    if questionnaire is None:
        raise ValidationError("No questionnaire is published yet; a clinic admin must publish one.")
    return Intake.objects.create(
        patient=patient,
        questionnaire=questionnaire,
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )


@transaction.atomic
def intake_link_revoke(*, intake: Intake, by=None) -> Intake:
    if intake.submitted_at:
        raise ValidationError("This intake was submitted; its link is already closed.")
    if not intake.revoked_at:
        intake.revoked_at = timezone.now()
        intake.revoked_by = by
        intake.save(update_fields=["revoked_at", "revoked_by"])
    return intake


def intake_link_email(*, intake: Intake, url: str, by=None) -> Intake:
    patient = intake.patient
    if not intake.is_open:
        raise ValidationError("This link is closed; create a new one to send.")
    if not patient.email:
        raise ValidationError("This patient has no email address; copy the link instead.")
    contact = clinic_contact()
    context = {
        "patient": patient,
        "url": url,
        "expires_at": intake.expires_at,
        "clinic_name": contact.name,
        "contact": contact,
    }
    send_mail(
        subject=f"{contact.name}: a few questions before your consultation",
        message=render_to_string("consultations/email/intake_link.txt", context),
        from_email=contact.from_email,
        recipient_list=[patient.email],
    )
    intake.emailed_at = timezone.now()
    intake.save(update_fields=["emailed_at"])
    return intake


# --- The patient's side --------------------------------------------------------------------


@dataclass(frozen=True)
class StepOutcome:
    result: Result
    answers: dict


def _lock_open(intake: Intake) -> Intake:
    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    if not locked.is_open:
        raise IntakeClosed
    return locked


@transaction.atomic
def intake_save_step(
    *,
    intake: Intake,
    steps: list[Step],
    step: Step,
    raw: Mapping,
    lenient: bool = False,
    units: Units = Units.METRIC,
) -> StepOutcome:
    """Validate one step's answers and keep the valid ones in the draft.

    With errors, the valid answers are still saved (a patient who leaves keeps them). With
    `lenient` (going back), missing required answers are not errors. `units` are those the
    raw answers were typed in (the page passes the clinic's); the draft keeps cm and kg.
    """
    locked = _lock_open(intake)
    draft = dict(locked.draft or {})
    step_keys = {q.key for q in step.questions}
    context = {k: v for k, v in draft.items() if k not in step_keys}
    result = validate(step.questions, raw, context=context, units=units)
    merged = {**context, **result.answers}
    answers = prune(all_questions(steps), merged)
    locked.draft = answers
    locked.started_at = locked.started_at or timezone.now()
    locked.save(update_fields=["draft", "started_at"])
    intake.draft, intake.started_at = locked.draft, locked.started_at
    if lenient:
        result = Result(
            answers=result.answers,
            errors={k: v for k, v in result.errors.items() if not is_blank(raw.get(k))},
        )
    return StepOutcome(result=result, answers=answers)


@transaction.atomic
def intake_submit(*, intake: Intake, now: datetime.datetime | None = None) -> IntakeResponse:
    """Check every shown required answer, screen the answers, store the response and close
    the link."""
    locked = _lock_open(intake)
    steps = questionnaire_steps(questionnaire=locked.questionnaire)
    questions = all_questions(steps)
    answers = prune(questions, locked.draft or {})
    missing = missing_required(questions, answers)
    if missing:
        raise ValidationError({key: "Please answer this question." for key in missing})
    flags = screen(questions, answers)
    now = now or timezone.now()
    response = IntakeResponse.objects.create(
        intake=locked,
        questionnaire=locked.questionnaire,
        answers=answers,
        flags=[flag.as_json() for flag in flags],
        submitted_at=now,
    )
    locked.submitted_at = now
    locked.started_at = locked.started_at or now
    locked.save(update_fields=["submitted_at", "started_at"])
    intake.submitted_at, intake.started_at = locked.submitted_at, locked.started_at
    return response


# --- Questionnaire versions ----------------------------------------------------------------


def questionnaire_problems(*, questionnaire: Questionnaire) -> list[str]:
    return definition_errors(all_questions(questionnaire_steps(questionnaire=questionnaire)))


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    if questionnaire.is_published:
        return questionnaire
    problems = questionnaire_problems(questionnaire=questionnaire)
    if not questionnaire.sections.exists():
        problems.insert(0, "A questionnaire needs at least one section.")
    if problems:
        raise ValidationError(problems)
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["published_at"])
    return questionnaire


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy of `questionnaire` (sections, questions, choices, rules) with the next
    version number; the original stays as it was, with the responses that answered it."""
    latest = Questionnaire.objects.filter(slug=questionnaire.slug).order_by("-version").first()
    copy = Questionnaire.objects.create(
        slug=questionnaire.slug,
        version=latest.version + 1,
        title=questionnaire.title,
        intro=questionnaire.intro,
        previous=questionnaire,
    )
    copies: dict[int, Question] = {}
    pending_show_if: list[tuple[Question, int]] = []
    for section in Section.objects.filter(questionnaire=questionnaire):
        new_section = Section.objects.create(
            questionnaire=copy, title=section.title, intro=section.intro, order=section.order
        )
        for question in section.questions.prefetch_related("choices", "rules"):
            old_pk = question.pk
            choices, rules = list(question.choices.all()), list(question.rules.all())
            show_if_pk = question.show_if_question_id
            question.pk = None
            question.section = new_section
            question.show_if_question = None
            question.save()
            copies[old_pk] = question
            if show_if_pk:
                pending_show_if.append((question, show_if_pk))
            Choice.objects.bulk_create(
                Choice(question=question, value=c.value, label=c.label, order=c.order)
                for c in choices
            )
            ScreeningRule.objects.bulk_create(
                ScreeningRule(
                    question=question,
                    value=r.value,
                    condition_id=r.condition_id,
                    severity=r.severity,
                )
                for r in rules
            )
    for question, show_if_pk in pending_show_if:
        question.show_if_question = copies.get(show_if_pk)
        question.save(update_fields=["show_if_question"])
    return copy


# --- Assessments ---------------------------------------------------------------------------

ASSESSMENT_FIELDS = ("assessed_on", "height_cm", "weight_kg", "weight_stable", "goals")
AREA_FIELDS = ("area", "pinch_mm", "size", "consistency", "skin_laxity")
# The treatment map, optional (consultations.maps): corners and placements in cm.
AREA_MAP_FIELDS = ("zone_points", "zone_width_cm", "zone_height_cm", "placements")


@transaction.atomic
def assessment_create(
    *,
    patient: Patient,
    provider,
    data: Mapping,
    areas: Sequence[Mapping],
    condition_changes: Sequence[Mapping] = (),
    by,
) -> Assessment:
    """Record what a provider found: the measurements, one row per area, and any condition
    the provider adds to or clears from the intake's, each with a reason."""
    if not areas:
        raise ValidationError({"areas": ["Record at least one area."]})
    seen = set()
    for row in areas:
        if row["area"].pk in seen:
            raise ValidationError({"areas": [f"The {row['area'].name.lower()} is listed twice."]})
        seen.add(row["area"].pk)
    assessment = Assessment(
        patient=patient, provider=provider, created_by=by, **{f: data[f] for f in ASSESSMENT_FIELDS}
    )
    assessment.full_clean()
    assessment.save()
    for row in areas:
        item = AssessmentArea(
            assessment=assessment,
            **{f: row[f] for f in AREA_FIELDS},
            **{f: row[f] for f in AREA_MAP_FIELDS if row.get(f) is not None},
        )
        item.full_clean()
        item.save()
    for change in condition_changes:
        if not str(change.get("reason", "")).strip():
            raise ValidationError({"condition_changes": ["Give a reason for every change."]})
        item = AssessmentConditionChange(
            assessment=assessment,
            condition=change["condition"],
            action=change["action"],
            reason=change["reason"].strip(),
            by=by,
        )
        item.full_clean()
        item.save()
    return assessment


# --- Consent texts -------------------------------------------------------------------------
