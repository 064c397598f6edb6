from django.db import migrations


def seed(apps, schema_editor):
    from consultations.migrations._consent_seed import seed_consent_texts

    seed_consent_texts(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0004_consent"),
        ("treatments", "0004_seed_catalog"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
