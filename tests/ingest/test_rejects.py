"""Every class of bad row is reported by file, line, column, value and reason."""

import csv
from datetime import timedelta

import pytest

from tests.ingest.builders import answers, base_rows, write_csv, write_export
from vigil.incidents.models import Outcome
from vigil.ingest import importer
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.ingest.rejects import RejectReport
from vigil.people.models import SourceRecord

pytestmark = pytest.mark.django_db


def rejects_of(folder):
    with pytest.raises(ImportRejected) as exc:
        import_dir(folder, progress=False)
    return exc.value.result.rejects


def only(folder, file=None, line=None):
    """The one reject (of `file` and `line`, if given)."""
    found = [r for r in rejects_of(folder).rejects
             if (file is None or r.file == file) and (line is None or r.line == line)]
    assert len(found) == 1, found
    return found[0]


def with_change(tmp_path, file, index, **changes):
    rows = base_rows()
    rows[file][index].update(changes)
    return write_export(tmp_path, rows)


@pytest.mark.parametrize("file, index, column, text, reason", [
    ("persons", 1, "sex", "X", "unknown value; allowed: F, M, U"),
    ("incidents", 0, "grade", "urgent",
     "unknown value; allowed: immediate, priority, scheduled, resolution"),
    ("persons", 0, "date_of_birth", "2025-02-30",
     "impossible date (day is out of range for month)"),
    ("incidents", 0, "reported_at", "2025-04-01T24:10",
     "impossible date-time (hour must be in 0..23)"),
    ("incidents", 0, "arrived_at", "01/04/2025 21:25",
     "not a date-time; write ISO 8601, e.g. 2025-03-31T14:05:00"),
    ("risk_assessments", 0, "yes_count", "fourteen", "not a whole number"),
    ("order_conditions", 0, "number", "1.5", "not a whole number"),
    ("incident_parties", 2, "present", "yes", "not a boolean; write true or false"),
    ("persons", 2, "postcode", "B6 4AA 12345", "too long: 12 characters, at most 10"),
    ("incidents", 0, "lpa", "ZZZ",
     "unknown code: not in the database, nor earlier in this import (areas.csv)"),
    ("outcomes", 0, "code", "99",
     "unknown outcome code; allowed: Home Office codes 1-22, 1A, 2A, 3A"),
    ("crime_parties", 0, "person", "CONNECT:P99",
     "refers to a persons.csv record that is neither in the database nor earlier in this "
     "import"),
    ("crime_parties", 0, "person", "P99", 'not a reference; write SYSTEM:ID, e.g. "CONNECT:P123"'),
])
def test_bad_values(tmp_path, file, index, column, text, reason):
    r = only(with_change(tmp_path, file, index, **{column: text}), f"{file}.csv")
    assert (r.file, r.line, r.column, r.value, r.reason) == (
        f"{file}.csv", index + 2, column, text, reason)


def test_missing_required_value(tmp_path):
    r = only(with_change(tmp_path, "persons", 1, surname=" "), "persons.csv")
    assert (r.file, r.line, r.column, r.reason) == (
        "persons.csv", 3, "surname", "required value is missing")


def test_invalid_utf8_is_reported_by_line_and_the_rest_still_checked(tmp_path):
    folder = write_export(tmp_path)
    path = folder / "persons.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"John", b"J\xf6hn")  # Latin-1, not UTF-8
    lines.append(b"CONNECT,P4,,,,F,\r\n")
    path.write_bytes(b"".join(lines))
    report = rejects_of(folder)
    first, second = [r for r in report.rejects if r.file == "persons.csv"]
    assert (first.line, first.reason) == (
        3, "invalid UTF-8: byte f6 at byte 13 of the line; save the file as UTF-8")
    assert (second.line, second.column) == (5, "surname")


def test_a_byte_order_mark_is_accepted(tmp_path):
    folder = write_export(tmp_path)
    path = folder / "persons.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert import_dir(folder, progress=False).counts["persons.csv"].created == 3


def test_wrong_number_of_cells(tmp_path):
    folder = write_export(tmp_path)
    with open(folder / "persons.csv", "a", encoding="utf-8") as fh:
        fh.write("CONNECT,P4,Extra\r\n")
    r = only(folder, "persons.csv")
    assert (r.line, r.reason) == (5, "expected 7 cells (one per header column), found 3")


