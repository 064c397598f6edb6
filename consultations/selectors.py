"""Reads for the consultations app: every object lookup is scoped to the user, and every
list loads its related rows up front."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import CharField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from clinic import keyset
from consultations.models import (
    Assessment,
    AssessmentConditionChange,
    Intake,
    IntakeResponse,
    Patient,
    Question,
    Questionnaire,
    ScreeningRule,
    Section,
)
from consultations.models import Choice as ChoiceRow
from consultations.questionnaire import (
    Choice,
    QuestionDef,
    QuestionType,
    Rule,
    Severity,
    ShowIf,
    Units,
)
from consultations.screening import Flag

VIEW_PATIENT = "consultations.view_patient"
VIEW_SCREENING = "consultations.view_screening"
# Clinical reading, checked in one place (`user_sees_clinical`) by every page, panel, timeline
# source and template that shows clinical data: who may read intake answers and their flags
# may read what follows from them (BMI, pinch, weights, screening-derived warnings, session
# records, lot numbers, side effects, notes). Clinic admins and providers may; the front desk
# may not.
VIEW_CLINICAL = VIEW_SCREENING


def user_sees_clinical(user) -> bool:
    """Whether `user` may see clinical data (see VIEW_CLINICAL)."""
    return bool(user.has_perm(VIEW_CLINICAL))


# --- Patients ------------------------------------------------------------------------------

PATIENT_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "dob": ("date_of_birth", "pk"),
    "-dob": ("-date_of_birth", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y")


def _as_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search_filter(query: str) -> Q:
    """Every word must match a name, the email, the phone (digits) or the date of birth."""
    condition = Q()
    for word in query.split():
        day = _as_date(word)
        if day is not None:
            condition &= Q(date_of_birth=day)
            continue
        term = (
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
        digits = re.sub(r"\D", "", word)
        if len(digits) >= 3:
            term |= Q(phone__contains=digits)
        condition &= term
    return condition


# What a row of the patient list shows: loading nothing else keeps a page of rows lean.
# The phone comes as its stored text (`phone_text`): building a PhoneNumber per row is done by
# the presenter, which formats each number once.
PATIENT_LIST_FIELDS = ("id", "first_name", "last_name", "date_of_birth", "email")


def patient_list(*, user, query: str = "", sort: str = "name") -> QuerySet[Patient]:
    """The patients matching `query` in the `sort` order; nothing else is joined or
    aggregated, so one page of it reads one page of rows (see `patient_page`)."""
    if not user.has_perm(VIEW_PATIENT):
        return Patient.objects.none()
    order = PATIENT_SORTS.get(sort, PATIENT_SORTS["name"])
    return Patient.objects.filter(patient_search_filter(query)).order_by(*order)


def patient_page(
    *, user, query: str = "", sort: str = "name", after: str = "", before: str = "", size: int = 25
) -> keyset.Page:
    """One page of the patient list (keyset pagination, so a deep page costs what the first
    does), each row with its latest intake dates: 2 queries, the capped count and the rows.
    The dates are subqueries the database runs for the page's rows only, never an aggregate
    over every patient's intakes."""
    order = PATIENT_SORTS.get(sort, PATIENT_SORTS["name"])
    intakes = Intake.objects.filter(patient=OuterRef("pk"))
    patients = (
        patient_list(user=user, query=query, sort=sort)
        .only(*PATIENT_LIST_FIELDS)
        .annotate(
            phone_text=Cast("phone", CharField()),
            last_intake_sent=Subquery(intakes.order_by("-created_at").values("created_at")[:1]),
            last_intake_submitted=Subquery(
                intakes.filter(submitted_at__isnull=False)
                .order_by("-submitted_at")
                .values("submitted_at")[:1]
            ),
        )
    )
    return keyset.paginate(patients, order, after_cursor=after, before_cursor=before, size=size)


def patient_get_for_user(*, user, pk: int) -> Patient:
    """The patient, or 404 when it does not exist or the user may not see patients."""
    if not user.has_perm(VIEW_PATIENT):
        raise Http404
    try:
        return Patient.objects.get(pk=pk)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def patient_likely_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    email: str = "",
    exclude_pk: int | None = None,
) -> list[Patient]:
    """Patients with the same name and date of birth, or the same email."""
    condition = Q(pk__in=[])
    if first_name and last_name and date_of_birth:
        condition |= Q(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )
    if email:
        condition |= Q(email__iexact=email.strip())
    found = Patient.objects.filter(condition)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found[:5])


# --- Questionnaires ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One section of a questionnaire version, as the patient meets it."""

    number: int
    title: str
    intro: str
    questions: tuple[QuestionDef, ...]


@dataclass(frozen=True)
class ClinicContact:
    """How a patient reaches the clinic (`CLINIC_NAME`, `CLINIC_PHONE`, `CLINIC_EMAIL`); an
    empty detail is left out wherever it is shown."""

    name: str
    phone: str
    email: str

    @property
    def from_email(self) -> str | None:
        """The sender of emails to patients: the clinic's own address when it has one, so a
        reply reaches it; else None (Django's DEFAULT_FROM_EMAIL)."""
        return formataddr((self.name, self.email)) if self.email else None


