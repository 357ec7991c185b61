"""Authorisation: every URL this work added, for every role, an out-of-area user and
an anonymous visitor. Refusals are audited."""

import pytest
from django.urls import reverse

from tests.factories import at
from tests.web import builders
from vigil.core import roles
from vigil.core.models import AuditEvent, Role

# URL name -> (the capability it needs, how to build its arguments from the case).
PAGES = {
    "orders:detail": (roles.VIEW_PERSON, lambda c: [c["order"].pk]),
    "incidents:arrest": (roles.VIEW_PERSON, lambda c: [c["arrest"].pk]),
    "marac:referral": (roles.VIEW_PERSON, lambda c: [c["marac"].pk]),
    "disclosure:application": (roles.VIEW_PERSON, lambda c: [c["dvds"].pk]),
    "encompass:notification": (roles.VIEW_PERSON, lambda c: [c["encompass"].pk]),
    "people:detail": (roles.VIEW_PERSON, lambda c: [c["person"].pk]),
    "linkage:split": (roles.MANAGE_LINKAGE, lambda c: [c["person"].pk, c["control"].pk]),
    "linkage:review": (roles.MANAGE_LINKAGE, lambda c: []),
}


@pytest.fixture
def case(areas):
    person, control, connect, suspect, recs = builders.victim_with_history(areas)
    recs["encompass"] = builders.make_encompass(recs["incidents"][0], recs["child"])
    recs["dvds"] = builders.make_dvds(connect, suspect, areas["BHM"], at(2025, 11, 1))
    return {**recs, "person": person, "control": control}


def _url(name, case, query=""):
    return reverse(name, args=PAGES[name][1](case)) + query


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_every_role_gets_what_its_capabilities_say(client, make_user, case, role, name):
    user = make_user(role, username=f"{role}-user")
    client.force_login(user)
    query = "?kind=order&page=1" if name == "people:detail" else ""
    response = client.get(_url(name, case, query))
    if roles.can(user, PAGES[name][0]):
        assert response.status_code == 200
        assert not AuditEvent.objects.filter(user=user, action="denied").exists()
    else:
        assert response.status_code == 403
        denied = AuditEvent.objects.get(user=user, action="denied")
        assert denied.detail["capability"] == PAGES[name][0]


@pytest.mark.parametrize("name", [n for n in PAGES if n != "linkage:review"])
def test_an_out_of_area_user_is_refused_and_it_is_audited(client, make_user, areas, case,
                                                          name):
    # Referral & Allocation holds both view_person and manage_linkage.
    user = make_user("referral_allocation", area=areas["COV"])
    client.force_login(user)
    assert client.get(_url(name, case)).status_code == 404
    denied = AuditEvent.objects.get(user=user, action="denied")
    assert denied.detail["reason"] == "out_of_area"
    # The same role in the record's own area gets the page.
    client.force_login(make_user("referral_allocation", area=areas["BHM"]))
    assert client.get(_url(name, case)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, case, name):
    response = client.get(_url(name, case))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
