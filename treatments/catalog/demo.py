from django.apps import apps
from django.core.management import call_command

from treatments.catalog.seed import seed_all


def seed(stdout) -> None:
    """The catalog itself comes from the data migrations; this only restores it if a database
    was flushed, and adds the clinic's public holidays as closed days (before any demo plan
    or booking is made, so none lands on one). Idempotent."""
    seed_all(apps)
    stdout.write("Treatment catalog: ready (edit it in the admin).\n")
    call_command("seed_holidays", stdout=stdout)