@pytest.mark.parametrize("batch_size", [2000, 2])
def test_duplicate_keys_in_one_file(tmp_path, monkeypatch, batch_size):
    monkeypatch.setattr(importer, "BATCH_SIZE", batch_size)
    rows = base_rows()
    rows["persons"].append(dict(rows["persons"][0], forename="Janet"))
    rows["incident_parties"].append(dict(rows["incident_parties"][1]))
    report = rejects_of(write_export(tmp_path, rows))
    got = sorted((r.file, r.line, r.column, r.value, r.reason) for r in report.rejects)
    assert got == [
        ("incident_parties.csv", 5, "incident, person, role", "CONTROL:I1:CONNECT:P2:suspect",
         "duplicate key: the same incident, person, role as line 3"),
        ("persons.csv", 5, "source_system, source_id", "CONNECT:P1",
         "duplicate key: the same source_system, source_id as line 2"),
    ]


@pytest.mark.parametrize("file, index, changes, column, reason", [
    ("incidents", 0, {"arrived_at": "2025-04-01T21:00"}, "arrived_at",
     "arrived_at is before reported_at (2025-04-01 20:10:00+00:00)"),
    ("orders", 1, {"ends_on": "2025-04-01"}, "ends_on", "ends_on is before starts_on (2025-04-03)"),
    ("orders", 0, {"subject": "CONNECT:P3"}, "subject",
     "the subject was 8 when the DVPN was served; it must be 18 or over"),
    ("orders", 0, {"served_at": ""}, "served_at", "a DVPN must have its service time"),
    ("incident_parties", 0, {"school": "100001"}, "school",
     "a school is recorded only for a child"),
    ("incidents", 0, {"lpa": "BHM-N1"}, "lpa", "must be an area of kind lpa, not neighbourhood"),
])
def test_invariants_name_the_row(tmp_path, file, index, changes, column, reason):
    r = only(with_change(tmp_path, file, index, **changes), f"{file}.csv", index + 2)
    assert (r.line, r.column, r.reason) == (index + 2, column, reason)


def test_a_notice_needs_the_subjects_date_of_birth(tmp_path):
    rows = base_rows()
    rows["persons"][1]["date_of_birth"] = ""
    r = only(write_export(tmp_path, rows), "orders.csv", 2)
    assert r.column == "subject"
    assert r.reason == "a DVPN needs the subject's date of birth (subject must be 18 or over)"


def test_subject_just_18_on_the_day_of_service_is_allowed(tmp_path):
    rows = base_rows()
    rows["persons"][1]["date_of_birth"] = "2007-04-02"  # 18 on 2025-04-02, the service day
    import_dir(write_export(tmp_path, rows), progress=False)
    rows["persons"][1]["date_of_birth"] = "2007-04-03"  # 18 the day after
    r = only(write_export(tmp_path, rows), "orders.csv", 2)
    assert r.reason == "the subject was 17 when the DVPN was served; it must be 18 or over"


def test_a_dapn_protects_only_persons_16_or_over(tmp_path):
    rows = base_rows()
    rows["orders"][0]["order_type"] = "DAPN"
    rows["order_protected_persons"] = [{"order": "CONNECT:O1", "person": "CONNECT:P3"}]
    r = only(write_export(tmp_path, rows))
    assert (r.file, r.line, r.column) == ("order_protected_persons.csv", 2, "person")
    assert "a DAPN protects a person aged 16 or over" in r.reason


@pytest.mark.parametrize("officer, final", [("3", "2"), ("1", "1"), ("2", "3")])
def test_a_dash_below_its_answers_level_is_imported_and_flagged(tmp_path, officer, final):
    """Issue 14: not refused (with the whole import) but stored as recorded and flagged
    for the R&A supervisor; the rules use the answers' level (14 Yes: high)."""
    from vigil.risk.models import RiskAssessment
    from vigil.safeguarding import engine
    from vigil.safeguarding.models import Task

    rows = base_rows()
    rows["risk_assessments"][0].update(officer_level=officer, final_level=final)
    import_dir(write_export(tmp_path, rows), progress=False)
    ra = RiskAssessment.objects.get()
    assert (ra.actuarial_level, ra.officer_level, ra.final_level) == (3, int(officer),
                                                                      int(final))
    breach = officer != "3" or final != "3"
    assert ra.below_answers_level is breach
    engine.run(as_of=ra.assessed_at + timedelta(hours=2))
    assert Task.objects.filter(kind="dash_breach").exists() is breach


def test_raised_level_needs_a_reason(tmp_path):
    rows = base_rows()
    rows["risk_assessments"][0].update(yes_count="3", officer_level="1", final_level="3")
    rows["risk_answers"] = answers("CONNECT:RA1", 3)
    r = only(write_export(tmp_path, rows), "risk_assessments.csv")
    assert (r.file, r.column) == ("risk_assessments.csv", "judgement_reason")
    rows["risk_assessments"][0]["judgement_reason"] = "Strangulation disclosed"
    import_dir(write_export(tmp_path, rows), progress=False)


