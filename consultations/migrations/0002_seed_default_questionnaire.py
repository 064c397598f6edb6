from django.db import migrations


def seed(apps, schema_editor):
    from consultations.migrations._seed import seed_default_questionnaire

    seed_default_questionnaire(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_patients_questionnaires_intakes"),
        ("treatments", "0002_seed_conditions_and_areas"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
