from django.db import migrations

from treatments.catalog.migrations._seed import seed_body_areas, seed_conditions


def seed(apps, schema_editor):
    seed_conditions(apps)
    seed_body_areas(apps)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0001_catalog_base")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
