"""`vigil link`: trains, saves a versioned model, links; clear errors."""

import json
from pathlib import Path

import pytest

from tests.linkage.helpers import record
from vigil.core.errors import CommandError
from vigil.people.cli import cmd_link, cmd_revert
from vigil.people.linkage import model, testdata
from vigil.people.models import LinkChange, LinkModelVersion, Person, SourceRecord


class Args:
    train = False
    as_of = "2026-03-01T09:00"
    threads = 1
    memory_limit = None
    engine = "duckdb"


def test_link_without_records_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no source person records"):
        cmd_link(Args())


def test_bad_as_of_is_refused(db):
    record()
    args = Args()
    args.as_of = "yesterday"
    with pytest.raises(CommandError, match="--as-of"):
        cmd_link(args)


def test_link_trains_and_saves_a_versioned_model(db, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    records, _truth = testdata.generate(120, "low", seed=3)
    for r in records:
        person = Person.objects.create()
        SourceRecord.objects.create(
            source_system=r["source_system"], source_id=str(r["id"]), person=person,
            **{k: r[k] or "" for k in ("forename", "surname", "sex", "postcode", "address",
                                       "phone")}, date_of_birth=r["date_of_birth"])
    args = Args()
    args.train = True
    assert cmd_link(args) == 0
    version = LinkModelVersion.objects.get()
    saved = json.loads(Path(version.path).read_text())
    assert version.path.startswith(str(tmp_path / "linkage" / "models"))
    assert saved["comparisons"] and version.record_count == len(records)
    assert model.current().version == version.version
    assert Person.objects.filter(source_records__isnull=False).distinct().count() < len(records)
    assert "Linked" in capsys.readouterr().out


def test_revert_command(db, capsys):
    a, b = record(), record(system="CONTROL")
    assert cmd_link(Args()) == 0
    change = LinkChange.objects.get(kind="batch")

    class R:
        reason = "test"

    R.change = change.pk
    assert cmd_revert(R()) == 0
    assert SourceRecord.objects.get(pk=a.pk).person_id != SourceRecord.objects.get(
        pk=b.pk).person_id
    R.change = 999999
    with pytest.raises(CommandError, match="no link change"):
        cmd_revert(R())
