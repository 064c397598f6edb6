"""Patients, intake questionnaires (definitions, versions), intake links and responses."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from clinic.validators import NOTE_MAX, validate_single_line
from consultations.questionnaire import QuestionType, Severity
from consultations.screening import Flag
from treatments.engine import planning

QUESTION_TYPES = [
    (QuestionType.SHORT_TEXT.value, "Short text"),
    (QuestionType.LONG_TEXT.value, "Long text"),
    (QuestionType.NUMBER.value, "Number"),
    (QuestionType.YES_NO.value, "Yes / no"),
    (QuestionType.SINGLE_CHOICE.value, "Single choice"),
    (QuestionType.MULTIPLE_CHOICE.value, "Multiple choice"),
    (QuestionType.DATE.value, "Date"),
]
SEVERITIES = [
    (Severity.EXCLUDE.value, "Exclude (red)"),
    (Severity.WARN.value, "Warn (amber)"),
    (Severity.INFO.value, "Info"),
]

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "Use lower_snake_case: lowercase letters, digits and underscores."
)


# --- Patients ------------------------------------------------------------------------------


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    SMS = "sms", "Text message"


class Patient(models.Model):
    first_name = models.CharField(max_length=100, validators=[validate_single_line])
    last_name = models.CharField(max_length=100, validators=[validate_single_line])
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    address = models.TextField(blank=True, max_length=500)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    emergency_contact_name = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line]
    )
    emergency_contact_phone = PhoneNumberField(blank=True)
    notes = models.TextField(blank=True, max_length=NOTE_MAX)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            # The list's sorts (keyset pages end each with the primary key: the database
            # sorts ties within an index's order). Name, email and phone searches use trigram
            # indexes on PostgreSQL (migration 0009_scale_indexes).
            models.Index(fields=["last_name", "first_name"], name="patient_name_idx"),
            models.Index(fields=["email"], name="patient_email_idx"),
            models.Index(fields=["phone"], name="patient_phone_idx"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            models.Index(fields=["-created_at"], name="patient_created_idx"),
        ]
        permissions = [
            ("view_screening", "Can see intake answers and screening flags"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# --- Questionnaire definitions -------------------------------------------------------------


FROZEN_MESSAGE = (
    "{questionnaire} is published, so it is frozen: answers refer to it as it is. Choose a "
    "draft, or create a new draft version of it and change that."
)


class Questionnaire(models.Model):
    """One version of a questionnaire. Published versions are frozen: a change is a new
    version (`services.questionnaire_new_version`), and every response keeps the version it
    answered."""

    slug = models.SlugField(
        max_length=60, help_text="Names the questionnaire across its versions, e.g. 'intake'."
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    intro = models.TextField(
        blank=True, max_length=NOTE_MAX, help_text="Shown to the patient before the first step."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="questionnaire_slug_version")
        ]

    def __str__(self) -> str:
        state = "published" if self.is_published else "draft"
        return f"{self.title} v{self.version} ({state})"

    def save(self, *args, **kwargs) -> None:
        self.check_not_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored() is not None:
            raise ValidationError(FROZEN_MESSAGE.format(questionnaire=self), code="frozen")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _stored(self) -> Questionnaire | None:
        """The row as saved, when it is published."""
        if self.pk is None:
            return None
        return Questionnaire.objects.filter(pk=self.pk, published_at__isnull=False).first()

    def check_not_frozen(self) -> None:
        """A published version's own texts are frozen too (publishing a draft is allowed)."""
        stored = self._stored()
        fields = ("slug", "version", "title", "intro", "published_at")
        if stored is not None and any(getattr(stored, f) != getattr(self, f) for f in fields):
            raise ValidationError(FROZEN_MESSAGE.format(questionnaire=stored), code="frozen")

    def clean(self) -> None:
        super().clean()
        self.check_not_frozen()


