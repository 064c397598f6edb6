"""Plans (from `treatments`) and consent (from `consultations`) become this app's models.

State only: the tables keep their names (`Meta.db_table`), rows, indexes and constraints.
The content types move too, so permissions, role grants and admin history follow the models."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import consultations.models

MOVED = {
    "treatments": ["plan", "plansession", "planlineitem", "planstatuschange"],
    "consultations": ["consenttext", "planconsent", "consentlink"],
}


def move_content_types(apps, schema_editor, *, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, names in MOVED.items():
        src, dst = (old_label, "plans") if forward else ("plans", old_label)
        moving = ContentType.objects.filter(app_label=src, model__in=names)
        # A row at the destination was made by a post_migrate after an earlier reversal; the
        # one with the history (permissions, grants, admin log) wins.
        stale = ContentType.objects.filter(
            app_label=dst, model__in=moving.values_list("model", flat=True)
        )
        stale.delete()
        moving.update(app_label=dst)


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0006_consent_moves_to_plans"),
        ("treatments", "0008_plans_and_sessions_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConsentText",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(editable=False)),
                        ("title", models.CharField(max_length=200)),
                        (
                            "body",
                            models.TextField(
                                help_text="Plain text; blank lines separate paragraphs."
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "treatment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="consent_texts",
                                to="treatments.treatment",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consultations_consenttext",
                        "ordering": ["treatment__sort_order", "-version"],
                    },
                ),
                migrations.CreateModel(
                    name="Plan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("presented", "Presented"),
                                    ("accepted", "Accepted"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("declined", "Declined"),
                                    ("cancelled", "Cancelled"),
                                ],
                                db_index=True,
                                default="draft",
                                max_length=12,
                            ),
                        ),
                        ("engine_version", models.CharField(max_length=40)),
                        ("currency", models.CharField(max_length=3)),
                        ("start_date", models.DateField()),
                        ("goal_pinch_mm", models.PositiveSmallIntegerField()),
                        (
                            "option",
                            models.JSONField(
                                default=dict, help_text="The engine's option as chosen."
                            ),
                        ),
                        ("excluded", models.JSONField(default=list)),
                        ("reasons", models.JSONField(default=list)),
                        ("warnings", models.JSONField(default=list)),
                        ("subtotal", models.DecimalField(decimal_places=2, max_digits=10)),
                        (
                            "discount",
                            models.DecimalField(decimal_places=2, default=0, max_digits=10),
                        ),
                        (
                            "extra_discount",
                            models.DecimalField(decimal_places=2, default=0, max_digits=10),
                        ),
                        ("extra_discount_reason", models.CharField(blank=True, max_length=300)),
                        ("total", models.DecimalField(decimal_places=2, max_digits=10)),
                        ("deposit", models.DecimalField(decimal_places=2, max_digits=10)),
                        ("payment_plans", models.JSONField(default=list)),
                        ("downtime_days", models.PositiveSmallIntegerField(default=0)),
                        ("results_from", models.DateField(blank=True, null=True)),
                        ("final_results_by", models.DateField(blank=True, null=True)),
                        ("notes", models.TextField(blank=True)),
                        ("valid_until", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "assessment",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plans",
                                to="consultations.assessment",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plans",
                                to="consultations.patient",
                            ),
                        ),
                        (
                            "supersedes",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="superseded_by",
                                to="plans.plan",
                            ),
                        ),
                        (
                            "treatment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plans",
                                to="treatments.treatment",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_plan",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ConsentLink",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "token",
                            models.CharField(
                                default=consultations.models.new_token,
                                editable=False,
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField()),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("used_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="consent_links",
                                to="plans.plan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consultations_consentlink",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanConsent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("text_version", models.PositiveIntegerField()),
                        (
                            "text_body",
                            models.TextField(help_text="The text exactly as the patient read it."),
                        ),
                        ("full_name", models.CharField(max_length=200)),
                        (
                            "signature",
                            models.TextField(help_text="The drawn signature as a PNG data URL."),
                        ),
                        ("signed_at", models.DateTimeField()),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("user_agent", models.CharField(blank=True, max_length=300)),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("tablet", "On the clinic's tablet"),
                                    ("link", "Through a link"),
                                ],
                                default="tablet",
                                max_length=10,
                            ),
                        ),
                        (
                            "consent_text",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="plans.consenttext",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="plans.plan",
                            ),
                        ),
                        (
                            "witnessed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consultations_planconsent",
                        "ordering": ["-signed_at"],
                        "permissions": [
                            ("record_consent", "Can record a patient's consent on the tablet")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PlanLineItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                        ("description", models.CharField(max_length=300)),
                        ("quantity", models.DecimalField(decimal_places=2, max_digits=8)),
                        ("unit", models.CharField(blank=True, max_length=40)),
                        ("unit_price", models.DecimalField(decimal_places=2, max_digits=10)),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="line_items",
                                to="plans.plan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_planlineitem",
                        "ordering": ["plan", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanSession",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField()),
                        ("planned_date", models.DateField()),
                        ("duration_minutes", models.PositiveSmallIntegerField()),
                        (
                            "areas",
                            models.JSONField(default=list, help_text='[{"area", "units", "unit"}]'),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sessions",
                                to="plans.plan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_plansession",
                        "ordering": ["plan", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanStatusChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "from_status",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("draft", "Draft"),
                                    ("presented", "Presented"),
                                    ("accepted", "Accepted"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("declined", "Declined"),
                                    ("cancelled", "Cancelled"),
                                ],
                                max_length=12,
                            ),
                        ),
                        (
                            "to_status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("presented", "Presented"),
                                    ("accepted", "Accepted"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("declined", "Declined"),
                                    ("cancelled", "Cancelled"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        ("note", models.TextField(blank=True)),
                        (
                            "by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="status_changes",
                                to="plans.plan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_planstatuschange",
                        "ordering": ["at"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="consenttext",
                    constraint=models.UniqueConstraint(
                        fields=("treatment", "version"), name="one_consent_version_per_treatment"
                    ),
                ),
                migrations.AddIndex(
                    model_name="plan",
                    index=models.Index(
                        fields=["patient", "-created_at"], name="treatments__patient_12f5fb_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="plansession",
                    constraint=models.UniqueConstraint(
                        fields=("plan", "number"), name="one_session_number_per_plan"
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
