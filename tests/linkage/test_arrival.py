"""New records link on arrival, through the import's signal, without relinking everything."""

from datetime import date

import pytest

from tests.factories import at
from tests.linkage.helpers import record
from vigil.core.models import AuditEvent
from vigil.people.linkage import decisions
from vigil.people.linkage.batch import link_all
from vigil.people.linkage.incremental import link_new
from vigil.people.models import LinkChange, Person, PersonRedirect, ReviewPair, SourceRecord

T0, T1, T2 = at(2026, 2, 1), at(2026, 2, 2), at(2026, 2, 3)


def person_of(r):
    return SourceRecord.objects.get(pk=r.pk).person_id


@pytest.fixture
def linked(db):
    existing = [record(system="CONNECT"), record(system="CONTROL", phone="")]
    stranger = record(forename="Amir", surname="Khan", date_of_birth=date(1979, 5, 5),
                      sex="M", postcode="B10 0AA", address="5 Coventry Road",
                      phone="0121 555 0000")
    link_all(as_of=T0)
    return existing, stranger


def test_a_new_record_joins_its_person_at_once(linked):
    existing, stranger = linked
    new = record(system="ENCOMPASS", forename="Jayne", address="12 high st")
    singleton = new.person_id
    [arrival] = link_new([new.pk], as_of=T1)
    assert arrival.joined and arrival.person_id == person_of(existing[0])
    assert person_of(new) == person_of(existing[0])
    assert person_of(stranger) != person_of(existing[0])
    assert PersonRedirect.objects.get(person_id=singleton).to_person_id == arrival.person_id
    change = LinkChange.objects.get(kind="arrival")
    assert AuditEvent.objects.filter(action="link", object_id=str(change.pk)).exists()


def test_a_new_record_with_no_match_founds_its_own_person(linked):
    new = record(forename="Olu", surname="Adeyemi", date_of_birth=date(2001, 9, 9),
                 postcode="WS1 1AA", address="1 Park Road", phone="07999 000111")
    [arrival] = link_new([new.pk], as_of=T1)
    assert not arrival.joined and person_of(new) == new.person_id


def test_arrival_respects_a_split(linked, make_user):
    existing, _ = linked
    reviewer = make_user("da_desk")
    decisions.split_record(SourceRecord.objects.get(pk=existing[1].pk), user=reviewer,
                           as_of=T1)
    # The split-off record re-arrives (e.g. re-imported): it must not rejoin.
    [arrival] = link_new([existing[1].pk], as_of=T2)
    assert person_of(existing[1]) != person_of(existing[0])
    assert not arrival.joined


def test_an_uncertain_arrival_goes_to_review(linked):
    existing, _ = linked
    new = record(system="CUSTODY", date_of_birth=None, sex="U", postcode="", address="",
                 phone="")
    [arrival] = link_new([new.pk], as_of=T1)
    assert not arrival.joined
    pair = ReviewPair.objects.get(status="open")
    assert new.pk in (pair.record_a_id, pair.record_b_id)


def test_an_arrival_whose_contact_details_are_all_against_it_is_not_queued(linked):
    """The same name, no date of birth, and a phone and place unlike any the
    person has: the name alone against the evidence (pipeline.contradicted)."""
    new = record(system="CUSTODY", date_of_birth=None, sex="U", postcode="CV1 5FB",
                 address="8 Oak Street", phone="07911 123456")
    [arrival] = link_new([new.pk], as_of=T1)
    assert not arrival.joined and person_of(new) == new.person_id
    assert not ReviewPair.objects.filter(status="open").exists()


def test_the_import_signal_links_new_singletons(linked):
    from vigil.ingest.signals import records_imported

    existing, _ = linked
    new = record(system="ENCOMPASS", surname="Smith", phone="07700900123")
    records_imported.send(sender=None, person_ids={new.person_id, existing[0].person_id},
                          as_of=T1)
    assert person_of(new) == person_of(existing[0])
    assert Person.objects.filter(pk=new.person_id).exists()  # kept, redirected


def test_the_batch_run_clusters_with_the_date_of_birth_guard(db, monkeypatch):
    # The guard (cluster.py) stops a chain of pairs bridging conflicting dates of
    # birth; it is off unless the caller hands over every record's date.
    from vigil.people.linkage import cluster

    seen = {}
    real = cluster.cluster

    def spy(ids, pairs, **kwargs):
        seen.update(kwargs.get("dobs") or {})
        return real(ids, pairs, **kwargs)

    monkeypatch.setattr(cluster, "cluster", spy)
    a, b = record(date_of_birth=date(1980, 1, 2)), record(date_of_birth=None, forename="Jo")
    link_all(as_of=T0)
    assert seen == {a.pk: "1980-01-02", b.pk: None}
