"""Validators every app's forms share: dates a clinic can use, one-line text.

Dates outside 1900-2199 are refused where they are typed: a date picker never offers them,
and further out the calendar arithmetic around them (a week's Monday, the next week) falls
off the ends of Python's dates.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)
DATE_RANGE_MESSAGE = (
    f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}, as YYYY-MM-DD."
)

# The longest free text kept in a note-like field (a page of text): one answer cannot swamp a
# record, a page or a printed document.
NOTE_MAX = 5000

_LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def is_plausible_date(value: datetime.date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def validate_plausible_date(value: datetime.date) -> None:
    if not is_plausible_date(value):
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")


def parse_plausible_date(text: str) -> datetime.date | None:
    """An ISO date inside the range, or None."""
    try:
        value = datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return value if is_plausible_date(value) else None


def validate_single_line(value: str) -> None:
    """Names and other one-line values: no line breaks, tabs or control characters (they
    break headers, file names and printed documents)."""
    if _LINE_BREAK_OR_CONTROL.search(value or ""):
        raise ValidationError("Use a single line, without line breaks or tabs.", code="one_line")


class PlausibleDateField(forms.DateField):
    """A date field that refuses dates outside EARLIEST_DATE..LATEST_DATE."""

    default_validators = [validate_plausible_date]

    def __init__(self, **kwargs):
        attrs = {"type": "date", "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs, format="%Y-%m-%d"))
        super().__init__(**kwargs)
