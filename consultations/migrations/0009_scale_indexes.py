"""Indexes for a clinic chain's patient search: on PostgreSQL, trigram indexes (pg_trgm) serve
the name, email and phone searches (`icontains` compares UPPER(column), so the index is on that
expression; the phone is stored as digits after a "+", so a digits-only search is a plain
`contains`). SQLite has no trigram indexes and keeps working without them."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

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
        ("consultations", "0008_free_text_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Does nothing on SQLite (the operation checks the database vendor).
        TrigramExtension(),
        migrations.RunPython(add_trigram_indexes, remove_trigram_indexes),
    ]
