"""The evidence rules of `vigil link` (tests/people/test_linkage_rules.py) on arrival
(incremental.py): two people of one household, a link on a place alone checked
against the person's phones, a link on a name alone checked against the person's
contact details, and a shared phone. Each case with the boundary on the other side
of it."""

from dataclasses import replace
from datetime import date

import pytest

from tests.factories import at
from tests.linkage.helpers import record
from vigil.core.policy import Policy
from vigil.people.linkage import keys
from vigil.people.linkage.incremental import link_new
from vigil.people.models import SourceRecord

T1 = at(2026, 2, 2)
PLACE = dict(address="12 Mill Lane", postcode="B15 2TT")
NOWHERE = dict(address="", postcode="")
A, B = "07700 900111", "07700 900222"
BORN = date(1985, 7, 2)


def _existing(*rows, person=None):
    """Saved records, all of one person when `person` is True (the first's)."""
    out = []
    for values in rows:
        out.append(record(person=out[0].person if person and out else None, **values))
    keys.refresh([r.pk for r in out])
    return out


def _arrive(**values):
    new = record(system="ENCOMPASS", **values)
    [arrival] = link_new([new.pk], as_of=T1)
    return new, arrival


def _policy(monkeypatch, **values):
    monkeypatch.setattr("vigil.people.linkage.incremental.current_policy",
                        lambda: replace(Policy(), **values))


@pytest.mark.parametrize(("arrival", "joined", "queued"), [
    # A second person of the household: another forename (a nickname is still
    # another), her own phone, no date of birth: neither linked nor queued.
    (dict(forename="Ellie", phone=B, **PLACE), False, 0),
    # Without a phone nothing says two: she is Eleanor.
    (dict(forename="Ellie", phone="", **PLACE), True, 0),
    # The same phone: one person.
    (dict(forename="Ellie", phone=A, **PLACE), True, 0),
    # The same forename at the place, but another phone: a link on a place alone
    # against a person holding another phone is held back for review.
    (dict(forename="Eleanor", phone=B, **PLACE), False, 1),
    (dict(forename="Eleanor", phone="", **PLACE), True, 0),
])
def test_two_people_of_one_household(db, arrival, joined, queued):
    [eleanor] = _existing(dict(forename="Eleanor", surname="Hughes", date_of_birth=BORN,
                               phone=A, **PLACE))
    new, got = _arrive(surname="Hughes", date_of_birth=None, **arrival)
    assert got.joined is joined
    assert (SourceRecord.objects.get(pk=new.pk).person_id == eleanor.person_id) is joined
    assert len(got.review_pairs) == queued


def test_a_place_alone_links_where_the_person_holds_no_phone(db):
    [julie] = _existing(dict(forename="Julie", surname="Hughes", date_of_birth=BORN,
                             phone="", **PLACE))
    _new, got = _arrive(forename="Julie", surname="Hughes", date_of_birth=None, phone=B,
                        **PLACE)
    assert got.joined and got.person_id == julie.person_id


@pytest.mark.parametrize(("arrival", "policy", "joined", "queued"), [
    # Her married name on a record holding her phone: the model queues it (0.55);
    # a phone is one person's, so it links.
    (dict(forename="Amanda", surname="Pennington"), {}, True, 0),
    (dict(forename="Amanda", surname="Pennington"), {"link_shared_phones": False}, False, 1),
    # The same phone and nothing else: the model scores it near 0, no rule lifts it.
    (dict(forename="Mandi", surname="Pennington"), {}, False, 0),
])
def test_a_shared_phone(db, monkeypatch, arrival, policy, joined, queued):
    _policy(monkeypatch, **policy)
    [amanda] = _existing(dict(forename="Amanda", surname="Hughes", date_of_birth=BORN,
                              phone=A, **PLACE))
    _new, got = _arrive(date_of_birth=None, phone=A, **NOWHERE, **arrival)
    assert got.joined is joined and len(got.review_pairs) == queued
    if joined:
        assert got.person_id == amanda.person_id


@pytest.mark.parametrize(("phone", "joined"), [
    # Her name alone against a record with no contact field she holds, but the
    # person holds a phone, and it is not hers: neither linked nor queued.
    (B, False),
    # Her phone is the person's: linked.
    (A, True),
    # Nothing to compare: the name is all there is, and it links.
    ("", True),
])
def test_a_name_alone_is_checked_against_the_persons_contact_details(db, monkeypatch, phone,
                                                                     joined):
    _policy(monkeypatch, link_match_probability=0.8)  # the shipped model: 0.87 on a name
    kim = _existing(dict(forename="Kiim", surname="Pritchard", date_of_birth=None, phone="",
                         **PLACE),
                    dict(forename="Kim", surname="Pritchard", date_of_birth=None, phone=A,
                         **NOWHERE), person=True)
    _new, got = _arrive(forename="Kiim", surname="Pritchard", date_of_birth=None,
                        phone=phone, **NOWHERE)
    assert got.joined is joined
    assert (got.person_id == kim[0].person_id) is joined
    assert got.review_pairs == []
