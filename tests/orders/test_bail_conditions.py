"""Bail conditions are an order type in the register (issue 12 item 1): imported with
their conditions and protected person, found in the court-orders search by type, and a
breach goes to the daily risk meeting for arrest like any other order's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.ingest.builders import base_rows, write_export
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.orders import queries, services
from vigil.orders.models import ProtectiveOrder
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(order_type="BAIL"):
    today = timezone.localdate()
    rows = base_rows()
    del rows["outcomes"]  # reference data an earlier transactional test may have flushed
    rows["orders"].append(
        {"source_system": "CUSTODY", "source_id": "B1", "order_type": order_type,
         "subject": "CONNECT:P2", "lpa": "BHM", "starts_on": str(today - timedelta(days=3)),
         "ends_on": str(today + timedelta(days=25)), "status": "live",
         "court": "Police bail (custody)"})
    rows["order_conditions"].append(
        {"order": "CUSTODY:B1", "number": "1", "kind": "no_contact",
         "text": "Not to contact Jane Smith directly or indirectly"})
    rows["order_protected_persons"].append({"order": "CUSTODY:B1", "person": "CONNECT:P1"})
    return rows


def test_bail_conditions_are_registered_searched_and_enforced(tmp_path, make_user, areas):
    import_dir(write_export(tmp_path, _rows()), progress=False)
    bail = ProtectiveOrder.objects.get(source_id="B1")
    assert bail.get_order_type_display() == "Bail conditions"
    assert [c.text for c in bail.conditions.all()] == [
        "Not to contact Jane Smith directly or indirectly"]

    commander = make_user(role="lpa_commander", area=bail.lpa)
    found = queries.search_orders(commander, queries.OrderFilters(order_type="BAIL"))
    assert list(found) == [bail]

    officer = make_user(role="civil_orders", area=bail.lpa)
    services.record_breach(bail, actor=officer, reported_at=timezone.now() - timedelta(hours=2),
                           reported_by="victim", notes="He waited outside her work")
    task = Task.objects.get(kind="order_breach")
    assert task.status == "open" and "reported by the victim" in task.reason


def test_an_order_type_the_register_does_not_hold_is_refused_by_line_and_column(tmp_path):
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, _rows("CURFEW")), progress=False)
    (r,) = [r for r in exc.value.result.rejects.rejects if r.file == "orders.csv"]
    assert (r.line, r.column, r.value) == (4, "order_type", "CURFEW")
    assert not ProtectiveOrder.objects.exists()
