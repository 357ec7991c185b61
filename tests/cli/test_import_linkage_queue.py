"""`vigil import` whose linkage fails after the import commits: the command says so,
the linkage is queued, and `vigil link` reports what waits and links it (issue 18)."""

import pytest

from tests.ingest.builders import write_export
from vigil.cli import main
from vigil.people.linkage import incremental, pending
from vigil.people.models import SourceRecord


def _fail(*_args, **_kw):
    raise MemoryError("DuckDB could not allocate 2.1 GiB")


@pytest.mark.django_db
def test_import_commits_queues_failed_linkage_and_vigil_link_reports_it(
        tmp_path, settings, monkeypatch, capsys):
    settings.DATA_DIR = tmp_path / "var"
    monkeypatch.setattr(incremental, "link_new", _fail)
    assert main(["import", str(write_export(tmp_path / "export")), "--no-progress"]) == 1
    out, err = capsys.readouterr()
    assert "Imported" in out
    assert "committed" in err and "vigil link" in err
    assert SourceRecord.objects.count() == 3  # the import stands
    waiting = pending.waiting()
    assert waiting.records == 3 and waiting.entries == 1

    monkeypatch.undo()
    assert main(["link"]) == 0
    out = capsys.readouterr().out
    assert "3 records of 1 import(s) waiting to be linked" in out
    assert pending.waiting().entries == 0
