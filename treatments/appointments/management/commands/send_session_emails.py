"""Reminders before sessions and aftercare after them. Safe to run every few minutes (cron):
each appointment is claimed with a conditional UPDATE before its email is sent, so two runs,
even at the same time, never send the same email twice."""

from django.core.management.base import BaseCommand

from treatments.appointments.services import send_session_emails


class Command(BaseCommand):
    help = "Email session reminders (SESSION_REMINDER_HOURS ahead) and aftercare instructions."

    def handle(self, *args, **options):
        result = send_session_emails()
        self.stdout.write(
            f"Sent {result.reminders} reminder(s) and {result.aftercare} aftercare email(s)"
            + (f"; {result.failed} failed and will be retried." if result.failed else ".")
        )