def test_yes_count_must_equal_the_yes_answers(tmp_path):
    rows = base_rows()
    rows["risk_answers"] = answers("CONNECT:RA1", 13)
    r = only(write_export(tmp_path, rows))
    assert (r.file, r.line, r.column, r.value) == ("risk_assessments.csv", 2, "yes_count", "14")
    assert r.reason == 'assessment CONNECT:RA1 has yes_count 14 but 13 "Y" answers in risk_answers'


def test_an_answer_to_a_question_the_instrument_does_not_have(tmp_path):
    rows = base_rows()
    rows["risk_assessments"][0]["instrument"] = "RIC24"
    report = rejects_of(write_export(tmp_path, rows))
    assert [(r.file, r.line, r.column, r.value) for r in report.rejects] == [
        ("risk_answers.csv", q + 1, "question", str(q)) for q in (25, 26, 27)]
    assert report.rejects[0].reason == "RIC24 questions are numbered 1 to 24"


def test_the_database_is_the_backstop_and_never_a_traceback(tmp_path):
    rows = base_rows()
    # One outcome per crime is a database rule (one-to-one) the Python checks leave to it.
    rows["outcomes"].append(dict(rows["outcomes"][0], source_id="OC2", code="1"))
    r = only(write_export(tmp_path, rows))
    assert (r.file, r.line) == ("outcomes.csv", 3)
    assert r.reason.startswith("refused by the database:")
    assert not Outcome.objects.exists()


def test_the_backstop_keeps_checking_later_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 1)
    rows = base_rows()
    rows["outcomes"].append(dict(rows["outcomes"][0], source_id="OC2", code="1"))
    rows["outcomes"].append(dict(rows["outcomes"][0], source_id="OC3", code="99"))
    report = rejects_of(write_export(tmp_path, rows))
    assert [(r.line, r.column) for r in report.rejects] == [(3, ""), (4, "code")]


def test_unknown_and_missing_files_and_columns(tmp_path):
    rows = base_rows()
    del rows["persons"]
    folder = write_export(tmp_path, rows)
    (folder / "notes.txt").write_text("hello")
    report = rejects_of(folder)
    got = {(r.file, r.reason.split(";")[0]) for r in report.rejects}
    assert got == {("notes.txt", "unknown file"), ("persons.csv", "required file is missing")}


def test_header_problems_name_file_and_column(tmp_path):
    folder = write_export(tmp_path)
    rows = base_rows()["persons"]
    for row in rows:
        row["nickname"] = "J"
        del row["surname"]
    write_csv(folder, "persons", rows)
    rows = base_rows()["risk_assessments"]
    rows[0]["actuarial_level"] = "3"
    write_csv(folder, "risk_assessments", rows)
    got = {(r.file, r.line, r.column, r.reason.split(";")[0]) for r in rejects_of(folder).rejects}
    assert got == {
        ("persons.csv", 1, "nickname", "unknown column"),
        ("persons.csv", 1, "surname", "required column is missing from the header"),
        ("risk_assessments.csv", 1, "actuarial_level", "is computed by the import"),
    }
    assert not SourceRecord.objects.exists()


def test_the_report_is_capped_with_a_count_of_the_rest(tmp_path):
    rows = base_rows()
    rows["persons"] += [{"source_system": "X", "source_id": str(n), "surname": "S", "sex": "?"}
                        for n in range(1005)]
    folder = write_export(tmp_path, {"persons": rows["persons"]})
    report = rejects_of(folder)
    assert (len(report.rejects), report.total, report.omitted) == (1000, 1005, 5)
    with open(folder / "reject-report.csv", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["file", "line", "column", "value", "reason"]
    assert len(lines) == 1 + 1000 + 1 and lines[-1][-1] == "... and 5 more bad rows"


def test_report_table_lists_each_reject():
    report = RejectReport(cap=10)
    report.add("persons.csv", 3, "sex", "X", "unknown value; allowed: F, M, U")
    report.add("areas.csv", None, "", "", "required file is missing")
    lines = report.table().splitlines()
    assert lines[0].split() == ["file", "line", "column", "value", "reason"]
    assert lines[1].startswith("areas.csv") and lines[1].endswith("required file is missing")
    assert lines[2].split()[:4] == ["persons.csv", "3", "sex", "X"]


def test_line_numbers_count_physical_lines_of_quoted_multiline_cells(tmp_path):
    rows = base_rows()
    rows["incidents"][0]["narrative"] = "Caller says:\nhe has a knife\nand left"
    rows["incidents"].append(dict(rows["incidents"][0], source_id="I2", grade="urgent"))
    r = only(write_export(tmp_path, rows), "incidents.csv")
    assert (r.line, r.column) == (5, "grade")  # header 1; the first row spans lines 2-4
