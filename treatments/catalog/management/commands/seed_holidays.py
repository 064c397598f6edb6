"""`manage.py seed_holidays [--years N]`: the clinic's public holidays as closed days.

Safe to run repeatedly (e.g. yearly from cron, or at every deploy): a year already seeded is
left as the clinic edited it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from treatments.catalog.services import HOLIDAY_YEARS, closures_seed_holidays, holiday_years


class Command(BaseCommand):
    help = (
        "Add the public holidays of CLINIC_COUNTRY (and CLINIC_SUBDIVISION) as closed days, "
        "for this year and the next ones; years already seeded are left as the clinic edited them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=HOLIDAY_YEARS,
            help=f"how many years, from this one (default {HOLIDAY_YEARS})",
        )

    def handle(self, *args, years: int, **options):
        if not 1 <= years <= 20:
            raise CommandError("--years must be between 1 and 20.")
        country, subdivision = settings.CLINIC_COUNTRY, settings.CLINIC_SUBDIVISION
        if not country:
            self.stdout.write("Public holidays: CLINIC_COUNTRY is empty, so none were added.\n")
            return
        span = holiday_years(today=timezone.localdate(), count=years)
        try:
            added = closures_seed_holidays(country=country, subdivision=subdivision, years=span)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        region = f"{country}-{subdivision}" if subdivision else country
        self.stdout.write(
            f"Public holidays ({region}, {span[0]} to {span[-1]}): {added} closed day(s) added; "
            "edit or delete them in the admin (Clinic closures).\n"
        )
