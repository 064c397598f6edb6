from django.apps import apps


def seed(stdout) -> None:
    """Demo rows for this app; idempotent. The catalog itself comes from the data migration;
    this only restores it if a database was flushed."""
    from treatments.seed import seed_all

    seed_all(apps)
    stdout.write("Treatment catalog: ready (edit it in the admin).\n")
