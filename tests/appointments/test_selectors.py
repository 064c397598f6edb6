"""treatments.appointments.selectors: the slot finder's snapshot and the patient timeline."""

import datetime

import pytest

from treatments.appointments import services as svc
from treatments.appointments.selectors import clinic_snapshot
from treatments.catalog.models import ClinicClosure
from treatments.engine import slots as scheduling

from .factories import accepted_plan, next_monday, setup_clinic

pytestmark = pytest.mark.django_db


def test_clinic_snapshot_reads_everything_in_a_fixed_number_of_queries(
    provider, front_desk, django_assert_num_queries
):
    setup_clinic(provider)
    monday = next_monday()
    ClinicClosure.objects.create(date=monday + datetime.timedelta(days=2), reason="Holiday")
    for _ in range(3):
        svc.appointment_book_course(plan=accepted_plan(start=monday, sessions=1), by=front_desk)
    # 1 catalog settings (closed weekdays), 2 opening hours, 3 closures, 4 providers with
    # their users, 5 their treatments, 6 their working hours, 7 rooms, 8 devices, 9 their
    # treatments, 10 the active appointments overlapping the days
    with django_assert_num_queries(10):
        clinic = clinic_snapshot(first_day=monday, last_day=monday + datetime.timedelta(days=6))
    assert {h.weekday for h in clinic.opening} == {0, 1, 2, 3, 4, 5}
    assert clinic.closed_dates == {monday + datetime.timedelta(days=2)}
    assert clinic.providers[0].treatments >= {"cryolipolysis", "deoxycholic_injection"}
    assert len([b for b in clinic.busy if b.kind == scheduling.PROVIDER]) == 3
    assert {d.name for d in clinic.devices} == {"Cool 1", "Laser 1"}


def test_sessions_appear_on_the_patient_timeline(provider, front_desk):
    from consultations.selectors import patient_timeline

    setup_clinic(provider)
    plan = accepted_plan(sessions=2)
    first, _ = svc.appointment_book_course(plan=plan, by=front_desk)
    svc.appointment_cancel(appointment=first, reason="Flu", by=front_desk)
    titles = [e.title for e in patient_timeline(patient=plan.patient, intakes=[])]
    assert "Session 1 booked" in titles and "Session 1 cancelled" in titles
