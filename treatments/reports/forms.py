from datetime import date, timedelta

from django import forms

from clinic.validators import PlausibleDateField
from treatments.reports.selectors import Period

LONGEST = timedelta(days=731)


class PeriodForm(forms.Form):
    """The date range of a report. Bad dates get a message beside the field, never a 500."""

    first = PlausibleDateField(
        label="From",
        required=False,
        error_messages={"invalid": "Enter a date like 2026-06-01."},
    )
    last = PlausibleDateField(
        label="To",
        required=False,
        error_messages={"invalid": "Enter a date like 2026-06-30."},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default = Period.default(self.today)
        first = data.get("first") or default.first
        last = data.get("last") or default.last
        if last < first:
            self.add_error("last", "The end date must be on or after the start date.")
        elif last - first > LONGEST:
            self.add_error("last", "Choose a range of at most two years.")
        else:
            data["period"] = Period(first, last)
        return data
