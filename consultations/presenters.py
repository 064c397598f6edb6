"""Rows of the staff lists as finished strings: the template only places them. A list page
renders 25 rows on every visit, and Django's template tags (`url`, `date`, a phone number's
formatting) cost more per row than the row's query."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import phonenumbers
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class PatientRow:
    url: str
    name: str
    date_of_birth: str
    email: str
    phone: str
    intake: str  # the badge's words, or "" when no link was sent yet
    intake_submitted: bool


def short_date(value: date) -> str:
    """ "Mar 5, 1985": the `date:"M j, Y"` of the templates."""
    return f"{value:%b} {value.day}, {value.year}"


def month_day(value: datetime) -> str:
    """ "Mar 5", in the clinic's time zone."""
    local = timezone.localtime(value)
    return f"{local:%b} {local.day}"


@functools.lru_cache(maxsize=4096)
def national_phone(stored: str) -> str:
    """A stored (E.164) number in the clinic's national format; as stored if it will not
    parse."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def patient_rows(patients: Iterable) -> list[PatientRow]:
    """The patient list's rows (from `selectors.patient_page`)."""
    marker = 999_999_999
    detail = reverse("consultations:patient-detail", args=[marker])
    head, tail = detail.split(str(marker))
    rows = []
    for p in patients:
        if p.last_intake_submitted:
            intake = f"Submitted {month_day(p.last_intake_submitted)}"
        elif p.last_intake_sent:
            intake = f"Link sent {month_day(p.last_intake_sent)}"
        else:
            intake = ""
        rows.append(
            PatientRow(
                url=f"{head}{p.pk}{tail}",
                name=f"{p.last_name}, {p.first_name}",
                date_of_birth=short_date(p.date_of_birth) if p.date_of_birth else "",
                email=p.email,
                phone=national_phone(p.phone_text or ""),
                intake=intake,
                intake_submitted=bool(p.last_intake_submitted),
            )
        )
    return rows
