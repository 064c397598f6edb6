from django.apps import apps

from treatments.catalog.seed import seed_all


def seed(stdout) -> None:
    """The catalog itself comes from the data migrations; this only restores it if a database
    was flushed. Idempotent."""
    seed_all(apps)
    stdout.write("Treatment catalog: ready (edit it in the admin).\n")
