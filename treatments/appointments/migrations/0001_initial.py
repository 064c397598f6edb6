"""Sessions (resources, hours, appointments, records, photos) become this app's models.

State only: the tables keep their names (`Meta.db_table`, many-to-many tables pinned too),
rows, indexes and constraints (the PostgreSQL exclusion constraints of treatments/0007
included). The content types move too, so permissions, role grants and admin history follow."""

import uuid

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import treatments.appointments.models

MOVED = {
    "treatments": [
        "openinghours",
        "room",
        "device",
        "providerprofile",
        "providerhours",
        "appointment",
        "appointmentevent",
        "treatedarea",
        "progressphoto",
    ]
}


def move_content_types(apps, schema_editor, *, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, names in MOVED.items():
        src, dst = (old_label, "appointments") if forward else ("appointments", old_label)
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
        ("plans", "0001_initial"),
        ("treatments", "0008_plans_and_sessions_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Room",
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
                        ("name", models.CharField(max_length=100, unique=True)),
                        (
                            "active",
                            models.BooleanField(
                                default=True, help_text="Inactive rooms are not booked."
                            ),
                        ),
                        ("sort_order", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "treatments_room",
                        "ordering": ["sort_order", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Appointment",
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
                        ("start", models.DateTimeField()),
                        ("end", models.DateTimeField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("booked", "Booked"),
                                    ("done", "Done"),
                                    ("no_show", "No-show"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="booked",
                                max_length=10,
                            ),
                        ),
                        (
                            "status_reason",
                            models.TextField(
                                blank=True, help_text="Why it was cancelled or last moved."
                            ),
                        ),
                        ("booked_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("reminder_sent_at", models.DateTimeField(blank=True, null=True)),
                        ("aftercare_sent_at", models.DateTimeField(blank=True, null=True)),
                        ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "intake_reconfirmed",
                            models.BooleanField(
                                default=False,
                                help_text="The patient confirmed their intake answers still hold.",
                            ),
                        ),
                        (
                            "intake_changes",
                            models.TextField(
                                blank=True, help_text="What changed since the intake."
                            ),
                        ),
                        ("side_effects", models.TextField(blank=True)),
                        ("notes", models.TextField(blank=True)),
                        (
                            "weight_kg",
                            models.DecimalField(
                                blank=True,
                                decimal_places=1,
                                max_digits=5,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(
                                        30, "Weight must be at least 30 kg."
                                    ),
                                    django.core.validators.MaxValueValidator(
                                        300, "Weight must be at most 300 kg."
                                    ),
                                ],
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "booked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan_session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="appointments",
                                to="plans.plansession",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="appointments",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recorded_by",
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
                        "db_table": "treatments_appointment",
                        "ordering": ["start"],
                        "permissions": [
                            ("book_appointment", "Can book, move and cancel sessions"),
                            ("record_session", "Can record sessions and progress"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AppointmentEvent",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("booked", "Booked"),
                                    ("moved", "Moved"),
                                    ("cancelled", "Cancelled"),
                                    ("recorded", "Recorded"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("detail", models.TextField(blank=True)),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "appointment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="appointments.appointment",
                            ),
                        ),
                        (
                            "by",
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
                        "db_table": "treatments_appointmentevent",
                        "ordering": ["at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Device",
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
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("serial_number", models.CharField(blank=True, max_length=100)),
                        (
                            "active",
                            models.BooleanField(
                                default=True, help_text="Inactive devices are not booked."
                            ),
                        ),
                        ("sort_order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "treatments",
                            models.ManyToManyField(
                                db_table="treatments_device_treatments",
                                help_text="Treatments it serves.",
                                related_name="devices",
                                to="treatments.treatment",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_device",
                        "ordering": ["sort_order", "name"],
                    },
                ),
                migrations.AddField(
                    model_name="appointment",
                    name="device",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="appointments.device",
                    ),
                ),
                migrations.CreateModel(
                    name="OpeningHours",
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
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ]
                            ),
                        ),
                        ("starts", models.TimeField()),
                        ("ends", models.TimeField()),
                    ],
                    options={
                        "verbose_name": "opening hours",
                        "verbose_name_plural": "opening hours",
                        "db_table": "treatments_openinghours",
                        "ordering": ["weekday", "starts"],
                        "abstract": False,
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends__gt", models.F("starts"))),
                                name="opening_hours_end_after_start",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProgressPhoto",
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
                            "kind",
                            models.CharField(
                                choices=[("before", "Before"), ("after", "After")],
                                default="before",
                                max_length=10,
                            ),
                        ),
                        (
                            "image",
                            models.FileField(upload_to=treatments.appointments.models.photo_path),
                        ),
                        ("extension", models.CharField(max_length=5)),
                        ("content_type", models.CharField(max_length=50)),
                        ("width", models.PositiveIntegerField()),
                        ("height", models.PositiveIntegerField()),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "appointment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="photos",
                                to="appointments.appointment",
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="treatments.bodyarea",
                            ),
                        ),
                        (
                            "uploaded_by",
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
                        "db_table": "treatments_progressphoto",
                        "ordering": ["appointment__start", "kind", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ProviderProfile",
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
                            "active",
                            models.BooleanField(
                                default=True, help_text="Inactive providers are not booked."
                            ),
                        ),
                        (
                            "ical_token",
                            models.CharField(
                                default=treatments.appointments.models.new_ical_token,
                                editable=False,
                                help_text="Secret part of the provider's calendar feed URL.",
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        (
                            "treatments",
                            models.ManyToManyField(
                                db_table="treatments_providerprofile_treatments",
                                help_text="Treatments this provider may perform.",
                                related_name="provider_profiles",
                                to="treatments.treatment",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="provider_profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_providerprofile",
                        "ordering": ["user__first_name", "user__last_name", "user__username"],
                    },
                ),
                migrations.AddField(
                    model_name="appointment",
                    name="room",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to="appointments.room",
                    ),
                ),
                migrations.CreateModel(
                    name="TreatedArea",
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
                        ("vials", models.PositiveSmallIntegerField(blank=True, null=True)),
                        (
                            "lot_numbers",
                            models.CharField(
                                blank=True, help_text="Comma-separated.", max_length=200
                            ),
                        ),
                        (
                            "volume_ml",
                            models.DecimalField(
                                blank=True,
                                decimal_places=1,
                                max_digits=5,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(0),
                                    django.core.validators.MaxValueValidator(50),
                                ],
                                verbose_name="volume (mL)",
                            ),
                        ),
                        ("cycles", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("applicators", models.PositiveSmallIntegerField(blank=True, null=True)),
                        (
                            "pinch_mm",
                            models.DecimalField(
                                blank=True,
                                decimal_places=1,
                                max_digits=5,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(
                                        1, "A pinch is at least 1 mm."
                                    ),
                                    django.core.validators.MaxValueValidator(
                                        150, "A pinch is at most 150 mm."
                                    ),
                                ],
                                verbose_name="pinch (mm)",
                            ),
                        ),
                        ("notes", models.CharField(blank=True, max_length=300)),
                        (
                            "appointment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="treated_areas",
                                to="appointments.appointment",
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="treatments.bodyarea",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "treatments_treatedarea",
                        "ordering": ["area__sort_order"],
                    },
                ),
                migrations.CreateModel(
                    name="ProviderHours",
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
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ]
                            ),
                        ),
                        ("starts", models.TimeField()),
                        ("ends", models.TimeField()),
                        (
                            "profile",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="hours",
                                to="appointments.providerprofile",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "working hours",
                        "verbose_name_plural": "working hours",
                        "db_table": "treatments_providerhours",
                        "ordering": ["weekday", "starts"],
                        "abstract": False,
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends__gt", models.F("starts"))),
                                name="provider_hours_end_after_start",
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="appointment",
                    index=models.Index(fields=["start"], name="appointment_start_idx"),
                ),
                migrations.AddIndex(
                    model_name="appointment",
                    index=models.Index(
                        fields=["provider", "start"], name="appointment_provider_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="appointment",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("end__gt", models.F("start"))),
                        name="appointment_end_after_start",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="appointment",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ["booked", "done"])),
                        fields=("plan_session",),
                        name="one_active_appointment_per_session",
                        violation_error_message="This session is already booked.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="treatedarea",
                    constraint=models.UniqueConstraint(
                        fields=("appointment", "area"), name="one_record_per_area"
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
