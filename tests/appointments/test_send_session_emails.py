"""manage.py send_session_emails: safe to run every few minutes."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from .factories import accepted_plan, appointment_at, setup_clinic

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("send_session_emails", stdout=out)
    return out.getvalue()


def test_running_twice_sends_each_reminder_once(provider, settings):
    settings.SESSION_REMINDER_HOURS = 48
    setup_clinic(provider)
    for hours in (2, 30, 60):
        appointment_at(
            accepted_plan(sessions=1).sessions.get(),
            timezone.now() + datetime.timedelta(hours=hours),
            provider=provider,
        )
    assert run().startswith("Sent 2 reminder(s) and 0 aftercare email(s).")
    assert run().startswith("Sent 0 reminder(s)")
    assert len(mail.outbox) == 2
    assert all("reminder" in m.body for m in mail.outbox)


def test_session_emails_come_from_the_clinic_and_say_how_to_reach_it(provider, settings):
    settings.CLINIC_NAME = "Back Bay Contour"
    settings.CLINIC_PHONE = "(555) 010-2000"
    settings.CLINIC_EMAIL = "hello@clinic.example"
    setup_clinic(provider)
    appointment_at(
        accepted_plan(sessions=1).sessions.get(),
        timezone.now() + datetime.timedelta(hours=2),
        provider=provider,
    )
    run()
    [reminder] = mail.outbox
    assert reminder.from_email == "Back Bay Contour <hello@clinic.example>"
    assert "Phone: (555) 010-2000" in reminder.body
    assert "Email: hello@clinic.example" in reminder.body
