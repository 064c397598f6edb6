"""Public holidays become closed days: a closure says where it came from (`source`), each
seeded holiday year is remembered (`ClinicHolidaySeed`) so it is never seeded again, and the
configured country's holidays for this year and the next two are seeded now.

The seed reads the settings at migration time (CLINIC_COUNTRY, CLINIC_SUBDIVISION; skipped
when CLINIC_HOLIDAYS_ON_MIGRATE is off or the country is empty); later years come from
`manage.py seed_holidays`, which does the same thing and may be run at any time.
"""

from django.db import migrations, models


def seed_holidays(apps, schema_editor):
    from django.conf import settings
    from django.utils import timezone

    from treatments.catalog.services import closures_seed_holidays, holiday_years

    if not settings.CLINIC_HOLIDAYS_ON_MIGRATE:
        return
    closures_seed_holidays(
        country=settings.CLINIC_COUNTRY,
        subdivision=settings.CLINIC_SUBDIVISION,
        years=holiday_years(today=timezone.localdate()),
        apps=apps,
    )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0009_condition_blocks_treatment")]

    operations = [
        migrations.AddField(
            model_name="clinicclosure",
            name="source",
            field=models.CharField(
                choices=[("manual", "Added by the clinic"), ("holiday", "Public holiday calendar")],
                default="manual",
                editable=False,
                help_text="Public holidays are added by `manage.py seed_holidays`; edit or delete them freely.",
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="ClinicHolidaySeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("country", models.CharField(max_length=10)),
                ("subdivision", models.CharField(blank=True, max_length=10)),
                ("year", models.PositiveSmallIntegerField()),
                ("seeded_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["country", "subdivision", "year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("country", "subdivision", "year"),
                        name="holiday_seed_once_per_year",
                    )
                ],
            },
        ),
        # Reversing keeps the seeded rows: they are ordinary closures by then.
        migrations.RunPython(seed_holidays, migrations.RunPython.noop),
    ]
