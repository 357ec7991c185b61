"""Outcomes as a real export holds them (issue 15 item 8): local sub-codes, an outcome
changed later (its history kept), and a second outcome for a crime refused with a clear
reason rather than the database's one-to-one message."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.incidents.models import Outcome, OutcomeChange, OutcomeCode
from vigil.ingest.importer import ImportRejected, import_dir

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def rejects(folder):
    with pytest.raises(ImportRejected) as exc:
        import_dir(folder, progress=False)
    return [(r.file, r.line, r.column, r.reason) for r in exc.value.result.rejects.rejects]


def subcodes(*rows):
    return [{"code": c, "label": label, "group": "Evidential difficulties", "parent": p}
            for c, label, p in rows]


def test_a_local_sub_code_is_accepted_with_its_home_office_parent(tmp_path):
    rows = base_rows()
    rows["outcome_codes"] = subcodes(
        ("16B", "Victim does not support: withdrew after charge advice", "16"),
        ("16", "Evidential difficulties: victim does not support action", ""))  # restated
    rows["outcomes"][0]["code"] = "16B"
    import_dir(write_export(tmp_path, rows), progress=False)
    outcome = Outcome.objects.get()
    assert (outcome.code.code, outcome.code.parent.code) == ("16B", "16")


def test_an_unknown_sub_code_is_refused_naming_where_it_may_come_from(tmp_path):
    rows = base_rows()
    rows["outcomes"][0]["code"] = "16Z"
    assert rejects(write_export(tmp_path, rows)) == [
        ("outcomes.csv", 2, "code", "unknown outcome code; allowed: Home Office codes 1-22, "
         "1A, 2A, 3A, and local sub-codes in outcome_codes.csv or already held")]
    assert not OutcomeCode.objects.filter(code="16Z").exists()


@pytest.mark.parametrize("row,column,reason", [
    (("15Q", "New code", ""), "parent",
     "a local sub-code needs the Home Office code it breaks down (e.g. 15 for 15A); the "
     "Home Office codes 1-22 are built in"),
    (("15QQ", "Sub of a sub", "1A"), "parent",
     "1A is itself a local sub-code; name the Home Office code it breaks down"),
])
def test_a_sub_code_must_break_down_a_home_office_code(tmp_path, row, column, reason):
    rows = base_rows()
    rows["outcome_codes"] = subcodes(row)
    got = rejects(write_export(tmp_path, rows))
    assert [(f, line, c, r) for f, line, c, r in got if f == "outcome_codes.csv"] == [
        ("outcome_codes.csv", 2, column, reason)]


def test_an_outcome_changed_later_keeps_its_history(tmp_path):
    import_dir(write_export(tmp_path / "a"), progress=False)
    rows = base_rows()
    rows["outcomes"][0].update(code="1", outcome_at="2025-07-10T09:00:00")
    import_dir(write_export(tmp_path / "b", rows), progress=False)
    outcome = Outcome.objects.get()
    assert (outcome.code.code, outcome.version) == ("1", 2)
    change = OutcomeChange.objects.get()
    assert change.outcome == outcome and change.code.code == "16"
    assert change.outcome_at == datetime(2025, 6, 1, 12, tzinfo=LONDON)
    assert change.changed_by == "import b"
    # The same file again changes nothing, so adds no history.
    import_dir(write_export(tmp_path / "c", rows), progress=False)
    assert OutcomeChange.objects.count() == 1


def test_a_suspect_change_alone_is_not_an_outcome_change(tmp_path):
    import_dir(write_export(tmp_path / "a"), progress=False)
    rows = base_rows()
    rows["outcomes"][0]["suspect"] = ""
    import_dir(write_export(tmp_path / "b", rows), progress=False)
    assert not OutcomeChange.objects.exists()


def test_a_second_outcome_in_the_same_file_is_refused_clearly(tmp_path):
    rows = base_rows()
    rows["outcomes"].append(dict(rows["outcomes"][0], source_id="OC2", code="1"))
    assert rejects(write_export(tmp_path, rows)) == [
        ("outcomes.csv", 3, "crime", "the crime already has an outcome earlier in this file "
         "(CONNECT:OC1); a crime has one outcome")]
    assert not Outcome.objects.exists()


def test_a_second_outcome_in_a_later_import_is_refused_clearly(tmp_path):
    import_dir(write_export(tmp_path / "a"), progress=False)
    rows = base_rows()
    rows["outcomes"][0].update(source_id="OC2", code="1")
    assert rejects(write_export(tmp_path / "b", rows)) == [
        ("outcomes.csv", 2, "crime", "the crime already has outcome 16 (CONNECT:OC1, "
         "01 June 2025); a crime has one outcome: send a change as that outcome's own row")]
    assert Outcome.objects.get().code.code == "16"  # nothing lost or half-written


def test_the_incident_page_lists_what_the_outcome_was_before(tmp_path, client, make_user):
    from django.urls import reverse

    from vigil.incidents.models import Incident

    import_dir(write_export(tmp_path / "a"), progress=False)
    rows = base_rows()
    rows["outcomes"][0].update(code="1", outcome_at="2025-07-10T09:00:00")
    import_dir(write_export(tmp_path / "b", rows), progress=False)
    client.force_login(make_user(role="investigator"))
    page = client.get(reverse("incidents:detail", args=[Incident.objects.get().pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "(10 Jul 2025)" in text and "(1 Jun 2025), changed by import b" in text
