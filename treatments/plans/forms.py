"""Forms for the plan workflow: choosing an option, adjusting a draft, changing its status
and signing the consent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import authenticate

from clinic.validators import NOTE_MAX, PlausibleDateField, validate_single_line
from treatments.plans.models import PlanStatus, SignerRole

GOAL_MIN_MM, GOAL_MAX_MM = 5, 100


class PlanOptionForm(forms.Form):
    """The options page's query (a goal pinch) and, on POST, the option chosen. Always
    valid: a goal that is not a number from 5 to 100 mm falls back quietly to the catalog's,
    and an unknown treatment is refused by the service."""

    treatment = forms.CharField(required=False)
    goal = forms.CharField(required=False)

    def clean_goal(self) -> Decimal | None:
        try:
            goal = Decimal(self.cleaned_data["goal"])
        except (InvalidOperation, ValueError):
            return None
        return goal if goal.is_finite() and GOAL_MIN_MM <= goal <= GOAL_MAX_MM else None


class PlanStatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=PlanStatus.choices)
    note = forms.CharField(required=False, strip=False)


class AdjustPlanForm(forms.Form):
    """Built for one plan: a date field per session and a units field per area. Range
    checks against the catalog happen in the service (treatments.engine.adjustments)."""

    session_count = forms.IntegerField(label="Sessions", min_value=1, max_value=12)
    start_date = PlausibleDateField(label="Start")
    extra_discount = forms.DecimalField(
        label="Discount", required=False, min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    extra_discount_reason = forms.CharField(
        label="Reason for the discount", required=False, max_length=300
    )
    internal_notes = forms.CharField(
        label="Internal notes (clinical staff only, never printed)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    patient_notes = forms.CharField(
        label="Notes for the patient (printed on the quote)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        sessions = list(plan.sessions.all())
        units: dict[str, int] = {}
        for session in sessions:
            for area in session.areas:
                units.setdefault(area["area"], int(area["units"]))
        names = plan.option.get("area_names", {})
        unit = plan.option.get("spec", {}).get("unit_plural", "units")
        initial = {
            "session_count": len(sessions),
            "start_date": plan.start_date,
            "extra_discount": plan.extra_discount or None,
            "extra_discount_reason": plan.extra_discount_reason,
            "internal_notes": plan.internal_notes,
            "patient_notes": plan.patient_notes,
        }
        for session in sessions:
            initial[f"date_{session.number}"] = session.planned_date
        for area, count in units.items():
            initial[f"units_{area}"] = count
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for session in sessions:
            self.fields[f"date_{session.number}"] = PlausibleDateField(
                label=f"Session {session.number}", required=False
            )
        for area in units:
            self.fields[f"units_{area}"] = forms.IntegerField(
                label=f"{names.get(area, area)} ({unit} per session)", min_value=0, max_value=50
            )
        self.date_fields = [self[f"date_{s.number}"] for s in sessions]
        self.unit_fields = [self[f"units_{a}"] for a in units]
        self.areas = list(units)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "session_count": data["session_count"],
            "start_date": data["start_date"],
            "dates": [data.get(f.name) for f in self.date_fields],
            "units": {a: data[f"units_{a}"] for a in self.areas},
            "extra_discount": data.get("extra_discount"),
            "extra_discount_reason": data.get("extra_discount_reason", ""),
            "internal_notes": data.get("internal_notes", ""),
            "patient_notes": data.get("patient_notes", ""),
        }


class ConsentForm(forms.Form):
    consent_text_id = forms.IntegerField(widget=forms.HiddenInput)
    full_name = forms.CharField(
        label="Your full name", max_length=200, validators=[validate_single_line]
    )
    for_patient = forms.BooleanField(
        label="I am signing for the patient, as their guardian or representative", required=False
    )
    guardian_relationship = forms.CharField(
        label="Your relationship to the patient (e.g. parent, legal guardian)",
        max_length=100,
        required=False,
        validators=[validate_single_line],
    )
    # A drawn signature is a small PNG; this bounds a hand-made one.
    signature = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=500_000,
        error_messages={"max_length": "The signature is too large; clear it and sign again."},
    )
    agree = forms.BooleanField(
        label="I have read and understood this consent and my treatment plan.",
        error_messages={"required": "Tick the box to confirm you have read the consent."},
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        guardian = data["for_patient"]
        return {
            "full_name": data["full_name"],
            "signature": data["signature"] or "",
            "consent_text_id": data["consent_text_id"],
            "signer_role": SignerRole.GUARDIAN if guardian else SignerRole.PATIENT,
            "guardian_relationship": data["guardian_relationship"] if guardian else "",
        }


class StaffReturnForm(forms.Form):
    """The staff member who handed the tablet over takes it back: their password again, so
    the patient holding it cannot leave the thank-you screen for staff pages."""

    password = forms.CharField(
        label="Staff password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, request=None, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        again = authenticate(self.request, username=self.user.get_username(), password=password)
        if again is None or again.pk != self.user.pk:
            raise forms.ValidationError("That is not your password. Try again.")
        return password
