"""Pregnancy becomes a catalog flag on its condition (`blocks_treatment`), so services ask
the catalog rather than compare a condition code to the string "pregnancy"."""

from django.db import migrations, models

BLOCKING = ["pregnancy"]


def flag(apps, schema_editor):
    Condition = apps.get_model("treatments", "Condition")
    Condition.objects.filter(code__in=BLOCKING).update(blocks_treatment=True)


def unflag(apps, schema_editor):
    Condition = apps.get_model("treatments", "Condition")
    Condition.objects.filter(code__in=BLOCKING).update(blocks_treatment=False)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0008_plans_and_sessions_move_out")]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="blocks_treatment",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Pregnancy or breastfeeding: while a patient has this condition, no plan "
                    "can be offered, presented or signed."
                ),
                verbose_name="blocks every treatment",
            ),
        ),
        migrations.RunPython(flag, unflag),
    ]
