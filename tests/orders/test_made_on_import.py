"""The import carries a court order's made-on date (issue 15 item 8): a DVPO made in
court with no service time keeps the day it was made, and the subject's age is taken
on it; a made-on date that is not a date is refused with the file, line and column."""

from datetime import date

import pytest

from tests.ingest.builders import base_rows, write_export
from vigil.ingest.importer import ImportRejected, import_dir
from vigil.orders.models import ProtectiveOrder

pytestmark = pytest.mark.django_db


def _dvpo_made_in_court(made_on: str) -> dict:
    rows = base_rows()
    dvpo = rows["orders"][1]
    dvpo.pop("served_at")
    dvpo.update(made_on=made_on, starts_on="2025-04-03")
    for row in rows["orders"]:
        row.setdefault("made_on", "")
    return rows


def test_a_dvpo_made_in_court_without_a_service_time_keeps_its_made_on_date(tmp_path):
    import_dir(write_export(tmp_path, _dvpo_made_in_court("2025-04-03")), progress=False)
    dvpo = ProtectiveOrder.objects.get(source_id="O2")
    assert dvpo.served_at is None and dvpo.made_on == date(2025, 4, 3)
    assert dvpo.subject_age == 39  # P2 born 1985-06-15, aged 39 on the day made
    assert ProtectiveOrder.objects.get(source_id="O1").made_on is None


def test_a_made_on_that_is_not_a_date_is_refused_by_line_and_column(tmp_path):
    with pytest.raises(ImportRejected) as exc:
        import_dir(write_export(tmp_path, _dvpo_made_in_court("31/04/2025")), progress=False)
    (r,) = [r for r in exc.value.result.rejects.rejects if r.file == "orders.csv"]
    assert (r.line, r.column, r.value) == (3, "made_on", "31/04/2025")
    assert not ProtectiveOrder.objects.exists()
