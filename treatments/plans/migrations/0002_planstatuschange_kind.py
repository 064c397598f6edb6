"""A plan's history rows say what they record (`kind`), so the timeline stops reading notes.

Rows written before this migration only said it in their note, in the words the services
used: "Adjusted: ..." for a draft's adjustment (which never changes the status) and
"Superseded by plan N" for a plan cancelled because a new draft replaced it."""

from django.db import migrations, models
from django.db.models import F

ADJUSTED_PREFIX = "Adjusted"
SUPERSEDED_PREFIX = "Superseded by plan"


def backfill_kinds(apps, schema_editor):
    PlanStatusChange = apps.get_model("plans", "PlanStatusChange")
    # An adjustment records the plan's status as both ends; a note alone could be anyone's.
    PlanStatusChange.objects.filter(
        note__startswith=ADJUSTED_PREFIX, to_status=F("from_status")
    ).update(kind="adjusted")
    PlanStatusChange.objects.filter(
        note__startswith=SUPERSEDED_PREFIX, to_status="cancelled"
    ).update(kind="superseded")


def forget_kinds(apps, schema_editor):
    PlanStatusChange = apps.get_model("plans", "PlanStatusChange")
    PlanStatusChange.objects.exclude(kind="status").update(kind="status")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="planstatuschange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("status", "Status change"),
                    ("adjusted", "Adjusted"),
                    ("superseded", "Superseded"),
                ],
                default="status",
                max_length=12,
            ),
        ),
        migrations.RunPython(backfill_kinds, forget_kinds),
    ]
