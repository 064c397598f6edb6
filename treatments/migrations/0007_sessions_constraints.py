"""No double booking, enforced by PostgreSQL: an exclusion constraint per resource over
tstzrange(start, end) for active appointments (btree_gist lets `=` on the id sit beside `&&`
on the range in one GiST index). Other databases skip this; the booking service checks in
Python inside its transaction there. The constraints are not in the model's Meta so SQLite
keeps migrating and validating; this migration is their only home."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from treatments.models_scheduling import appointment_exclusion_constraints


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Appointment = apps.get_model("treatments", "Appointment")
    for constraint in appointment_exclusion_constraints():
        schema_editor.add_constraint(Appointment, constraint)


def remove_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Appointment = apps.get_model("treatments", "Appointment")
    for constraint in appointment_exclusion_constraints():
        schema_editor.remove_constraint(Appointment, constraint)


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
