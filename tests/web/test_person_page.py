"""The person page: one timeline across source systems, scoped, audited, no N+1."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import at, make_crime, make_incident, make_person
from tests.web import builders
from vigil.core.models import AuditEvent


def _url(person, ctx=None):
    url = reverse("people:detail", args=[person.pk])
    return f"{url}?ctx={ctx}" if ctx else url


@pytest.fixture
def victim(areas):
    return builders.victim_with_history(areas)


def test_timeline_joins_records_from_two_source_systems(client, make_user, victim):
    person, control, connect, suspect, records = victim
    client.force_login(make_user(role="da_desk"))
    response = client.get(_url(person))
    assert response.status_code == 200
    view = response.context["view"]

    assert [s.source_system for s in view.source_records] == ["CONNECT", "CONTROL"]
    kinds = {(e.kind, e.source_system) for e in view.timeline}
    # Incidents came from CONTROL's record, everything else from CONNECT's.
    assert ("incident", "CONTROL") in kinds
    assert {("crime", "CONNECT"), ("risk", "DASH"), ("order", "ORDERS"),
            ("arrest", "CUSTODY"), ("marac", "MARAC")} <= kinds
    assert view.counts["incident"] == 2
    assert view.counts["marac"] == 2  # referral and hearing
    # Newest first.
    times = [e.at for e in view.timeline]
    assert times == sorted(times, reverse=True)

    page = response.content.decode()
    crime, risk, order = records["crime"], records["risk"], records["order"]
    assert f"Crime {crime.reference}: Assault" in page
    assert f"Outcome 1: {records['outcome'].code.label}" in page
    assert "Score 15 yes" in page and "Final level High, set by DS Patel" in page
    assert "Domestic Violence Protection Order" in page
    assert "Condition 1 (No contact): Not to contact Jayne Smith" in page
    assert "Protecting this person" in page
    assert "Suspect Mark Brown arrested" in page and "Victim&#x27;s views captured" in page
    assert "Heard 15 days after referral" in page
    # Source records table: system, id, name, DOB, address, phone.
    assert connect.source_id in page and "1 High St" in page and "07700900001" in page
    # Incidents link to their page, carrying the why-context.
    second = records["incidents"][1]
    assert f'href="/incidents/{second.pk}/?ctx=person:{person.pk}"' in page
    assert risk.source_id in page and order.source_id in page


def test_other_kinds_appear_with_their_source(client, make_user, areas):
    victim = make_person(surname="Khan", forename="Sara", system="CONNECT")
    child = make_person(surname="Khan", forename="Ali", dob=date(2016, 1, 1), system="CONTROL")
    partner = make_person(surname="Ray", forename="Tom")
    incident = make_incident(areas["BHM"], at(2025, 5, 1), victim=victim, children=[child])
    crime = make_crime(areas["BHM"], at(2025, 5, 2), victim=victim, incident=incident)
    builders.make_dvds(victim, partner, areas["BHM"], at(2025, 6, 1))
    builders.make_victim_care(victim, crime, at(2025, 5, 3))
    builders.make_vulnerability(victim, date(2025, 5, 1), factor="pregnancy")
    builders.make_encompass(incident, child, notified_at=at(2025, 5, 2, 8))
    client.force_login(make_user(role="safeguarding"))

    adult = client.get(_url(victim.person)).content.decode()
    assert "Clare&#x27;s Law: Right to Ask" in adult and "As person at risk" in adult
    assert "Victims&#x27; Code: crime" in adult and "Contact plan: Phone, weekly" in adult
    assert "Vulnerability: Pregnant or baby under 18 months" in adult
    kid = client.get(_url(child.person)).content.decode()
    assert "Operation Encompass notification" in kid and "Child present" in kid


@pytest.mark.parametrize("role,status", [
    ("analyst", 403), ("commissioner", 403), ("admin", 403),
    ("da_desk", 200), ("control_room", 200),
])
def test_who_may_open_a_person_page(client, make_user, victim, role, status):
    client.force_login(make_user(role=role))
    assert client.get(_url(victim[0])).status_code == status


def test_analyst_denial_is_audited(client, make_user, victim):
    client.force_login(make_user(role="analyst", username="an-1"))
    client.get("/")  # the page the analyst came from
    response = client.get(_url(victim[0], ctx="forged"))
    assert response.status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.context) == ("denied", "an-1", "home")
    assert event.detail["capability"] == "view_person"


def test_area_scope(client, make_user, areas, victim):
    person = victim[0]  # records in Birmingham only
    client.force_login(make_user(role="da_desk", area=areas["COV"], username="cov-1"))
    assert client.get(_url(person, ctx="search")).status_code == 404
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.detail["reason"]) == (
        "denied", str(person.pk), "out_of_area")

    client.force_login(make_user(role="da_desk", area=areas["BHM"]))
    assert client.get(_url(person)).status_code == 200
    client.force_login(make_user(role="da_desk"))  # force-wide
    assert client.get(_url(person)).status_code == 200


def test_a_record_in_the_users_area_makes_the_whole_person_visible(client, make_user, areas,
                                                                  victim):
    person, control, connect, suspect, records = victim
    coventry_incident = make_incident(areas["COV"], at(2026, 1, 10), victim=control)
    client.force_login(make_user(role="da_desk", area=areas["COV"]))
    response = client.get(_url(person))
    assert response.status_code == 200
    page = response.content.decode()
    # The Birmingham history is shown (it is risk-relevant) but not linked.
    assert "Outside your area" in page
    assert f'href="/incidents/{coventry_incident.pk}/' in page
    assert f'href="/incidents/{records["incidents"][0].pk}/' not in page


@pytest.mark.parametrize("kind", ["order_protecting", "marac", "dvds"])
def test_scope_counts_orders_marac_and_clares_law(client, make_user, areas, kind):
    victim = make_person(surname="Lee", forename="Ann")
    other = make_person(surname="Ng", forename="Bo")
    if kind == "order_protecting":
        builders.make_order(other, areas["COV"], at(2025, 1, 1), protected=[victim])
    elif kind == "marac":
        builders.make_marac(victim, areas["COV"], date(2025, 1, 1))
    else:
        builders.make_dvds(victim, other, areas["COV"], at(2025, 1, 1))
    client.force_login(make_user(role="da_desk", area=areas["COV"]))
    assert client.get(_url(victim.person)).status_code == 200
    client.force_login(make_user(role="da_desk", area=areas["DUD"]))
    assert client.get(_url(victim.person)).status_code == 404


def test_unknown_person_is_404_without_audit(client, make_user, db):
    client.force_login(make_user(role="da_desk"))
    assert client.get("/people/999999/").status_code == 404
    assert not AuditEvent.objects.exists()


def test_each_view_writes_exactly_one_audit_event_with_context(client, make_user, victim):
    person = victim[0]
    user = make_user(role="da_desk", username="desk-9")
    client.force_login(user)
    # The why is the page the server last showed this user, whatever ?ctx= says.
    client.get(reverse("safeguarding:queue", args=["victim_care"]))
    client.get(reverse("linkage:search"))
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    client.get(_url(person, ctx="queue:marac"))
    # A Referer counts when it is a page the server showed; a forged one does not.
    client.get(_url(person), HTTP_REFERER="http://testserver/queues/victim_care/?lpa=1")
    client.get(_url(person), HTTP_REFERER="http://testserver/queues/marac/")
    events = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    assert [(e.action, e.user, e.object_type, e.object_id, e.context) for e in events] == [
        ("view", user, "people.person", str(person.pk), "search"),
        ("view", user, "people.person", str(person.pk), "queue:victim_care"),
        ("view", user, "people.person", str(person.pk), f"person:{person.pk}"),
    ]


def test_person_page_is_not_cached(client, make_user, victim):
    client.force_login(make_user(role="da_desk"))
    response = client.get(_url(victim[0]))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def _add_history(areas, control, connect, suspect, n):
    for i in range(n):
        inc = make_incident(areas["BHM"], at(2024, 1 + i, 3), victim=control, suspect=suspect)
        crime = make_crime(areas["BHM"], at(2024, 1 + i, 4), victim=connect, suspect=suspect,
                           incident=inc)
        builders.make_outcome(crime)
        builders.make_risk(connect, at(2024, 1 + i, 4, 13), incident=inc, crime=crime)
        builders.make_order(suspect, areas["BHM"], at(2024, 1 + i, 5), protected=[connect],
                            conditions=["No contact", "Not to enter the street"])
        builders.make_arrest(suspect, crime, at(2024, 1 + i, 4, 15))
        builders.make_marac(connect, areas["BHM"], date(2024, 1 + i, 6))
        builders.make_victim_care(connect, crime, at(2024, 1 + i, 5))


def test_query_count_does_not_grow_with_history(client, make_user, areas, victim,
                                                django_assert_max_num_queries):
    person, control, connect, suspect, _ = victim
    client.force_login(make_user(role="da_desk", area=areas["BHM"]))
    client.get(_url(person))  # warm the session
    # Session, user, the person and its area scope, source records, one query per kind
    # (+1 for order conditions), the audit insert, the user's area in the header; the
    # summary's parties (2), open tasks and flags, and one per kind of evidence record;
    # arrests and orders find their keys by two index lookups first (+2 each).
    with django_assert_max_num_queries(27):
        small = client.get(_url(person))
    _add_history(areas, control, connect, suspect, 8)
    with django_assert_max_num_queries(27):
        large = client.get(_url(person))
    assert len(large.context["view"].timeline) > len(small.context["view"].timeline) + 40


def test_person_page_shows_flags_with_their_evidence(client, make_user, areas):
    from vigil.safeguarding import engine

    victim = make_person(surname="Repeat")
    make_incident(areas["BHM"], at(2026, 1, 5), victim=victim)
    second = make_incident(areas["BHM"], at(2026, 2, 5), victim=victim)
    engine.run(as_of=at(2026, 2, 6))
    client.force_login(make_user(role="da_desk"))
    page = client.get(_url(victim.person)).content.decode()
    assert "Repeat victim" in page
    # Evidence shows the force's own reference, linked to the record; never the model id.
    assert (f'href="/incidents/{second.pk}/?ctx=person:{victim.person.pk}">Incident '
            f'CONTROL {second.reference}</a>') in page
    assert "incidents.incident:" not in page and "repeat_victim" not in page


def test_person_page_says_when_there_are_no_flags(client, make_user, areas):
    victim = make_person(surname="Quiet")
    make_incident(areas["BHM"], at(2026, 1, 5), victim=victim)
    client.force_login(make_user(role="da_desk"))
    assert "No flags in force." in client.get(_url(victim.person)).content.decode()


def test_timeline_is_filtered_by_kind_and_paginated(client, make_user, areas, victim):
    person, control, connect, suspect, _ = victim
    _add_history(areas, control, connect, suspect, 5)
    client.force_login(make_user(role="da_desk"))
    first = client.get(_url(person))
    total = len(first.context["view"].timeline)
    assert total > 25 and len(first.context["page"].object_list) == 25
    html = first.content.decode()
    assert 'aria-label="Pagination"' in html and 'href="?page=2#timeline"' in html
    second = client.get(_url(person) + "?page=2")
    assert [e.at for e in second.context["page"].object_list] == \
        [e.at for e in first.context["view"].timeline[25:50]]
    orders = client.get(_url(person) + "?kind=order")
    assert {e.kind for e in orders.context["page"].object_list} == {"order"}
    assert len(orders.context["page"].object_list) == 6
    assert '<option value="order" selected>Orders (6)</option>' in orders.content.decode()
    # An unknown kind shows everything; "all" prints the whole timeline on one page.
    assert client.get(_url(person) + "?kind=nonsense").context["kind"] == ""
    assert len(client.get(_url(person) + "?page=all").context["page"].object_list) == total


def test_summary_shows_risk_orders_marac_parties_and_links_the_linkage_page(
        client, make_user, areas, victim):
    from datetime import timedelta

    from django.utils import timezone

    from vigil.marac.models import MaracMeeting

    person, control, connect, suspect, records = victim
    today = timezone.localdate()
    live = builders.make_order(suspect, areas["BHM"], timezone.now(), protected=[connect],
                               order_type="DAPO", starts_on=today)
    referral = builders.make_marac(connect, areas["BHM"], today, perpetrator=suspect)
    referral.meeting = MaracMeeting.objects.create(
        source_system="MARAC", source_id="MM9", lpa=areas["BHM"], held_on=today + timedelta(7))
    referral.save()
    client.force_login(make_user(role="referral_allocation"))
    response = client.get(_url(person))
    s = response.context["summary"]
    assert s.risk == records["risk"]
    # The first order ended in October 2025: only the new one is in force.
    assert [lo.order for lo in s.orders] == [live] and not s.orders[0].against
    assert s.marac == referral and s.next_hearing == today + timedelta(7)
    assert [p.name for p in s.parties] == ["Mark Brown"]
    assert [p.name for p in s.children] == ["Amy Smith"]
    html = response.content.decode()
    assert f'href="/linkage/person/{person.pk}/"' in html
    assert f'href="/marac/referrals/{referral.pk}/?ctx=person:{person.pk}"' in html
    # No model ids in the caption; the force's references instead.
    assert f"Person {person.pk}" not in html
    # A role that does not manage linkage gets no link to the linkage page.
    client.force_login(make_user(role="da_desk"))
    assert "/linkage/person/" not in client.get(_url(person)).content.decode()
