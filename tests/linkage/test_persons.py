"""apply_moves: records move, every move is logged, emptied persons redirect, summaries follow."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.linkage.helpers import record
from vigil.people.linkage import persons
from vigil.people.models import LinkChange, Person, PersonRedirect, RecordMove, SourceRecord


def change():
    return LinkChange.objects.create(kind=LinkChange.Kind.BATCH, at=timezone.now(),
                                     actor="test")


@pytest.fixture
def people(db):
    """Persons A (records a1, a2, a3), B (b1, b2) and C (c1)."""
    a1 = record(forename="Ann", surname="Able")
    a2 = record(person=a1.person, forename="Anne", surname="Able")
    a3 = record(person=a1.person, forename="Annie", surname="Able")
    b1 = record(forename="Bea", surname="Baker", date_of_birth=date(1980, 1, 1), sex="F")
    b2 = record(person=b1.person, forename="Beatrice", surname="Baker")
    c1 = record(forename="Cat", surname="Cole", postcode="B1 1AA")
    return dict(a1=a1, a2=a2, a3=a3, b1=b1, b2=b2, c1=c1)


def person_of(rec):
    return SourceRecord.objects.get(pk=rec.pk).person_id


def test_moves_are_applied_and_logged(people):
    r = people
    a, b, c = r["a1"].person_id, r["b1"].person_id, r["c1"].person_id
    moves = {r["a2"].pk: (a, b), r["a3"].pk: (a, c), r["c1"].pk: (c, b)}
    ch = change()
    persons.apply_moves(ch, moves)
    assert [person_of(r[k]) for k in ("a1", "a2", "a3", "c1")] == [a, b, c, b]
    logged = set(RecordMove.objects.filter(change=ch)
                 .values_list("record_id", "from_person_id", "to_person_id"))
    assert logged == {(rec, f, t) for rec, (f, t) in moves.items()}
    # C kept a record (a3 arrived), A kept a1: nobody emptied.
    assert not PersonRedirect.objects.exists()


def test_emptied_person_redirects_to_who_took_most_then_lowest_id(people):
    r = people
    d1 = record(forename="Dan", surname="Dale")
    a, b, c, d = (r["a1"].person_id, r["b1"].person_id, r["c1"].person_id, d1.person_id)
    assert c < d
    persons.apply_moves(change(), {
        r["a1"].pk: (a, c), r["a2"].pk: (a, c), r["a3"].pk: (a, d),  # most went to C
        r["b1"].pk: (b, d), r["b2"].pk: (b, c),  # a tie: the lower id, C
    })
    assert dict(PersonRedirect.objects.values_list("person_id", "to_person_id")) == {
        a: c, b: c}
    # A holds a record again: no longer redirected.
    persons.apply_moves(change(), {r["a1"].pk: (c, a)})
    assert dict(PersonRedirect.objects.values_list("person_id", "to_person_id")) == {b: c}


def test_summary_shows_latest_updated_record(people):
    r = people
    b = r["b1"].person_id
    SourceRecord.objects.filter(pk=r["c1"].pk).update(
        updated_at=timezone.now() + timedelta(days=1), sex="")
    version = Person.objects.get(pk=b).version
    persons.apply_moves(change(), {r["c1"].pk: (r["c1"].person_id, b)})
    p = Person.objects.get(pk=b)
    assert (p.forename, p.surname, p.postcode, p.sex) == ("Cat", "Cole", "B1 1AA", "U")
    assert p.version == version + 1
    # Back again: B shows its own latest record (the higher id on a tie of times).
    SourceRecord.objects.filter(person_id=b).update(updated_at=timezone.now())
    persons.apply_moves(change(), {r["c1"].pk: (b, r["c1"].person_id)})
    p = Person.objects.get(pk=b)
    assert (p.forename, p.date_of_birth) == ("Beatrice", date(1990, 3, 4))
