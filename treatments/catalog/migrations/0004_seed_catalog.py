from django.db import migrations

from treatments.catalog.migrations._seed import seed_catalog


def seed(apps, schema_editor):
    seed_catalog(apps)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0003_catalog")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
