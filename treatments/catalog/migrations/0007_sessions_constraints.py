"""No double booking, enforced by PostgreSQL: an exclusion constraint per resource over
tstzrange(start, end) for active appointments (btree_gist lets `=` on the id sit beside `&&`
on the range in one GiST index). Other databases skip this; the booking service checks in
Python inside its transaction there. The constraints are not in the model's Meta so SQLite
keeps migrating and validating; this migration is their only home, written as the SQL it
runs so that it never changes with the live code."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

COLUMNS = ("provider", "room", "device")
ADD = (
    'ALTER TABLE "treatments_appointment" ADD CONSTRAINT "appointment_no_{column}_overlap" '
    'EXCLUDE USING GIST ("{column}_id" WITH =, TSTZRANGE("start", "end", \'[)\') WITH &&) '
    "WHERE (\"status\" IN ('booked', 'done', 'no_show'))"
)
DROP = 'ALTER TABLE "treatments_appointment" DROP CONSTRAINT "appointment_no_{column}_overlap"'


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(ADD.format(column=column))


def remove_constraints(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(DROP.format(column=column))


def set_needs(apps, schema_editor):
    # DOMAIN.md: cryolipolysis and the laser run on a machine; injections need none.
    Treatment = apps.get_model("treatments", "Treatment")
    Treatment.objects.filter(code__in=["cryolipolysis", "laser_lipolysis"]).update(
        needs_device=True
    )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0006_sessions")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraints, remove_constraints),
        migrations.RunPython(set_needs, migrations.RunPython.noop),
    ]
