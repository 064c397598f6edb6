"""The consent models move to the `plans` app (plans/0001 takes them over). State only: the
tables, rows, constraints and permissions stay where they are."""

from django.db import migrations, models

import consultations.models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_seed_consent_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="consenttext",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="consenttext",
                    name="treatment",
                ),
                migrations.RemoveField(
                    model_name="planconsent",
                    name="consent_text",
                ),
                migrations.RemoveField(
                    model_name="planconsent",
                    name="plan",
                ),
                migrations.RemoveField(
                    model_name="planconsent",
                    name="witnessed_by",
                ),
                migrations.AlterField(
                    model_name="intake",
                    name="token",
                    field=models.CharField(
                        default=consultations.models.new_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                migrations.DeleteModel(
                    name="ConsentLink",
                ),
                migrations.DeleteModel(
                    name="ConsentText",
                ),
                migrations.DeleteModel(
                    name="PlanConsent",
                ),
            ],
        ),
    ]
