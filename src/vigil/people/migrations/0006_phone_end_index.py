"""Search by the end of a phone number (fewer than 10 digits) on PostgreSQL: a btree
on the reversed number turns "ends with" into a range (a full scan before)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS linkkey_phone_reversed "
                              "ON people_linkkey (reverse(phone))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS linkkey_phone_reversed")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_forename_dob_index")]

    operations = [migrations.RunPython(forwards, backwards)]
