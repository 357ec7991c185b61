"""Linkage review is scoped by area: pairs, decisions, splits and reverts."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import at, make_incident
from tests.linkage.helpers import record
from vigil.core.models import AuditEvent
from vigil.people.models import LinkChange, ReviewPair, SourceRecord


def _pair(lpa, areas, name):
    a = record(forename=name, surname="Walsh", date_of_birth=date(1988, 8, 8), sex="U",
               postcode="", address="", phone="")
    b = record(forename=name, surname="Walsh", date_of_birth=None, sex="U", postcode="",
               address="", phone="")
    if lpa:
        make_incident(areas[lpa], at(2026, 1, 2), victim=b)
    return ReviewPair.objects.create(record_a=a, record_b=b, match_probability=0.8,
                                     match_weight=2.0, model_version="t",
                                     evidence=[["forename", "Exact"]], created_at=at(2026, 1, 1))


@pytest.fixture
def pairs(areas):
    return {"COV": _pair("COV", areas, "Coventrina"), "WOL": _pair("WOL", areas, "Wulfrun"),
            "none": _pair(None, areas, "Nowhere")}


def test_an_lpa_reviewer_sees_only_pairs_with_a_record_in_their_area(client, make_user,
                                                                       areas, pairs):
    client.force_login(make_user("safeguarding", area=areas["COV"]))
    page = client.get(reverse("linkage:review")).content.decode()
    assert "Coventrina" in page
    assert "Wulfrun" not in page and "Nowhere" not in page
    assert "1 pair awaiting review with a record of a person in Coventry" in page
    client.force_login(make_user("safeguarding", username="force-wide"))
    page = client.get(reverse("linkage:review")).content.decode()
    assert all(n in page for n in ("Coventrina", "Wulfrun", "Nowhere"))


def test_a_decision_outside_the_area_is_refused_and_audited(client, make_user, areas, pairs):
    user = make_user("safeguarding", area=areas["COV"])
    client.force_login(user)
    wol = pairs["WOL"]
    response = client.post(reverse("linkage:review-decide", args=[wol.pk]),
                           {"decision": "same", "reason": "looks the same"})
    assert response.status_code == 404
    wol.refresh_from_db()
    assert wol.status == "open" and not LinkChange.objects.exists()
    denied = AuditEvent.objects.get(user=user, action="denied")
    assert (denied.object_type, denied.object_id) == ("people.reviewpair", str(wol.pk))
    assert denied.detail["reason"] == "out_of_area"
    # In the area, the same decision goes through.
    cov = pairs["COV"]
    client.post(reverse("linkage:review-decide", args=[cov.pk]), {"decision": "different"})
    cov.refresh_from_db()
    assert cov.status == "different"


def test_splitting_asks_for_confirmation_and_a_reason(client, make_user, areas):
    one = record()
    two = record(system="CONTROL", person=one.person)
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one)
    client.force_login(make_user("safeguarding", area=areas["BHM"]))
    links = client.get(reverse("linkage:person", args=[one.person_id])).content.decode()
    url = reverse("linkage:split", args=[one.person_id, two.pk])
    assert f'href="{url}"' in links
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Is CONTROL" in confirm.content.decode()
    # Nothing moves without both the tick and a reason.
    for data, message in (({"reason": "wrong DOB"}, "Confirm that this record"),
                          ({"confirm": "yes", "reason": "  "}, "Enter why this record")):
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode()
        assert "There is a problem" in response.content.decode()
        assert SourceRecord.objects.get(pk=two.pk).person_id == one.person_id
    client.post(url, {"confirm": "yes", "reason": "wrong DOB"})
    assert SourceRecord.objects.get(pk=two.pk).person_id != one.person_id
    assert LinkChange.objects.get(kind="unlink").reason == "wrong DOB"


def test_split_and_revert_outside_the_area_are_refused_and_audited(client, make_user, areas):
    one = record()
    two = record(system="CONTROL", person=one.person)
    make_incident(areas["BHM"], at(2026, 1, 2), victim=one)
    client.force_login(make_user("safeguarding", username="bhm", area=areas["BHM"]))
    client.post(reverse("linkage:split", args=[one.person_id, two.pk]),
                {"confirm": "yes", "reason": "wrong DOB"})
    change = LinkChange.objects.get(kind="unlink")
    outsider = make_user("safeguarding", username="cov", area=areas["COV"])
    client.force_login(outsider)
    assert client.get(reverse("linkage:split", args=[one.person_id, two.pk])
                      ).status_code == 404
    assert client.post(reverse("linkage:revert", args=[change.pk])).status_code == 404
    assert not LinkChange.objects.filter(kind="revert").exists()
    assert AuditEvent.objects.filter(user=outsider, action="denied").count() == 2
