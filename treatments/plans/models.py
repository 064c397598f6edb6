"""Plans, their sessions and prices as they were made, and the patient's consent to them.

A plan is a snapshot: prices, rules and the engine version are copied in, so later catalog
changes never alter it. The tables keep the names they had before this app existed (they
were created by the `treatments` and `consultations` apps).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.validators import NOTE_MAX
from consultations.models import new_token

# --- Plans (snapshots; issue 5 creates them, issue 6 books their sessions) -------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PRESENTED = "presented", "Presented"
    ACCEPTED = "accepted", "Accepted"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class Plan(models.Model):
    """A treatment plan as it was made: prices, rules and engine version are copied in, so
    later catalog changes never alter it."""

    patient = models.ForeignKey(
        "consultations.Patient", on_delete=models.PROTECT, related_name="plans"
    )
    assessment = models.ForeignKey(
        "consultations.Assessment",
        on_delete=models.PROTECT,
        related_name="plans",
        null=True,
        blank=True,
    )
    treatment = models.ForeignKey(
        "treatments.Treatment", on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    engine_version = models.CharField(max_length=40)
    currency = models.CharField(max_length=3)
    start_date = models.DateField()
    goal_pinch_mm = models.PositiveSmallIntegerField()
    option = models.JSONField(default=dict, help_text="The engine's option as chosen.")
    excluded = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    extra_discount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    extra_discount_reason = models.CharField(max_length=300, blank=True)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    deposit = models.DecimalField(max_digits=10, decimal_places=2)
    payment_plans = models.JSONField(default=list)
    downtime_days = models.PositiveSmallIntegerField(default=0)
    results_from = models.DateField(null=True, blank=True)
    final_results_by = models.DateField(null=True, blank=True)
    # Kept apart because a quote is handed to the patient: internal notes are for clinical
    # staff only and never printed; patient notes are printed on the quote and its PDF.
    internal_notes = models.TextField(
        blank=True,
        max_length=NOTE_MAX,
        help_text="For clinical staff only; never printed or shown to the front desk.",
    )
    patient_notes = models.TextField(
        blank=True, max_length=NOTE_MAX, help_text="Printed on the patient's quote and its PDF."
    )
    valid_until = models.DateField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "treatments_plan"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["patient", "-created_at"]),
            # The plans to book, earliest start first (keyset pages): only bookable plans.
            models.Index(
                fields=["start_date", "id"],
                condition=models.Q(status__in=["accepted", "in_progress"]),
                name="plan_bookable_start_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treatment} plan for {self.patient}"


class PlanSession(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    planned_date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    areas = models.JSONField(default=list, help_text='[{"area", "units", "unit"}]')

    class Meta:
        db_table = "treatments_plansession"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_session_number_per_plan")
        ]

    def __str__(self) -> str:
        return f"Session {self.number} of {self.plan}"


class PlanLineItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="line_items")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=40, blank=True)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        db_table = "treatments_planlineitem"
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.description


class PlanChangeKind(models.TextChoices):
    """What a row of a plan's history records, so readers never parse its note."""

    STATUS = "status", "Status change"
    ADJUSTED = "adjusted", "Adjusted"  # a draft's schedule or price changed; the status did not
    SUPERSEDED = "superseded", "Superseded"  # cancelled because a new draft replaces the plan


class PlanStatusChange(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_changes")
    kind = models.CharField(
        max_length=12, choices=PlanChangeKind.choices, default=PlanChangeKind.STATUS
    )
    from_status = models.CharField(max_length=12, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PlanStatus.choices)
    # A staff member, or nobody when the patient (or a guardian) acted alone, e.g. signed
    # through a link: then `by_name` says who, so the history never credits the link's sender.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    by_name = models.CharField(
        max_length=300, blank=True, help_text="Who acted when it was not (only) a staff member."
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, max_length=2000)
    # The plan's treatment and total when the change was made (copied on save): what the
    # business report counts as presented, accepted or completed that month. A fact of the
    # event, so a later adjustment of the plan does not rewrite what was presented.
    treatment = models.ForeignKey(
        "treatments.Treatment", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    plan_total = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "treatments_planstatuschange"
        ordering = ["at"]
        # The reports read changes by date.
        # (covering on PostgreSQL: the funnel reads the index alone).
        indexes = [
            models.Index(
                fields=["at"],
                include=["kind", "to_status", "plan"],
                name="plan_change_at_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.plan_total is None and self.plan_id is not None:
            self.plan_total = self.plan.total
            self.treatment_id = self.plan.treatment_id
        super().save(*args, **kwargs)

    @property
    def actor(self) -> str:
        """Who made the change, as the history and the timeline say it."""
        staff = (self.by.get_full_name() or self.by.get_username()) if self.by else ""
        if self.by_name and staff:
            return f"{self.by_name}, witnessed by {staff}"
        return self.by_name or staff


# --- Consent (issue 5) ---------------------------------------------------------------------


class ConsentText(models.Model):
    """What a patient reads and signs before a treatment. Versioned per treatment: a saved
    version is never edited, an edit in the admin saves the next version, and each signed
    consent keeps the version it signed."""

    # A treatment that can be deleted at all (no plans) takes its texts with it; signed texts
    # are protected by PlanConsent.
    treatment = models.ForeignKey(
        "treatments.Treatment", on_delete=models.CASCADE, related_name="consent_texts"
    )
    version = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "consultations_consenttext"
        ordering = ["treatment__sort_order", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["treatment", "version"], name="one_consent_version_per_treatment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class ConsentChannel(models.TextChoices):
    TABLET = "tablet", "On the clinic's tablet"
    LINK = "link", "Through a link"


class SignerRole(models.TextChoices):
    PATIENT = "patient", "The patient"
    GUARDIAN = "guardian", "A guardian or representative of the patient"


class PlanConsent(models.Model):
    """A patient's signed consent to a plan, with the exact text they read. The typed name is
    the patient's, or a guardian's with how they are related to the patient."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="consents")
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    text_version = models.PositiveIntegerField()
    text_body = models.TextField(help_text="The text exactly as the patient read it.")
    full_name = models.CharField(max_length=200)
    signer_role = models.CharField(
        max_length=10, choices=SignerRole.choices, default=SignerRole.PATIENT
    )
    guardian_relationship = models.CharField(
        max_length=100, blank=True, help_text="How a guardian is related to the patient."
    )
    signature = models.TextField(help_text="The drawn signature as a PNG data URL.")
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    channel = models.CharField(
        max_length=10, choices=ConsentChannel.choices, default=ConsentChannel.TABLET
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "consultations_planconsent"
        ordering = ["-signed_at"]
        permissions = [("record_consent", "Can record a patient's consent on the tablet")]

    def __str__(self) -> str:
        return f"Consent of {self.full_name} to {self.plan}"


class ConsentLink(models.Model):
    """A link for the patient to read and sign the consent on their own device, like the
    intake link: unguessable, expiring, revocable, and closed once signed."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="consent_links")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "consultations_consentlink"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Consent link for {self.plan}"

    def is_open_at(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
