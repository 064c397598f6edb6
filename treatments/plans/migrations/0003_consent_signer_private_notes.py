"""Consent signers, who signed in the history, and private plan notes.

- A consent records whether the patient signed or a guardian for them (and how related).
- A history row may name a person instead of a staff member: a plan signed through a link
  was recorded as accepted "by" the provider who sent the link. Those rows now name the
  signer and no staff member (the link keeps who sent it).
- `Plan.notes` were printed on the patient's quote though providers wrote clinical notes in
  them: they become internal notes (kept, never printed); notes for the patient are new.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LINK_NOTE = "through the signing link"


def link_signer(full_name: str) -> str:
    return f"{full_name} (patient, through the link)"


def name_link_signers(apps, schema_editor):
    PlanConsent = apps.get_model("plans", "PlanConsent")
    PlanStatusChange = apps.get_model("plans", "PlanStatusChange")
    for consent in PlanConsent.objects.filter(channel="link"):
        PlanStatusChange.objects.filter(
            plan_id=consent.plan_id,
            from_status="presented",
            to_status="accepted",
            note__contains=LINK_NOTE,
        ).update(by=None, by_name=link_signer(consent.full_name))


def credit_link_senders(apps, schema_editor):
    """Back to a staff member on every row (the old schema needs one): the link's sender,
    else the plan's author."""
    Plan = apps.get_model("plans", "Plan")
    ConsentLink = apps.get_model("plans", "ConsentLink")
    PlanStatusChange = apps.get_model("plans", "PlanStatusChange")
    for change in PlanStatusChange.objects.filter(by__isnull=True):
        link = (
            ConsentLink.objects.filter(plan_id=change.plan_id, created_by__isnull=False)
            .order_by("-created_at")
            .first()
        )
        change.by_id = (
            link.created_by_id if link else Plan.objects.get(pk=change.plan_id).created_by_id
        )
        change.save(update_fields=["by"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_planstatuschange_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="plan", old_name="notes", new_name="internal_notes"),
        migrations.AlterField(
            model_name="plan",
            name="internal_notes",
            field=models.TextField(
                blank=True,
                help_text="For clinical staff only; never printed or shown to the front desk.",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="patient_notes",
            field=models.TextField(
                blank=True, help_text="Printed on the patient's quote and its PDF."
            ),
        ),
        migrations.AddField(
            model_name="planconsent",
            name="signer_role",
            field=models.CharField(
                choices=[
                    ("patient", "The patient"),
                    ("guardian", "A guardian or representative of the patient"),
                ],
                default="patient",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="planconsent",
            name="guardian_relationship",
            field=models.CharField(
                blank=True, help_text="How a guardian is related to the patient.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="planstatuschange",
            name="by_name",
            field=models.CharField(
                blank=True,
                help_text="Who acted when it was not (only) a staff member.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="planstatuschange",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(name_link_signers, credit_link_senders),
    ]
