"""iCalendar (RFC 5545) files for appointments: a provider's feed and one .ics per session."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from icalendar import Calendar, Event

from treatments.appointments.models import Appointment, AppointmentStatus

PRODID = "-//Contour//Sessions//EN"


def _summary(appointment: Appointment, *, private: bool) -> str:
    plan = appointment.plan_session.plan
    patient = plan.patient
    # A feed lives in a phone's calendar app: initials only there; the full name in a
    # download a staff member made on purpose.
    who = f"{patient.first_name} {patient.last_name[:1]}." if private else patient.full_name
    return f"{plan.treatment.name} — session {appointment.plan_session.number} · {who}"


def _event(appointment: Appointment, *, private: bool, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{appointment.uid}@contour")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("summary", _summary(appointment, private=private))
    where = [str(x) for x in (appointment.room, appointment.device) if x]
    if where:
        event.add("location", ", ".join(where))
    event.add(
        "description",
        f"{settings.CLINIC_NAME}. With {appointment.provider.get_full_name() or appointment.provider.get_username()}.",
    )
    event.add(
        "status", "CANCELLED" if appointment.status == AppointmentStatus.CANCELLED else "CONFIRMED"
    )
    return event


def calendar_bytes(
    appointments: Iterable[Appointment], *, name: str, private: bool, stamp: datetime
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for appointment in appointments:
        cal.add_component(_event(appointment, private=private, stamp=stamp))
    return cal.to_ical()
