"""The incident page: the log, parties, crimes, risk, Encompass, log review; scoped, audited."""

import pytest
from django.urls import reverse

from tests.factories import at, make_crime, make_incident, make_person
from tests.web import builders
from vigil.core.models import AuditEvent


@pytest.fixture
def incident(areas):
    victim = make_person(surname="Smith", forename="Jane")
    suspect = make_person(surname="Brown", forename="Mark")
    child = make_person(surname="Smith", forename="Amy")
    inc = make_incident(areas["BHM"], at(2025, 9, 14, 23, 30), victim=victim, suspect=suspect,
                        children=[child], location="1 High Street", narrative="Neighbour called.",
                        arrived_at=at(2025, 9, 14, 23, 41))
    crime = make_crime(areas["BHM"], at(2025, 9, 15, 1), victim=victim, suspect=suspect,
                       incident=inc)
    builders.make_outcome(crime)
    builders.make_risk(victim, at(2025, 9, 15, 2), incident=inc, crime=crime, yes=9, level=1,
                       final_set_by="PC Jones", supervisor="")
    builders.make_encompass(inc, child, notified_at=at(2025, 9, 15, 8))
    builders.make_log_review(inc, at(2025, 9, 15, 9))
    return inc, victim, suspect, child, crime


def _url(inc, ctx=None):
    url = reverse("incidents:detail", args=[inc.pk])
    return f"{url}?ctx={ctx}" if ctx else url


def test_incident_page_shows_log_parties_and_what_followed(client, make_user, incident):
    inc, victim, suspect, child, crime = incident
    client.force_login(make_user(role="investigator"))
    response = client.get(_url(inc))
    assert response.status_code == 200
    page = response.content.decode()
    assert inc.reference in page and "Priority (P2)" in page
    assert "Neighbour called." in page and "1 High Street" in page
    assert "11\xa0minutes after the call" in page  # timesince uses a no-break space
    # Parties link to person pages with the why-context.
    for sr in (victim, suspect, child):
        assert f'href="/people/{sr.person_id}/?ctx=incident:{inc.pk}"' in page
    assert "Intimate partner" in page
    assert f"{crime.reference}: Assault" in page
    assert "PC Jones" in page and ">Standard<" in page
    assert "notified 15 Sep 2025, 08:00 by PC Shah" in page
    assert "DA specialist Khan" in page and "Direct to call handler" in page
    assert "no-store" in response["Cache-Control"]


def test_control_room_sees_names_without_person_links_when_not_allowed(client, make_user,
                                                                        incident, monkeypatch):
    from vigil.core import roles

    caps = dict(roles.ROLE_CAPABILITIES)
    caps["control_room"] = frozenset({"view_incident"})
    monkeypatch.setattr(roles, "ROLE_CAPABILITIES", caps)
    inc, victim, *_ = incident
    client.force_login(make_user(role="control_room"))
    page = client.get(_url(inc)).content.decode()
    assert "Jane Smith" in page
    assert "/people/" not in page


@pytest.mark.parametrize("role,area,status", [
    ("da_desk", None, 200), ("da_desk", "BHM", 200), ("da_desk", "COV", 404),
    ("analyst", None, 403), ("commissioner", None, 403), ("admin", None, 403),
])
def test_incident_scope_and_roles(client, make_user, areas, incident, role, area, status):
    client.force_login(make_user(role=role, area=areas[area] if area else None))
    assert client.get(_url(incident[0])).status_code == status
    event = AuditEvent.objects.get()
    assert event.action == ("view" if status == 200 else "denied")


def test_each_incident_view_writes_one_event_with_context(client, make_user, incident):
    inc = incident[0]
    user = make_user(role="da_desk")
    client.force_login(user)
    client.get("/")  # the page the user came from, as the server showed it
    client.get(_url(inc, ctx="person:12"))  # ?ctx= is the user's to type, so ignored
    event = AuditEvent.objects.get()
    assert (event.action, event.user, event.object_type, event.object_id, event.context) == (
        "view", user, "incidents.incident", str(inc.pk), "home")


def test_incident_page_query_count_is_bounded(client, make_user, areas, incident,
                                              django_assert_max_num_queries):
    inc, victim, suspect, *_ = incident
    client.force_login(make_user(role="da_desk"))
    for i in range(6):
        crime = make_crime(areas["BHM"], at(2025, 9, 16 + i), victim=victim, suspect=suspect,
                           incident=inc)
        builders.make_outcome(crime)
        builders.make_risk(victim, at(2025, 9, 16 + i, 5), incident=inc, crime=crime)
        builders.make_encompass(inc, make_person(surname="Smith", forename=f"Kid{i}"))
    # Session, user, incident, parties, crimes (+ their parties, + their outcomes' earlier
    # codes), risk, Encompass, log review, audit insert.
    with django_assert_max_num_queries(11):
        response = client.get(_url(inc))
    assert len(response.context["view"].crimes) == 7
