"""A bad row deep in a large file: nothing is written and the row is named.

The file is streamed to disk (never held in memory) and is large enough to go the
set-wise path in chunks; the 6-million-row case is `benchmarks/import_speed.py
--bad-row 6000000`.
"""

from __future__ import annotations

import csv

import pytest

from tests.ingest.builders import write_csv
from vigil.core.models import Area, AuditEvent
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.people.models import Person, SourceRecord

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
ROWS = 60_000
HEADER = ["source_system", "source_id", "forename", "surname", "date_of_birth", "sex"]


def stream_persons(path, rows: int, bad_row: int, bad: dict) -> None:
    """persons.csv with `rows` data rows; data row `bad_row` (1-based) carries `bad`."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(1, rows + 1):
            row = {"source_system": "CONNECT", "source_id": f"P{i}", "forename": "Jane",
                   "surname": f"Smith{i % 101}", "date_of_birth": "1990-01-01", "sex": "F"}
            if i == bad_row:
                row.update(bad)
            out.writerow([row[c] for c in HEADER])


@pytest.mark.parametrize(("bad_row", "column", "value", "reason"), [
    (ROWS, "date_of_birth", "1990-02-30", "date"),
    (ROWS // 2 + 1, "sex", "X", "allowed: f, m, u"),
    (ROWS, "source_id", "", "required"),
])
def test_one_bad_row_deep_in_a_large_file_writes_nothing_and_is_named(
        tmp_path, bad_row, column, value, reason):
    write_csv(tmp_path, "areas", [
        {"code": "WMP", "name": "West Midlands Police", "kind": "force", "parent": ""}])
    stream_persons(tmp_path / "persons.csv", ROWS, bad_row, {column: value})
    with pytest.raises(ImportRejected) as exc:
        import_dir(tmp_path, progress=False)
    (reject,) = exc.value.result.rejects.rejects
    assert (reject.file, reject.line, reject.column) == ("persons.csv", bad_row + 1, column)
    assert reject.value == value and reason in reject.reason.lower()
    assert not Area.objects.exists() and not SourceRecord.objects.exists()
    assert not Person.objects.exists() and not AuditEvent.objects.exists()
    with open(tmp_path / "reject-report.csv", encoding="utf-8") as fh:
        report = list(csv.DictReader(fh))
    assert any(r.get("line") == str(bad_row + 1) for r in report), report[:3]


def test_the_same_large_file_put_right_imports_in_full(tmp_path):
    stream_persons(tmp_path / "persons.csv", ROWS, ROWS, {"sex": "X"})
    with pytest.raises(ImportRejected):
        import_dir(tmp_path, progress=False)
    stream_persons(tmp_path / "persons.csv", ROWS, ROWS, {})
    result = import_dir(tmp_path, progress=False)
    assert result.counts["persons.csv"].created == ROWS
    assert SourceRecord.objects.count() == ROWS
