"""`vigil backup` and `vigil restore`: a round trip loses nothing, on SQLite and PostgreSQL."""

import json

import pytest
from django.apps import apps
from django.core import serializers

from tests.web import builders
from vigil.cli import main
from vigil.core import audit
from vigil.core.backup import BackupError, read_manifest, restore


def _everything() -> dict:
    """Every row of every model, serialised, so that any loss or change shows."""
    out = {}
    for model in apps.get_models():
        rows = model._default_manager.order_by("pk")
        out[model._meta.label] = json.loads(serializers.serialize("json", rows))
    return out


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path, settings, capsys):
    from tests.factories import make_areas
    from vigil.people.models import Person

    settings.DATA_DIR = tmp_path
    (tmp_path / "secret_key").write_text("the-signing-key")
    (tmp_path / "snapshot-key").write_text("ab" * 32)
    areas = make_areas()
    builders.victim_with_history(areas)
    audit.record("alice", audit.VIEW, "people.person", 1, detail={"name": "Zoë O'Brien\n"})
    before = _everything()

    out = tmp_path / "vigil.backup"
    assert main(["backup", str(out)]) == 0
    manifest = read_manifest(out)
    assert manifest["keys"] == ["secret_key", "snapshot-key"]

    # Things go wrong after the backup: a person added, keys lost.
    Person.objects.create(forename="Late", surname="Arrival")
    (tmp_path / "secret_key").unlink()
    (tmp_path / "snapshot-key").write_text("changed")

    # Restore will not write over live data unless told to.
    with pytest.raises(BackupError, match="--replace"):
        restore(out)
    assert main(["restore", str(out), "--replace"]) == 0
    after = _everything()
    # The restore itself is audited after the data comes back; nothing else differs.
    after_audit = after.pop("core.AuditEvent")
    before_audit = before.pop("core.AuditEvent")
    assert after == before
    assert after_audit[:len(before_audit)] == before_audit
    assert (tmp_path / "secret_key").read_text() == "the-signing-key"
    assert (tmp_path / "snapshot-key").read_text() == "ab" * 32
    assert "Restored the backup" in capsys.readouterr().out


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="is not a Vigil backup"):
        restore(junk)