class QuestionnairePart(models.Model):
    """A part of a questionnaire version (a section, question, choice or screening rule).

    Only a draft's parts may be created, changed, moved or deleted: a published version is
    what submitted answers and open links refer to. Checked here, at the model layer, so the
    admin's forms and inlines, the services and a shell all meet the same refusal. A part
    under a published version is refused whether it is moved in or out of it.
    """

    # The foreign key to the part's parent, and the path from Questionnaire to that parent.
    parent_field: str = ""
    questionnaire_path: str = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.check_not_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.check_not_frozen()
        return super().delete(*args, **kwargs)

    def _parent_ids(self) -> set[int]:
        """The parent now (perhaps just chosen) and, for a saved part, the stored one."""
        attname = f"{self.parent_field}_id"
        ids = {getattr(self, attname)}
        if self.pk is not None:
            ids.update(
                type(self)._default_manager.filter(pk=self.pk).values_list(attname, flat=True)
            )
        return {pk for pk in ids if pk is not None}

    def frozen_questionnaire(self) -> Questionnaire | None:
        """The published version this part is, or would be, under; None for a draft's part."""
        ids = self._parent_ids()
        if not ids:
            return None
        lookup = f"{self.questionnaire_path}__in" if self.questionnaire_path else "pk__in"
        return Questionnaire.objects.filter(published_at__isnull=False, **{lookup: ids}).first()

    def check_not_frozen(self) -> None:
        frozen = self.frozen_questionnaire()
        if frozen is not None:
            message = FROZEN_MESSAGE.format(questionnaire=frozen)
            raise ValidationError({self.parent_field: message})

    def clean(self) -> None:
        super().clean()
        self.check_not_frozen()


class Section(QuestionnairePart):
    parent_field = "questionnaire"
    questionnaire_path = ""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, max_length=NOTE_MAX)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.questionnaire})"


class Question(QuestionnairePart):
    parent_field = "section"
    questionnaire_path = "sections"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(
        max_length=60,
        validators=[key_validator],
        help_text="Stable name of the answer, unique in the questionnaire, e.g. 'pregnant'.",
    )
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=20, choices=QUESTION_TYPES)
    required = models.BooleanField(default=False)
    unit = models.CharField(max_length=20, blank=True, help_text="For numbers, e.g. 'kg'.")
    min_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    show_if_question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
        help_text="Show this question only when this earlier question...",
    )
    show_if_value = models.CharField(
        max_length=60, blank=True, help_text="...was answered with this value (e.g. 'yes')."
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    def clean(self) -> None:
        super().clean()
        target = self.show_if_question
        if target is not None and self.section_id is not None:
            if target.pk == self.pk:
                raise ValidationError({"show_if_question": "A question cannot depend on itself."})
            if target.section.questionnaire_id != self.section.questionnaire_id:
                raise ValidationError(
                    {"show_if_question": "Choose a question of the same questionnaire version."}
                )


class Choice(QuestionnairePart):
    parent_field = "question"
    questionnaire_path = "sections__questions"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(max_length=60, validators=[key_validator])
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class ScreeningRule(QuestionnairePart):
    """An answer that raises a condition from the catalog, at a severity."""

    parent_field = "question"
    questionnaire_path = "sections__questions"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rules")
    value = models.CharField(
        max_length=60, help_text="The answer value that raises it, e.g. 'yes' or a choice value."
    )
    condition = models.ForeignKey(
        "treatments.Condition", on_delete=models.PROTECT, related_name="screening_rules"
    )
    severity = models.CharField(max_length=10, choices=SEVERITIES)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.question.key} = {self.value} -> {self.condition.name} ({self.get_severity_display()})"


# --- Intake links and responses ------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


