"""Sessions: the clinic's resources and hours, appointments, session records and progress.

The `appointments` app's models. Their tables keep the `treatments_` names (db_table) from
when they lived in the treatments app. Other apps' models are referenced by string
("plans.PlanSession", "treatments.Treatment").
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.formats.display import clock, moment
from clinic.validators import NOTE_MAX
from treatments.catalog.models import WEEKDAYS

__all__ = [
    "ACTIVE_STATUSES",
    "HOLDS_SESSION",
    "Appointment",
    "AppointmentEvent",
    "AppointmentStatus",
    "Device",
    "OpeningHours",
    "OutcomeWarning",
    "ProgressPhoto",
    "ProviderHours",
    "ProviderProfile",
    "Room",
    "TreatedArea",
]


def new_ical_token() -> str:
    return secrets.token_urlsafe(32)


class HoursBase(models.Model):
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        abstract = True
        ordering = ["weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {clock(self.starts)}-{clock(self.ends)}"


class OpeningHours(HoursBase):
    """When the clinic is open on a weekday. Several rows make a lunch break; a weekday with
    no row is closed. Single closed dates are `ClinicClosure` rows (the catalog's)."""

    class Meta(HoursBase.Meta):
        db_table = "treatments_openinghours"
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="opening_hours_end_after_start"
            )
        ]


class Room(models.Model):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True, help_text="Inactive rooms are not booked.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "treatments_room"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Device(models.Model):
    """A machine that can only be in one place at a time (a cryolipolysis unit, a laser)."""

    name = models.CharField(max_length=100, unique=True)
    serial_number = models.CharField(max_length=100, blank=True)
    treatments = models.ManyToManyField(
        "treatments.Treatment",
        related_name="devices",
        help_text="Treatments it serves.",
        db_table="treatments_device_treatments",
    )
    active = models.BooleanField(default=True, help_text="Inactive devices are not booked.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "treatments_device"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ProviderProfile(models.Model):
    """A staff user who performs treatments: which ones, and when they work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_profile"
    )
    treatments = models.ManyToManyField(
        "treatments.Treatment",
        related_name="provider_profiles",
        help_text="Treatments this provider may perform.",
        db_table="treatments_providerprofile_treatments",
    )
    active = models.BooleanField(default=True, help_text="Inactive providers are not booked.")
    ical_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_ical_token,
        editable=False,
        help_text="Secret part of the provider's calendar feed URL.",
    )

    class Meta:
        db_table = "treatments_providerprofile"
        ordering = ["user__first_name", "user__last_name", "user__username"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ProviderHours(HoursBase):
    profile = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="hours")

    class Meta(HoursBase.Meta):
        db_table = "treatments_providerhours"
        verbose_name = "working hours"
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="provider_hours_end_after_start"
            )
        ]


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    DONE = "done", "Done"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


# Appointments that hold their provider, room and device; a cancelled one frees them.
ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.DONE, AppointmentStatus.NO_SHOW)
# Appointments that stand for their plan session; after a no-show or a cancellation the
# session is booked again (the old appointment stays as history).
HOLDS_SESSION = (AppointmentStatus.BOOKED, AppointmentStatus.DONE)


class Appointment(models.Model):
    """One booked session of a plan, and — once it happened — what was done."""

    plan_session = models.ForeignKey(
        "plans.PlanSession", on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    status_reason = models.TextField(
        blank=True, max_length=1000, help_text="Why it was cancelled or last moved."
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    aftercare_sent_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    # The session record (filled by the provider).
    intake_reconfirmed = models.BooleanField(
        default=False, help_text="The patient confirmed their intake answers still hold."
    )
    intake_changes = models.TextField(
        blank=True, max_length=NOTE_MAX, help_text="What changed since the intake."
    )
    side_effects = models.TextField(blank=True, max_length=NOTE_MAX)
    notes = models.TextField(blank=True, max_length=NOTE_MAX)
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(30, "Weight must be at least 30 kg."),
            MaxValueValidator(300, "Weight must be at most 300 kg."),
        ],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "treatments_appointment"
        ordering = ["start"]
        permissions = [
            ("book_appointment", "Can book, move and cancel sessions"),
            ("record_session", "Can record sessions and progress"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="appointment_end_after_start"
            ),
            # A session of a plan is booked once at a time (cancelled ones stay as history).
            models.UniqueConstraint(
                fields=["plan_session"],
                condition=Q(status__in=["booked", "done"]),
                name="one_active_appointment_per_session",
                violation_error_message="This session is already booked.",
            ),
        ]
        indexes = [
            models.Index(fields=["start"], name="appointment_start_idx"),
            models.Index(fields=["provider", "start"], name="appointment_provider_idx"),
            # A room's or a device's calendar reads its range of days, not all its history.
            models.Index(fields=["room", "start"], name="appointment_room_start_idx"),
            models.Index(fields=["device", "start"], name="appointment_device_start_idx"),
        ]

    def __str__(self) -> str:
        return f"Session {self.plan_session.number} · {moment(self.start)}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AppointmentEvent(models.Model):
    """The appointment's history: booked, moved (from when to when, why), cancelled,
    recorded. Never edited; the appointment row holds only the current state."""

    BOOKED, MOVED, CANCELLED, RECORDED = "booked", "moved", "cancelled", "recorded"
    KINDS = [(BOOKED, "Booked"), (MOVED, "Moved"), (CANCELLED, "Cancelled"), (RECORDED, "Recorded")]

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=KINDS)
    detail = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "treatments_appointmentevent"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {moment(self.at)}"


class TreatedArea(models.Model):
    """What was done to one area in a session."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, related_name="treated_areas"
    )
    area = models.ForeignKey("treatments.BodyArea", on_delete=models.PROTECT, related_name="+")
    vials = models.PositiveSmallIntegerField(null=True, blank=True)
    lot_numbers = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")
    volume_ml = models.DecimalField(
        "volume (mL)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    cycles = models.PositiveSmallIntegerField(null=True, blank=True)
    applicators = models.PositiveSmallIntegerField(null=True, blank=True)
    pinch_mm = models.DecimalField(
        "pinch (mm)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "A pinch is at least 1 mm."),
            MaxValueValidator(150, "A pinch is at most 150 mm."),
        ],
    )
    notes = models.CharField(max_length=300, blank=True)
    # The treatment map: the plan's map of this area as planned (a copy, never edited), and
    # what was actually done on it: the injection sites given and the applicators placed.
    planned_map = models.JSONField(default=dict, blank=True)
    sites_injected = models.PositiveSmallIntegerField(null=True, blank=True)
    placements_done = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "treatments_treatedarea"
        ordering = ["area__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "area"], name="one_record_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area} in {self.appointment}"


