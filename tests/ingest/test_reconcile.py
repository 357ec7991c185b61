"""A record made in Vigil, then imported from its source system: one record, nothing lost
(docs/adr/0006-records-made-in-vigil.md)."""

from datetime import datetime

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.core.calendar import LONDON
from vigil.core.models import AuditEvent, School
from vigil.disclosure.models import DvdsApplication
from vigil.encompass import services as encompass
from vigil.encompass.models import EncompassNotification
from vigil.incidents.models import Incident
from vigil.ingest.importer import import_dir
from vigil.orders import services as orders
from vigil.orders.models import OrderCheck, ProtectiveOrder
from vigil.people.models import SourceRecord

pytestmark = pytest.mark.django_db


def _base(tmp_path):
    import_dir(write_export(tmp_path / "base"), progress=False)
    return ProtectiveOrder.objects.get(source_id="O2")


def _later(tmp_path, **files):
    """A later export: the persons file (always required) and the given files."""
    return write_export(tmp_path / "later", {"persons": base_rows()["persons"], **files})


def _check_row(source_id="K1", checked_at="2025-04-10T18:30:00", notes=""):
    return {"source_system": "CONNECT", "source_id": source_id, "order": "CONNECT:O2",
            "checked_at": checked_at, "checked_by": "PC 7", "victim_contacted": "true",
            "subject_checked": "true", "breach_found": "false", "notes": notes}


def test_a_check_made_in_vigil_then_imported_is_one_record(tmp_path):
    order = _base(tmp_path)
    made = orders.record_order_check(
        order, actor="cli", checked_at=datetime(2025, 4, 10, 17, 0, tzinfo=LONDON),
        victim_contacted=True, subject_checked=True, breach_found=False,
        notes="Victim safe; subject at his mother's")
    vigil_ref = made.source_ref
    result = import_dir(_later(tmp_path, order_checks=[_check_row()]),
                        progress=False)
    assert OrderCheck.objects.count() == 1
    check = OrderCheck.objects.get()
    assert check.pk == made.pk  # same record: tasks' evidence and audit still point at it
    assert check.source_ref == "CONNECT:K1"  # the source system now masters it
    assert check.checked_by == "PC 7" and check.version == made.version + 1
    assert check.notes == "Victim safe; subject at his mother's"  # empty cell: kept
    assert result.counts["order_checks.csv"].updated == 1
    adopted = AuditEvent.objects.get(context__startswith="import: adopted")
    assert adopted.detail == {"adopted": vigil_ref, "by": "CONNECT:K1"}
    # Importing the export again changes nothing.
    again = import_dir(tmp_path / "later", progress=False)
    assert again.counts["order_checks.csv"].unchanged == 1 and OrderCheck.objects.count() == 1


def test_a_check_on_another_day_is_another_record(tmp_path):
    order = _base(tmp_path)
    orders.record_order_check(order, actor="cli",
                              checked_at=datetime(2025, 4, 10, 17, 0, tzinfo=LONDON),
                              victim_contacted=True, subject_checked=True, breach_found=False)
    import_dir(_later(tmp_path, order_checks=[
        _check_row(checked_at="2025-04-17T10:00:00")]), progress=False)
    assert sorted(OrderCheck.objects.values_list("source_system", flat=True)) == [
        "CONNECT", "VIGIL"]


def test_two_source_checks_adopt_one_vigil_record_once(tmp_path):
    order = _base(tmp_path)
    orders.record_order_check(order, actor="cli",
                              checked_at=datetime(2025, 4, 10, 9, 0, tzinfo=LONDON),
                              victim_contacted=True, subject_checked=True, breach_found=False)
    import_dir(_later(tmp_path, order_checks=[
        _check_row("K1", "2025-04-10T09:05:00"), _check_row("K2", "2025-04-10T20:00:00")]),
        progress=False)
    assert sorted(OrderCheck.objects.values_list("source_id", flat=True)) == ["K1", "K2"]


def test_an_encompass_notification_matches_the_child_under_another_systems_record(tmp_path):
    _base(tmp_path)
    incident = Incident.objects.get(source_id="I1")
    child = SourceRecord.objects.get(source_id="P3")
    made = encompass.notify_school(
        incident, child, actor="cli", school=School.objects.get(urn="100001"),
        child_present=True, circumstances="Argument at home",
        notified_at=datetime(2025, 4, 2, 8, 0, tzinfo=LONDON))
    # The education system holds the same child under its own record, linked to the person.
    SourceRecord.objects.create(source_system="EDU", source_id="K9", surname="Brown",
                                forename="Amy", person=child.person)
    import_dir(_later(tmp_path, encompass=[{
        "source_system": "ENCOMPASS", "source_id": "E1", "incident": "CONTROL:I1",
        "child": "EDU:K9", "school": "100001", "local_authority": "BHM",
        "child_present": "true", "circumstances": "Argument at home",
        "notified_at": "2025-04-02T08:10:00", "notified_by": "Encompass unit"}]),
        progress=False)
    note = EncompassNotification.objects.get()
    assert note.pk == made.pk and note.source_ref == "ENCOMPASS:E1"


def test_an_export_never_blanks_what_vigil_filled_in(tmp_path):
    rows = base_rows()
    rows["dvds_applications"] = [{
        "source_system": "DVDS", "source_id": "A1", "route": "ask",
        "applicant_type": "partner", "person_at_risk": "CONNECT:P1", "subject": "CONNECT:P2",
        "lpa": "BHM", "received_at": "2025-04-05T10:00:00"}]
    import_dir(write_export(tmp_path / "base", rows), progress=False)
    from vigil.disclosure import services as disclosure

    app = DvdsApplication.objects.get()
    checked = datetime(2025, 4, 5, 16, 0, tzinfo=LONDON)
    disclosure.record_step(app, actor="cli", step="initial_checks", at=checked)
    rows["dvds_applications"][0]["safety_plan"] = "true"  # the source changes something else
    import_dir(write_export(tmp_path / "later", rows), progress=False)
    app.refresh_from_db()
    assert app.safety_plan and app.initial_checks_at == checked