class IntakeStatus(models.TextChoices):
    SENT = "sent", "Link sent"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class Intake(models.Model):
    """One intake link for one patient, its draft answers, and whether it was submitted."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="intakes")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="intake_patient_idx"),
            # The funnel counts links sent and intakes submitted in a date range.
            models.Index(fields=["created_at"], name="intake_created_idx"),
            models.Index(fields=["submitted_at"], name="intake_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"Intake for {self.patient} ({self.created_at:%Y-%m-%d})"

    def status_at(self, now: datetime) -> IntakeStatus:
        if self.submitted_at:
            return IntakeStatus.SUBMITTED
        if self.revoked_at:
            return IntakeStatus.REVOKED
        if now >= self.expires_at:
            return IntakeStatus.EXPIRED
        if self.started_at:
            return IntakeStatus.IN_PROGRESS
        return IntakeStatus.SENT

    @property
    def status(self) -> IntakeStatus:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status in (IntakeStatus.SENT, IntakeStatus.IN_PROGRESS)


class IntakeResponse(models.Model):
    """The answers as submitted, with the flags screening raised. Never edited in place: a
    correction is a new response."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"Response to {self.questionnaire} on {self.submitted_at:%Y-%m-%d}"

    @property
    def flag_list(self) -> tuple[Flag, ...]:
        return tuple(Flag.from_json(item) for item in self.flags)

    @property
    def conditions(self) -> list[str]:
        return list(dict.fromkeys(item["code"] for item in self.flags))


# --- Assessment (issue 5 builds the workflow on these) --------------------------------------


class AreaSize(models.TextChoices):
    SMALL = "small", "Small (a single pocket, a hand's width)"
    MEDIUM = "medium", "Medium (one region both sides, e.g. the bra line)"
    LARGE = "large", "Large (a whole region, e.g. the upper back)"


class Consistency(models.TextChoices):
    SOFT = "soft", "Soft"
    FIRM = "firm", "Firm"
    FIBROUS = "fibrous", "Fibrous"


class SkinLaxity(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class Assessment(models.Model):
    """What a provider found at a consultation; the plan engine's input."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    height_cm = models.DecimalField(max_digits=5, decimal_places=1)
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1)
    weight_stable = models.BooleanField(
        default=True, help_text="Stable weight over the last 6 months."
    )
    goals = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [
            models.Index(fields=["patient", "-assessed_on"]),
            # The funnel counts assessments in a date range.
            models.Index(fields=["assessed_on"], name="assessment_on_idx"),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.patient} on {self.assessed_on:%Y-%m-%d}"

    @property
    def bmi(self) -> Decimal | None:
        if not self.height_cm or not self.weight_kg:
            return None
        # The engine's BMI, so the page shows the number the plan engine judges.
        return planning.bmi(Decimal(self.height_cm), Decimal(self.weight_kg))


class AssessmentArea(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("treatments.BodyArea", on_delete=models.PROTECT, related_name="+")
    pinch_mm = models.PositiveSmallIntegerField()
    size = models.CharField(max_length=10, choices=AreaSize.choices)
    consistency = models.CharField(max_length=10, choices=Consistency.choices)
    skin_laxity = models.CharField(max_length=10, choices=SkinLaxity.choices)
    # The treatment map, in centimetres on the area's body diagram (consultations.body_map):
    # the zone's corners [[x, y], ...] (drawn, or the rectangle of a typed width x height),
    # the typed size if any, and the applicators placed [{"applicator", "x", "y"}, ...].
    zone_points = models.JSONField(default=list, blank=True)
    zone_width_cm = models.DecimalField(
        "zone width (cm)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    zone_height_cm = models.DecimalField(
        "zone height (cm)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    placements = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["area__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="one_row_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area} — {self.pinch_mm} mm"

    @property
    def has_map(self) -> bool:
        return bool(self.zone_points or self.placements)


class ConditionAction(models.TextChoices):
    ADD = "add", "Added"
    CLEAR = "clear", "Cleared"


class AssessmentConditionChange(models.Model):
    """A provider adding a condition the intake missed, or clearing one it raised."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="condition_changes"
    )
    condition = models.ForeignKey(
        "treatments.Condition", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=5, choices=ConditionAction.choices)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.condition}"