def photo_path(instance: ProgressPhoto, filename: str) -> str:
    # Never the uploaded name: it may hold the patient's name, and must not be guessable.
    return f"progress/{instance.appointment_id}/{uuid.uuid4().hex}.{instance.extension}"


class ProgressPhoto(models.Model):
    BEFORE, AFTER = "before", "after"
    KINDS = [(BEFORE, "Before"), (AFTER, "After")]

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="photos")
    area = models.ForeignKey(
        "treatments.BodyArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=KINDS, default=BEFORE)
    image = models.FileField(upload_to=photo_path)
    extension = models.CharField(max_length=5)
    content_type = models.CharField(max_length=50)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "treatments_progressphoto"
        ordering = ["appointment__start", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} photo, {self.appointment}"


class OutcomeWarning(models.Model):
    """A course's measured result a provider should look at (treatments.engine.outcomes: a
    possible non-responder, possible paradoxical adipose hyperplasia). Raised and refreshed
    when a session is recorded; shown on the patient page and the dashboard until a provider
    marks it reviewed (who and when stay on the row)."""

    NON_RESPONDER, PAH = "non_responder", "pah"
    KINDS = [
        (NON_RESPONDER, "Possible non-responder"),
        (PAH, "Possible paradoxical adipose hyperplasia"),
    ]

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="outcome_warnings"
    )
    area = models.ForeignKey("treatments.BodyArea", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=KINDS)
    message = models.TextField()
    measured_on = models.DateField(help_text="The measurement that raised it.")
    raised_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "pk"]
        permissions = [("review_outcomewarning", "Can mark outcome warnings reviewed")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "area", "kind"], name="one_outcome_warning_per_area_and_kind"
            )
        ]
        indexes = [
            models.Index(
                fields=["-raised_at"],
                condition=Q(reviewed_at__isnull=True),
                name="outcome_warning_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.area}"

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None
