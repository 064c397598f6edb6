"""Indexes for a clinic chain's patient list: every sort ends with the primary key (keyset
pages), and on PostgreSQL trigram indexes serve the name, email and phone searches
(`icontains` compares UPPER(column), so the index is on that expression; the phone is stored
as digits after a "+", so a digits-only search is a plain `contains`). SQLite has no
trigram indexes and keeps working without them."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# icontains compares UPPER(column): those indexes are on that expression (written as SQL: an
# OpClass around an expression is rendered in parentheses PostgreSQL refuses).
UPPER_TRIGRAM_COLUMNS = {
    "patient_first_trgm": "first_name",
    "patient_last_trgm": "last_name",
    "patient_email_trgm": "email",
}
PHONE_TRIGRAM = GinIndex(fields=["phone"], opclasses=["gin_trgm_ops"], name="patient_phone_trgm")


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Patient = apps.get_model("consultations", "Patient")
    quote = schema_editor.quote_name
    table = quote(Patient._meta.db_table)
    for name, column in UPPER_TRIGRAM_COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX {quote(name)} ON {table} USING gin (UPPER({quote(column)}) gin_trgm_ops)"
        )
    schema_editor.add_index(Patient, PHONE_TRIGRAM)


def remove_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Patient = apps.get_model("consultations", "Patient")
    for name in UPPER_TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    schema_editor.remove_index(Patient, PHONE_TRIGRAM)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0006_consent_moves_to_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Does nothing on SQLite (the operation checks the database vendor).
        TrigramExtension(),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes),
        migrations.RemoveIndex(
            model_name="patient",
            name="patient_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="patient",
            name="patient_dob_idx",
        ),
        migrations.RemoveIndex(
            model_name="patient",
            name="patient_created_idx",
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                fields=["last_name", "first_name", "id"], name="patient_name_pk_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(fields=["date_of_birth", "id"], name="patient_dob_pk_idx"),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(fields=["created_at", "id"], name="patient_created_pk_idx"),
        ),
    ]
