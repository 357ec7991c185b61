"""On PostgreSQL the audit table refuses UPDATE and DELETE, from any database user.

A trigger rather than REVOKE alone: the application often owns its tables, and an
owner can grant itself back what was revoked. (docs/deploy.md also revokes the
rights for a separate application role.) TRUNCATE stays possible for the owner,
which the test runner's flush needs; the application never issues it.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION vigil_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused on core_auditevent', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only
  BEFORE UPDATE OR DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION vigil_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS vigil_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
