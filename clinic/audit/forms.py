from django import forms

from clinic.audit import selectors
from clinic.validators import PlausibleDateField


class AuditSearchForm(forms.Form):
    patient = forms.CharField(
        required=False, max_length=100, help_text="A name, email, date of birth or record number."
    )
    user = forms.CharField(required=False, max_length=150, label="Staff user")
    since = PlausibleDateField(required=False, label="From")
    until = PlausibleDateField(required=False, label="To")
    kind = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Record")
    action = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any"), *((v, k.capitalize()) for k, v in selectors.ACTIONS.items())],
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any")] + [
            (ct.pk, f"{ct.app_label} · {ct.name}") for ct in kinds
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the range is before its start.")
        for name in ("patient", "user"):
            if "\x00" in (cleaned.get(name) or ""):
                self.add_error(name, "Remove the control character.")
        return cleaned
