"""Trigram indexes for fuzzy name and address search, on PostgreSQL only.

SQLite has no pg_trgm; there search falls back to the phonetic and prefix
indexes of 0002 (see vigil.people.search).
"""

from django.db import migrations

INDEXES = [
    ("linkkey_surname_trgm", "surname"),
    ("linkkey_forename_trgm", "forename"),
    ("linkkey_address_trgm", "address"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_linkkey "
            f"USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_linkage")]

    operations = [migrations.RunPython(forwards, backwards)]
