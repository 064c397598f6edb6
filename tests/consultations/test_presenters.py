"""The patient list's finished strings match what the template tags printed before."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from consultations import presenters, selectors
from tests.consultations.factories import IntakeFactory, PatientFactory


def test_dates_read_as_the_templates_date_filter_did():
    day = datetime.date(1985, 3, 5)
    assert presenters.short_date(day) == Template('{{ d|date:"M j, Y" }}').render(
        Context({"d": day})
    )
    at = timezone.make_aware(datetime.datetime(2026, 11, 9, 23, 30))
    assert presenters.month_day(at) == Template('{{ d|date:"M j" }}').render(Context({"d": at}))


def test_phone_numbers_in_national_format_and_odd_ones_as_stored():
    assert presenters.national_phone("+14155550123") == "(415) 555-0123"
    assert presenters.national_phone("+442079460000") == "020 7946 0000"
    assert presenters.national_phone("not a number") == "not a number"
    assert presenters.national_phone("") == ""


@pytest.mark.django_db
def test_rows_link_each_patient_and_say_where_the_intake_stands(clinic_admin):
    patient = PatientFactory(last_name="Reyes", first_name="Dana", phone="+14155550123")
    IntakeFactory(patient=patient)
    (row,) = presenters.patient_rows(selectors.patient_page(user=clinic_admin).rows)
    assert row.url == f"/patients/{patient.pk}/"
    assert (row.name, row.phone) == ("Reyes, Dana", "(415) 555-0123")
    assert row.intake.startswith(("Link sent", "Submitted"))
