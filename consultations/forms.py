"""Staff forms: validation and layout only; views hand `cleaned_data` to a service."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from phonenumber_field.formfields import PhoneNumberField

from consultations.models import Patient

OLDEST_AGE = 120
CONTACT_REQUIRED = "Give an email address or a phone number so the clinic can reach the patient."


def check_date_of_birth(value: datetime.date, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if value > today:
        raise forms.ValidationError("The date of birth cannot be in the future.")
    if value.year < today.year - OLDEST_AGE:
        raise forms.ValidationError(
            f"That would make the patient over {OLDEST_AGE}; check the year."
        )


class PatientForm(forms.ModelForm):
    phone = PhoneNumberField(
        required=False,
        help_text="With the country code unless the number is local, e.g. +1 415 555 0100.",
        error_messages={"invalid": "Enter a valid phone number, e.g. +1 415 555 0100."},
    )
    emergency_contact_phone = PhoneNumberField(
        required=False,
        label="Emergency contact phone",
        error_messages={"invalid": "Enter a valid phone number, e.g. +1 415 555 0100."},
    )
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person: create the record anyway.",
    )

    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "preferred_contact",
            "address",
            "emergency_contact_name",
            "emergency_contact_phone",
            "notes",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"date_of_birth": "Date of birth", "emergency_contact_name": "Emergency contact"}

    def __init__(self, *args, ask_duplicate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["sex"].choices = [("", "Choose…"), *self.fields["sex"].choices[1:]]
        if not ask_duplicate:
            del self.fields["confirm_duplicate"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Patient",
                Row(
                    Column("first_name", css_class="col-md-6"),
                    Column("last_name", css_class="col-md-6"),
                ),
                Row(
                    Column("date_of_birth", css_class="col-md-6"),
                    Column("sex", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                "Contact",
                Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
                "preferred_contact",
                "address",
                Row(
                    Column("emergency_contact_name", css_class="col-md-6"),
                    Column("emergency_contact_phone", css_class="col-md-6"),
                ),
            ),
            Fieldset("Anything else", "notes"),
            *(["confirm_duplicate"] if ask_duplicate else []),
        )

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        check_date_of_birth(value)
        return value

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        contact_errors = {"email", "phone"} & set(self.errors)
        if not data.get("email") and not data.get("phone") and not contact_errors:
            self.add_error("email", CONTACT_REQUIRED)
        preferred = data.get("preferred_contact")
        if preferred in ("phone", "sms") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("preferred_contact", "There is no phone number to call or text.")
        if (
            preferred == "email"
            and not data.get("email")
            and data.get("phone")
            and not contact_errors
        ):
            self.add_error("preferred_contact", "There is no email address to write to.")
        return data


class PatientApiForm(PatientForm):
    """The API's subset of fields, with the same rules."""

    class Meta(PatientForm.Meta):
        fields = ["first_name", "last_name", "date_of_birth", "sex", "email", "phone"]


class IntakeLinkForm(forms.Form):
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=90, label="Link open for (days)", required=False
    )
