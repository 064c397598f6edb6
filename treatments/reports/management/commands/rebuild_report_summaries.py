"""`manage.py rebuild_report_summaries`: recompute the reports' running totals from the
appointments (after a restore, or a bulk change made outside the app)."""

from django.core.management.base import BaseCommand

from treatments.reports import summaries


class Command(BaseCommand):
    help = "Recompute the reports' weekly utilisation and daily attendance from the appointments."

    def handle(self, *args, **options):
        daily, weekly = summaries.rebuild()
        self.stdout.write(f"Report summaries rebuilt: {daily} daily and {weekly} weekly rows.")
