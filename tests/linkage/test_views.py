"""The search page, the review queue and a person's links page, through the web."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import at, make_incident
from tests.linkage.helpers import record
from vigil.core.models import AuditEvent
from vigil.people.linkage import keys
from vigil.people.models import LinkChange, ReviewPair, SourceRecord


@pytest.fixture
def jane(areas):
    r = record()
    make_incident(areas["BHM"], at(2026, 1, 2), victim=r)
    keys.refresh()
    return r


def login(client, user):
    client.force_login(user)
    return client


def test_search_page_lists_hits_with_reasons_and_audits(client, make_user, jane):
    c = login(client, make_user("da_desk"))
    page = c.get(reverse("linkage:search"), {"name": "Jane Smyth", "ctx": "search"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jane SMITH" in html and "sounds like" in html and "Victim" in html
    assert AuditEvent.objects.filter(action="search", context="search").count() == 1


def test_search_page_explains_bad_input(client, make_user, jane):
    c = login(client, make_user("da_desk"))
    html = c.get(reverse("linkage:search"), {"dob": "32/13/1990"}).content.decode()
    assert "Date of birth" in html and "There is a problem" in html
    assert not AuditEvent.objects.filter(action="search").exists()


def test_roles_without_search_get_403_and_it_is_audited(client, make_user, jane):
    c = login(client, make_user("analyst"))
    assert c.get(reverse("linkage:search"), {"name": "Smith"}).status_code == 403
    assert AuditEvent.objects.filter(action="denied").exists()


@pytest.fixture
def pair(db):
    a = record(forename="Kerry", surname="Walsh", date_of_birth=date(1988, 8, 8), sex="U",
               postcode="", address="", phone="")
    b = record(forename="Kerry", surname="Walsh", date_of_birth=None, sex="U", postcode="",
               address="", phone="")
    return ReviewPair.objects.create(record_a=a, record_b=b, match_probability=0.8,
                                     match_weight=2.0, model_version="t",
                                     evidence=[["forename", "Exact"]], created_at=at(2026, 1, 1))


def test_reviewer_links_a_pair_from_the_queue(client, make_user, pair):
    c = login(client, make_user("safeguarding"))
    assert "Kerry Walsh" in c.get(reverse("linkage:review")).content.decode()
    c.post(reverse("linkage:review-decide", args=[pair.pk]), {"decision": "same",
                                                              "reason": "same NI number"})
    a, b = SourceRecord.objects.get(pk=pair.record_a_id), SourceRecord.objects.get(
        pk=pair.record_b_id)
    assert a.person_id == b.person_id
    assert LinkChange.objects.get(kind="link").reason == "same NI number"


def test_only_linkage_managers_see_the_queue(client, make_user, pair):
    c = login(client, make_user("da_desk"))
    assert c.get(reverse("linkage:review")).status_code == 403


def test_split_and_revert_from_the_person_links_page(client, make_user, areas):
    one = record()
    two = record(system="CONTROL", person=one.person)
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one)
    c = login(client, make_user("safeguarding"))
    url = reverse("linkage:person", args=[one.person_id])
    assert c.get(url).status_code == 200
    c.post(reverse("linkage:split", args=[one.person_id, two.pk]),
           {"confirm": "yes", "reason": "wrong DOB"})
    assert SourceRecord.objects.get(pk=two.pk).person_id != one.person_id
    change = LinkChange.objects.get(kind="unlink")
    assert "Revert this change" in c.get(url).content.decode()
    c.post(reverse("linkage:revert", args=[change.pk]), {"person": one.person_id})
    assert SourceRecord.objects.get(pk=two.pk).person_id == one.person_id


def test_person_links_page_is_scoped_by_area(client, make_user, areas):
    one = record()
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one)
    c = login(client, make_user("safeguarding", area=areas["COV"]))
    assert c.get(reverse("linkage:person", args=[one.person_id])).status_code == 404


def test_review_queue_names_each_person_by_the_forces_references(client, make_user, pair):
    """Each side's person is shown by name, date of birth and source references (the
    first three, then a count), never by Vigil's person number."""
    for _ in range(4):  # the dated record's person holds five records
        record(forename="Kerry", surname="Walsh", date_of_birth=date(1988, 8, 8),
               system="CONTROL", person=pair.record_a.person)
    a, b = pair.record_a, pair.record_b
    html = login(client, make_user("safeguarding")).get(reverse("linkage:review")
                                                       ).content.decode()
    shown = sorted(SourceRecord.objects.filter(person=a.person).values_list(
        "source_system", "source_id"))[:3]
    assert all(f"{s} {n}" in html for s, n in shown)
    assert "and 2 more records" in html and "born 8 Aug 1988" in html
    assert f"records {b.source_system} {b.source_id}<" in html.replace("</span>", "<")
    assert f"person {a.person_id}<" not in html and f"person {b.person_id}<" not in html
    assert reverse("people:detail", args=[a.person_id]) in html


@pytest.mark.parametrize("typed", ["{s} {n}", "{s}:{n}", " {s_lower} {n_lower} "])
def test_person_is_linked_by_a_source_reference_not_a_number(client, make_user, areas,
                                                             typed):
    one = record()
    other = record(forename="Janet", system="CONTROL")
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one, suspect=other)
    c = login(client, make_user("safeguarding"))
    ref = typed.format(s=other.source_system, n=other.source_id,
                       s_lower=other.source_system.lower(), n_lower=other.source_id.lower())
    page = c.post(reverse("linkage:person-action", args=[one.person_id]),
                  {"action": "link", "other": ref, "reason": "same phone"}, follow=True)
    assert SourceRecord.objects.get(pk=other.pk).person_id == one.person_id
    assert f"{other.source_system} {other.source_id}" in page.content.decode()


@pytest.mark.parametrize("typed", ["", str(10**6), "CONNECT", "CONNECT NOSUCH1"])
def test_a_person_number_or_unknown_reference_is_refused(client, make_user, areas, typed):
    one = record()
    other = record(forename="Janet", system="CONTROL")
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one, suspect=other)
    c = login(client, make_user("safeguarding"))
    page = c.post(reverse("linkage:person-action", args=[one.person_id]),
                  {"action": "link", "other": typed or str(other.person_id)}, follow=True)
    assert SourceRecord.objects.get(pk=other.pk).person_id != one.person_id
    assert "for example CONNECT P0001234" in page.content.decode()


def test_linking_another_areas_person_by_reference_is_refused(client, make_user, areas):
    one = record()
    other = record(forename="Janet", system="CONTROL")
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one)
    make_incident(areas["COV"], at(2026, 1, 2), victim=other)
    c = login(client, make_user("safeguarding", area=areas["BHM"]))
    page = c.post(reverse("linkage:person-action", args=[one.person_id]),
                  {"action": "link", "other": f"{other.source_system} {other.source_id}"})
    assert page.status_code == 404
    assert SourceRecord.objects.get(pk=other.pk).person_id != one.person_id
    assert AuditEvent.objects.filter(action="denied").exists()
