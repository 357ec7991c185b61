"""The import format carries the coordination records, and refuses what the forms refuse
(the same checks): a transfer to the LPA the case is already in, an action with no owner."""

from __future__ import annotations

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.marac.models import MaracAction, MaracMeeting, MaracReferral, MaracTransfer

pytestmark = pytest.mark.django_db(transaction=True)


def _rows():
    rows = base_rows()
    # Outcome codes are reference data an earlier transactional test may have flushed;
    # this test is about MARAC, so it leaves outcomes out.
    del rows["outcomes"]
    rows["areas"].append({"code": "COV", "name": "Coventry", "kind": "lpa", "parent": "WMP",
                          "adult_women": "150000"})
    rows["marac_meetings"] = [
        {"source_system": "MARAC", "source_id": "MM1", "lpa": "BHM", "held_on": "2025-04-14",
         "capacity": "16", "attended_by": "Police\nIDVA service\nHousing"}]
    rows["marac_referrals"] = [
        {"source_system": "MARAC", "source_id": "MR1", "victim": "CONNECT:P1", "lpa": "BHM",
         "referring_agency": "Police", "referred_on": "2025-04-02",
         "visible_high_risk": "true", "status": "heard", "meeting": "MARAC:MM1",
         "heard_on": "2025-04-14", "sharing_basis": "risk_of_harm",
         "outcome": "Safety plan agreed", "closed_on": "2025-05-20"}]
    rows["marac_actions"] = [
        {"source_system": "MARAC", "source_id": "MA1", "referral": "MARAC:MR1",
         "agency": "Housing", "owner": "A. Khan", "description": "Sanctuary scheme",
         "due_on": "2025-04-30", "completed_on": "", "carried_on": "2025-05-12"}]
    rows["marac_transfers"] = [
        {"source_system": "MARAC", "source_id": "MT1", "referral": "MARAC:MR1",
         "from_lpa": "BHM", "to_lpa": "COV", "transferred_on": "2025-05-21",
         "sent": "Referral and minutes"},
        {"source_system": "MARAC", "source_id": "MT2", "referral": "MARAC:MR1",
         "from_lpa": "", "origin": "Staffordshire MARAC", "to_lpa": "BHM",
         "transferred_on": "2025-04-01"}]
    return rows


def test_the_coordination_records_import(tmp_path):
    try:
        import_dir(write_export(tmp_path, _rows()), progress=False)
    except ImportRejected as exc:  # say which row, if ever
        pytest.fail(repr(exc.result.rejects.rejects))
    ref = MaracReferral.objects.get()
    assert (ref.sharing_basis, ref.outcome, str(ref.closed_on)) == (
        "risk_of_harm", "Safety plan agreed", "2025-05-20")
    assert MaracMeeting.objects.get().attendance == ["Police", "IDVA service", "Housing"]
    action = MaracAction.objects.get()
    assert (action.owner, str(action.carried_on)) == ("A. Khan", "2025-05-12")
    inward = MaracTransfer.objects.get(source_id="MT2")
    assert inward.from_lpa is None and inward.origin == "Staffordshire MARAC"


def test_a_withdrawal_imports_with_its_date(tmp_path):
    rows = _rows()
    rows["marac_referrals"][0].update({"status": "withdrawn", "meeting": "", "heard_on": "",
                                       "outcome": "", "closed_on": "",
                                       "withdrawn_on": "2025-04-09"})
    del rows["marac_actions"]
    import_dir(write_export(tmp_path, rows), progress=False)
    ref = MaracReferral.objects.get()
    assert (ref.status, str(ref.withdrawn_on)) == ("withdrawn", "2025-04-09")


@pytest.mark.parametrize(("file", "change", "column", "reason"), [
    ("marac_transfers", {"to_lpa": "BHM"}, "to_lpa",
     "a transfer to the LPA the case is already in"),
    ("marac_actions", {"agency": ""}, "agency", "required value is missing"),
    # Issue 15 item 8: a withdrawal date belongs to a withdrawn referral, after it was made.
    ("marac_referrals", {"withdrawn_on": "2025-04-20"}, "withdrawn_on",
     "only a withdrawn referral has withdrawn_on"),
    ("marac_referrals", {"status": "withdrawn", "meeting": "", "heard_on": "",
                         "outcome": "", "closed_on": "", "withdrawn_on": "2025-04-01"},
     "withdrawn_on", "before referred_on"),
])
def test_bad_rows_are_refused_naming_what_and_where(tmp_path, file, change, column, reason):
    rows = _rows()
    rows[file][0].update(change)
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, rows), progress=False)
    rejects = [r for r in exc.value.result.rejects.rejects if r.file == f"{file}.csv"]
    assert rejects and rejects[0].line == 2 and rejects[0].column == column
    assert reason in rejects[0].reason
    assert not MaracReferral.objects.exists()  # all or nothing


@pytest.mark.parametrize("per_row", [True, False], ids=["per-row", "set-wise"])
def test_an_actions_file_alone_reruns_the_victims_rules(tmp_path, monkeypatch, per_row):
    """A night's export of only MARAC actions (with the required persons file, unchanged)
    moves the victim's task in the MARAC queue at once: a row referring to a referral
    concerns the referral's victim."""
    from datetime import timedelta

    from django.utils import timezone

    from vigil.safeguarding.models import Task

    if per_row:
        monkeypatch.setenv("VIGIL_IMPORT_PER_ROW", "1")
    else:
        monkeypatch.delenv("VIGIL_IMPORT_PER_ROW", raising=False)
    today = timezone.localdate()
    rows = _rows()
    del rows["marac_transfers"]
    actions = rows.pop("marac_actions")
    rows["marac_meetings"][0]["held_on"] = str(today - timedelta(days=5))
    rows["marac_referrals"][0].update({"referred_on": str(today - timedelta(days=20)),
                                       "heard_on": str(today - timedelta(days=5)),
                                       "closed_on": ""})
    import_dir(write_export(tmp_path / "cases", rows), progress=False)
    assert not Task.objects.filter(kind="marac_action").exists()

    actions[0].update({"due_on": str(today - timedelta(days=1)), "carried_on": ""})
    # The persons file is required in every export; unchanged, it touches nobody.
    import_dir(write_export(tmp_path / "new", {"persons": rows["persons"],
                                               "marac_actions": actions}), progress=False)
    task = Task.objects.get(kind="marac_action")
    assert task.status == "open" and task.due_at < timezone.now()  # overdue

    actions[0]["completed_on"] = str(today)
    import_dir(write_export(tmp_path / "done", {"persons": rows["persons"],
                                                "marac_actions": actions}), progress=False)
    task.refresh_from_db()
    assert task.status == "met" and task.outcome == f"done on {today:%d %b %Y}"
