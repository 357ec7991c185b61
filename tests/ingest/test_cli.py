"""`vigil import` and `vigil import-format` from the command line."""

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.cli import main
from vigil.ingest.docs import default_path, render
from vigil.people.models import SourceRecord


@pytest.mark.django_db
def test_import_prints_counts_and_exits_zero(tmp_path, capsys):
    assert main(["import", str(write_export(tmp_path)), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["file", "created", "updated", "unchanged"]
    counts = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:-1]}
    assert counts["persons.csv"] == ["3", "0", "0"]
    assert SourceRecord.objects.count() == 3


@pytest.mark.django_db
def test_bad_rows_print_the_report_and_exit_2(tmp_path, capsys):
    rows = base_rows()
    rows["persons"].append({"source_system": "CONNECT", "source_id": "P4", "surname": "Doe",
                            "date_of_birth": "1985-02-30"})
    folder = write_export(tmp_path, rows)
    report = tmp_path / "elsewhere.csv"
    assert main(["import", str(folder), "--reject-report", str(report)]) == 2
    captured = capsys.readouterr()
    table = captured.out.splitlines()
    assert table[0].split() == ["file", "line", "column", "value", "reason"]
    assert table[1].split()[:4] == ["persons.csv", "5", "date_of_birth", "1985-02-30"]
    assert "impossible date" in table[1]
    assert f"1 problem(s) found, nothing imported; the full report is in {report}" in captured.err
    assert "persons.csv,5,date_of_birth,1985-02-30" in report.read_text()
    assert not SourceRecord.objects.exists()


@pytest.mark.django_db
def test_dry_run_says_nothing_was_written(tmp_path, capsys):
    assert main(["import", str(write_export(tmp_path)), "--dry-run"]) == 0
    assert "Dry run: all rows are valid; nothing was written." in capsys.readouterr().out
    assert not SourceRecord.objects.exists()


def test_import_of_a_missing_folder_is_a_clean_error(tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_the_committed_import_format_doc_is_current():
    assert default_path().read_text(encoding="utf-8") == render(), (
        "docs/import-format.md is stale: run `vigil import-format`")


def test_import_format_writes_the_doc(tmp_path):
    out = tmp_path / "format.md"
    assert main(["import-format", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "### persons.csv" in text and "- File: required" in text
    assert "| `sex` | choice | no | `F`, `M`, `U` |" in text
    assert "| `subject` | ref | yes | `persons.csv` (SYSTEM:ID) |" in text
    assert "| `lpa` | code | yes | `areas.csv` (code) |" in text