def clinic_contact() -> ClinicContact:
    def read(name: str) -> str:
        return str(getattr(settings, name, "") or "").strip()

    return ClinicContact(
        name=read("CLINIC_NAME"), phone=read("CLINIC_PHONE"), email=read("CLINIC_EMAIL")
    )


def clinic_units() -> Units:
    """The units the intake asks heights and weights in (`CLINIC_UNITS`: us or metric)."""
    value = str(getattr(settings, "CLINIC_UNITS", Units.US.value)).strip().lower()
    try:
        return Units(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"CLINIC_UNITS must be 'us' or 'metric', not {value!r}."
        ) from None


def questionnaire_current(*, slug: str = "intake") -> Questionnaire | None:
    """The newest published version: what new intake links ask."""
    return (
        Questionnaire.objects.filter(slug=slug, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def questionnaire_steps(*, questionnaire: Questionnaire) -> list[Step]:
    """The questionnaire as pure definitions, one step per section (a fixed 4 queries of
    flat rows: every intake page and submission reads it, and per-question prefetching
    cost more than the rows)."""
    part = {"question__section__questionnaire": questionnaire}
    choices: dict[int, list[Choice]] = {}
    for question_id, value, label in (
        ChoiceRow.objects.filter(**part)
        .order_by("order", "pk")
        .values_list("question_id", "value", "label")
    ):
        choices.setdefault(question_id, []).append(Choice(value, label))
    rules: dict[int, list[Rule]] = {}
    for question_id, value, code, severity, name in (
        ScreeningRule.objects.filter(**part)
        .order_by("pk")
        .values_list("question_id", "value", "condition__code", "severity", "condition__name")
    ):
        rules.setdefault(question_id, []).append(Rule(value, code, Severity(severity), name))
    sections = list(
        Section.objects.filter(questionnaire=questionnaire)
        .order_by("order", "pk")
        .values_list("pk", "title", "intro")
    )
    titles = {pk: title for pk, title, _ in sections}
    by_section: dict[int, list[QuestionDef]] = {}
    for q in (
        Question.objects.filter(section__questionnaire=questionnaire)
        .order_by("order", "pk")
        .values(
            "pk",
            "section_id",
            "key",
            "text",
            "type",
            "required",
            "unit",
            "min_value",
            "max_value",
            "show_if_question_id",
            "show_if_question__key",
            "show_if_value",
            "help_text",
        )
    ):
        show_if = None
        if q["show_if_question_id"]:
            show_if = ShowIf(q["show_if_question__key"], q["show_if_value"])
        by_section.setdefault(q["section_id"], []).append(
            QuestionDef(
                key=q["key"],
                text=q["text"],
                type=QuestionType(q["type"]),
                required=q["required"],
                choices=tuple(choices.get(q["pk"], ())),
                unit=q["unit"],
                min_value=q["min_value"],
                max_value=q["max_value"],
                show_if=show_if,
                rules=tuple(rules.get(q["pk"], ())),
                section=titles[q["section_id"]],
                help_text=q["help_text"],
            )
        )
    return [
        Step(
            number=number,
            title=title,
            intro=intro,
            questions=tuple(by_section.get(pk, ())),
        )
        for number, (pk, title, intro) in enumerate(sections, start=1)
    ]


def all_questions(steps: Iterable[Step]) -> list[QuestionDef]:
    return [q for step in steps for q in step.questions]


# --- Intakes -------------------------------------------------------------------------------


def intake_get_by_token(*, token: str) -> Intake | None:
    if not token or len(token) > 64:
        return None
    return Intake.objects.select_related("patient", "questionnaire").filter(token=token).first()


def intakes_for_patient(*, patient: Patient) -> list[Intake]:
    """The patient's intakes, newest first, each with `latest_response` loaded."""
    intakes = list(
        Intake.objects.filter(patient=patient)
        .select_related("created_by", "revoked_by", "questionnaire")
        .prefetch_related("responses")
    )
    for intake in intakes:
        responses = list(intake.responses.all())
        intake.latest_response = responses[0] if responses else None
    return intakes


def intake_get_for_user(*, user, patient: Patient, pk: int) -> Intake:
    if not user.has_perm("consultations.view_intake"):
        raise Http404
    try:
        return Intake.objects.select_related("questionnaire").get(patient=patient, pk=pk)
    except (Intake.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class Screening:
    """What the latest submitted intake says: for the patient page and later issues
    (assessment, plan engine)."""

    response: IntakeResponse
    flags: tuple[Flag, ...]

    @property
    def conditions(self) -> list[str]:
        return list(dict.fromkeys(flag.code for flag in self.flags))

    @property
    def excludes(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.severity == Severity.EXCLUDE)

    @property
    def warnings(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.severity == Severity.WARN)

    @property
    def answers(self) -> dict:
        return self.response.answers


def intake_latest_submitted(*, patient: Patient) -> Screening | None:
    """The patient's most recent submitted response and its flags, or None."""
    response = (
        IntakeResponse.objects.filter(intake__patient=patient)
        .select_related("questionnaire", "intake")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if response is None:
        return None
    return Screening(response=response, flags=response.flag_list)


# --- Timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime
    title: str
    detail: str = ""
    by: str = ""
    kind: str = "info"  # a Bootstrap colour name for the dot: info, success, danger...
    clinical: bool = False  # the detail is clinical: left out for the front desk


TimelineSource = Callable[[Patient, list[Intake]], Iterable[TimelineEvent]]
TIMELINE_SOURCES: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Each app adds its events to the patient timeline from its `AppConfig.ready()` (see
    `consultations.panels`); registering a source again changes nothing."""
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def intake_timeline_events(patient: Patient, intakes: list[Intake]) -> Iterable[TimelineEvent]:
    now = timezone.now()
    yield TimelineEvent(patient.created_at, "Patient record created", by=_name(patient.created_by))
    for intake in intakes:
        yield TimelineEvent(intake.created_at, "Intake link created", by=_name(intake.created_by))
        if intake.emailed_at:
            yield TimelineEvent(intake.emailed_at, "Intake link emailed", detail=patient.email)
        if intake.started_at:
            yield TimelineEvent(intake.started_at, "Patient started the questionnaire")
        if intake.submitted_at:
            response = getattr(intake, "latest_response", None)
            count = len(response.flags) if response else 0
            detail = f"{count} screening flag{'s' if count != 1 else ''}" if count else "No flags"
            yield TimelineEvent(
                intake.submitted_at, "Intake submitted", detail, kind="success", clinical=True
            )
        if intake.revoked_at:
            yield TimelineEvent(
                intake.revoked_at, "Intake link revoked", by=_name(intake.revoked_by), kind="danger"
            )
        elif not intake.submitted_at and intake.expires_at <= now:
            yield TimelineEvent(intake.expires_at, "Intake link expired", kind="secondary")


def patient_timeline(
    *, patient: Patient, intakes: list[Intake], clinical: bool = False
) -> list[TimelineEvent]:
    """Every registered source's events for the patient, newest first; without `clinical`
    (see `user_sees_clinical`) an event's clinical detail is left out, whichever app's
    source gave it."""
    events = [event for source in TIMELINE_SOURCES for event in source(patient, intakes)]
    if not clinical:
        events = [replace(e, detail="") if e.clinical else e for e in events]
    return sorted(events, key=lambda e: e.at, reverse=True)


# --- Assessments ---------------------------------------------------------------------------

VIEW_ASSESSMENT = "consultations.view_assessment"


def assessments_for_patient(*, patient: Patient) -> list[Assessment]:
    """The patient's assessments, newest first, with provider and areas (3 queries)."""
    return list(
        Assessment.objects.filter(patient=patient)
        .select_related("provider")
        .prefetch_related("areas__area")
    )


def assessment_get_for_user(*, user, patient: Patient, pk: int) -> Assessment:
    """The patient's assessment, or 404 (unknown, another patient's, or not allowed)."""
    if not user.has_perm(VIEW_ASSESSMENT):
        raise Http404
    try:
        return (
            Assessment.objects.select_related("patient", "provider", "created_by")
            .prefetch_related(
                "areas__area",
                Prefetch(
                    "condition_changes",
                    queryset=AssessmentConditionChange.objects.select_related("condition", "by"),
                ),
            )
            .get(patient=patient, pk=pk)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assessment_conditions(*, assessment: Assessment, screening: Screening | None) -> list[str]:
    """The condition codes the engine sees: the latest submitted intake's, plus those the
    provider added, minus those the provider cleared (the last change per condition wins)."""
    codes = dict.fromkeys(screening.conditions if screening else [])
    for change in assessment.condition_changes.all():
        code = change.condition.code
        if change.action == "add":
            codes[code] = None
        else:
            codes.pop(code, None)
    return list(codes)


def assessment_condition_names(*, assessment: Assessment, screening: Screening | None) -> list[str]:
    """The conditions the engine sees (`assessment_conditions`) as people read them: the
    catalog's names, taken from the flags and the changes already loaded, so no query."""
    names = {flag.code: flag.label for flag in screening.flags} if screening else {}
    names.update(
        (change.condition.code, change.condition.name)
        for change in assessment.condition_changes.all()
    )
    codes = assessment_conditions(assessment=assessment, screening=screening)
    return [names.get(code) or code.replace("_", " ").capitalize() for code in codes]


def assessment_timeline_events(patient: Patient, intakes: list[Intake]) -> Iterable[TimelineEvent]:
    for assessment in Assessment.objects.filter(patient=patient).select_related("provider"):
        yield TimelineEvent(
            assessment.created_at,
            "Assessment recorded",
            detail=f"BMI {assessment.bmi}",
            by=_name(assessment.provider),
            clinical=True,
        )
