"""Keys written in bulk (indexes dropped and rebuilt) equal keys written row by row."""

from datetime import date

import pytest
from django.db import connection

from tests.linkage.helpers import record
from vigil.people.linkage import keys
from vigil.people.models import LinkKey

VARIED = [
    dict(forename="Mary-Jane", surname="O'Brien", phone="+44 (0)121 626 5000"),
    dict(forename="José", surname="Müller", postcode="b15 2tt", address="12 High St."),
    dict(forename="", surname="Ng", date_of_birth=None, postcode="", address="", phone=""),
    dict(forename="Bill", surname="Smith", date_of_birth=date(2001, 12, 1)),
]


def stored_keys():
    return list(LinkKey.objects.order_by("record_id").values_list(*keys.COLUMNS))


def index_definitions():
    with connection.cursor() as cur:
        return keys._index_definitions(cur, LinkKey._meta.db_table)


@pytest.fixture
def records(db):
    return [record(**kw) for kw in VARIED]


def test_bulk_write_gives_the_same_keys_and_indexes(records, monkeypatch):
    assert keys.refresh_missing() == len(records)
    row_by_row, indexes = stored_keys(), index_definitions()
    assert {name for name, _sql in indexes} >= {"linkkey_name", "linkkey_phone"}
    LinkKey.objects.all().delete()
    monkeypatch.setattr(keys, "BULK_ROWS", 1)
    monkeypatch.setattr(keys, "PAGE", 3)  # more than one page
    assert keys.refresh_missing() == len(records)
    assert stored_keys() == row_by_row
    assert index_definitions() == indexes
    assert keys.refresh() == len(records)
    assert stored_keys() == row_by_row
    assert keys.refresh([r.pk for r in records]) == len(records)
    assert stored_keys() == row_by_row
    assert index_definitions() == indexes


def test_failed_bulk_write_keeps_old_keys_and_indexes(records, monkeypatch):
    keys.refresh_missing()
    before, indexes = stored_keys(), index_definitions()
    monkeypatch.setattr(keys, "BULK_ROWS", 1)

    def fail(_rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(keys, "_insert", fail)
    with pytest.raises(RuntimeError):
        keys.refresh()
    assert stored_keys() == before
    assert index_definitions() == indexes


def test_refresh_follows_a_changed_record(records):
    keys.refresh_missing()
    rec = records[0]
    rec.surname, rec.phone = "Smith-Jones", "0044 7700 900123"
    rec.save()
    assert keys.refresh([rec.pk]) == 1
    key = LinkKey.objects.get(record_id=rec.pk)
    assert (key.surname, key.phone) == ("smithjones", "07700900123")
    assert keys.refresh_missing() == 0
