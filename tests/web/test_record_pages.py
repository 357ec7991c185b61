"""Record pages (order, arrest, MARAC referral, Clare's Law, Encompass), their links
from the person timeline and from task references, and the area-scope shortcut."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import at, make_crime, make_incident, make_person
from tests.web import builders
from vigil.core import record_links as records
from vigil.core.models import AuditEvent
from vigil.safeguarding.models import Task


@pytest.fixture
def case(areas):
    person, control, connect, suspect, recs = builders.victim_with_history(areas)
    child = recs["child"]
    recs["encompass"] = builders.make_encompass(recs["incidents"][0], child,
                                                notified_at=at(2025, 3, 2, 9))
    recs["dvds"] = builders.make_dvds(connect, suspect, areas["BHM"], at(2025, 11, 1))
    return person, connect, suspect, recs


def _urls(recs):
    return {
        "order": reverse("orders:detail", args=[recs["order"].pk]),
        "arrest": reverse("incidents:arrest", args=[recs["arrest"].pk]),
        "marac": reverse("marac:referral", args=[recs["marac"].pk]),
        "dvds": reverse("disclosure:application", args=[recs["dvds"].pk]),
        "encompass": reverse("encompass:notification", args=[recs["encompass"].pk]),
    }


def test_each_record_page_shows_its_record_and_is_audited(client, make_user, case):
    person, connect, suspect, recs = case
    user = make_user("safeguarding")
    client.force_login(user)
    urls = _urls(recs)
    # The why of a view is the page the server last showed (not a query parameter).
    client.get(reverse("people:detail", args=[person.pk]))
    order = client.get(urls["order"]).content.decode()
    assert "Domestic Violence Protection Order" in order and "Not to contact Jayne Smith" in order
    assert f'href="/people/{suspect.person_id}/?ctx=orders.protectiveorder:{recs["order"].pk}"' \
        in order
    arrest = client.get(urls["arrest"]).content.decode()
    assert "Arrest of Mark Brown" in arrest and "Not to contact the victim" in arrest
    assert recs["crime"].reference in arrest
    marac = client.get(urls["marac"]).content.decode()
    assert "Visible high risk" in marac and "Heard 2 Oct 2025" in marac
    dvds = client.get(urls["dvds"]).content.decode()
    assert "Right to Ask application" in dvds and "Awaiting decision" in dvds
    enc = client.get(urls["encompass"]).content.decode()
    assert "Notification for Amy Smith" in enc and "Verbal argument" in enc
    views = AuditEvent.objects.filter(user=user, action="view").exclude(
        object_type="people.person")
    assert sorted(views.values_list("object_type", flat=True)) == sorted([
        "orders.protectiveorder", "incidents.arrest", "marac.maracreferral",
        "disclosure.dvdsapplication", "encompass.encompassnotification"])
    assert views.get(object_type="orders.protectiveorder").context == f"person:{person.pk}"


def test_the_person_timeline_links_each_record_page(client, make_user, case):
    person, connect, suspect, recs = case
    client.force_login(make_user("safeguarding"))
    urls = _urls(recs)
    victim_page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    for kind in ("order", "arrest", "marac", "dvds"):
        assert f'href="{urls[kind]}?ctx=person:{person.pk}"' in victim_page, kind
    child_page = client.get(reverse("people:detail", args=[recs["child"].person_id])
                            ).content.decode()
    assert f'href="{urls["encompass"]}?ctx=person:' in child_page


def test_record_pages_are_scoped_by_area_and_refusals_audited(client, make_user, areas, case):
    person, connect, suspect, recs = case
    outsider = make_user("safeguarding", area=areas["COV"])
    client.force_login(outsider)
    for kind, url in _urls(recs).items():
        assert client.get(url).status_code == 404, kind
    denied = AuditEvent.objects.filter(user=outsider, action="denied")
    assert denied.count() == 5
    assert {d.detail["reason"] for d in denied} == {"out_of_area"}
    # A record that does not exist is not a refusal.
    client.get(reverse("orders:detail", args=[999999]))
    assert AuditEvent.objects.filter(user=outsider, action="denied").count() == 5


def test_record_link_gives_the_forces_reference_and_a_scoped_url(make_user, areas, case):
    person, connect, suspect, recs = case
    order, check_ref = recs["order"], None
    from vigil.orders.models import OrderCheck

    check = OrderCheck.objects.create(source_system="CONNECT", source_id="OK9", order=order,
                                      checked_at=at(2025, 9, 20), checked_by="PC Ali",
                                      victim_contacted=True, subject_checked=False)
    check_ref = f"orders.ordercheck:{check.pk}"
    incident = recs["incidents"][0]
    refs = [f"orders.protectiveorder:{order.pk}", check_ref,
            f"incidents.incident:{incident.pk}", f"risk.riskassessment:{recs['risk'].pk}",
            "orders.protectiveorder:999999", "safeguarding.flag:1", "nonsense"]
    links = records.record_links(refs, make_user("civil_orders"))
    assert set(links) == set(refs[:4])  # missing records and unknown kinds are left out
    o = links[refs[0]]
    assert (o.label, o.url) == (f"Order ORDERS {order.source_id}", f"/orders/{order.pk}/")
    assert links[check_ref].url == f"/orders/{order.pk}/#checks-{check.pk}"
    assert links[refs[2]].label == f"Incident CONTROL {incident.reference}"
    assert links[refs[3]].url == f"/incidents/{recs['risk'].incident_id}/"
    # Out of area: the reference still reads, but there is no link.
    outside = records.record_link(refs[0], make_user("civil_orders", area=areas["COV"]))
    assert outside.label == o.label and outside.url == ""
    # A role that may not open records gets labels only.
    assert records.record_link(refs[0], make_user("analyst")).url == ""
    assert records.parse_ref("orders.protectiveorder:12") == ("orders.protectiveorder", 12)
    assert records.parse_ref("orders.protectiveorder:x") is None


def test_record_link_tag_renders_a_link_or_text(rf, make_user, areas, case):
    from django.template import Context, Template

    order = case[3]["order"]
    ref = f"orders.protectiveorder:{order.pk}"
    template = Template("{% load records %}{% record_link ref %}")
    request = rf.get("/")
    request.user = make_user("civil_orders")
    html = template.render(Context({"request": request, "ref": ref, "ctx": "queue:civil_orders"}))
    assert html == (f'<a class="govuk-link" href="/orders/{order.pk}/?ctx=queue:civil_orders">'
                    f"Order ORDERS {order.source_id}</a>")
    request.user = make_user("civil_orders", area=areas["COV"])
    assert template.render(Context({"request": request, "ref": ref})) == \
        f"Order ORDERS {order.source_id}"
    assert template.render(Context({"request": request, "ref": "gone:1"})) == "gone:1"


def test_a_record_page_lists_the_tasks_about_it(client, make_user, areas, case):
    order = case[3]["order"]
    Task.objects.create(key="t1", kind="order_check", team="civil_orders", lpa=areas["BHM"],
                        subject=f"orders.protectiveorder:{order.pk}",
                        reason="Weekly check of victim and subject", rule="r", policy_version="p",
                        starts_at=at(2025, 9, 16), due_at=at(2025, 9, 23))
    Task.objects.create(key="t2", kind="marac", team="marac", lpa=areas["BHM"],
                        subject=f"orders.protectiveorder:{order.pk}", reason="Not my queue",
                        rule="r", policy_version="p", starts_at=at(2025, 9, 16),
                        due_at=at(2025, 9, 23))
    client.force_login(make_user("civil_orders"))
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Weekly check of victim and subject" in page and "Not my queue" not in page


def test_persons_in_area_agrees_with_visible_persons(make_user, areas):
    """The search's shortcut and the person index's definition of scope are one rule."""
    from django.db import connection

    from vigil.people.queries import area_persons_sql, persons_in_area, visible_persons

    bhm, cov = areas["BHM"], areas["COV"]
    p = {name: make_person(surname=name) for name in (
        "Party", "Crimep", "Subject", "Protected", "Victim", "Perp", "Atrisk", "Dsubject",
        "Applicant", "Child", "Elsewhere", "Nowhere")}
    make_incident(bhm, at(2025, 1, 1), victim=p["Party"])
    make_crime(bhm, at(2025, 1, 1), victim=p["Crimep"])
    builders.make_order(p["Subject"], bhm, at(2025, 1, 1), protected=[p["Protected"]])
    builders.make_marac(p["Victim"], bhm, date(2025, 1, 1), perpetrator=p["Perp"])
    app = builders.make_dvds(p["Atrisk"], p["Dsubject"], bhm, at(2025, 1, 1))
    app.applicant = p["Applicant"]
    app.save()
    inc = make_incident(cov, at(2025, 1, 1), victim=p["Elsewhere"])
    enc = builders.make_encompass(inc, p["Child"])
    enc.local_authority = bhm
    enc.save()
    everyone = [r.person_id for r in p.values()]
    for area in (bhm, cov):
        user = make_user("da_desk", area=area)
        expected = set(visible_persons(user).filter(pk__in=everyone).values_list("pk", flat=True))
        assert persons_in_area(everyone, [area.pk]) == expected
        sql, params = area_persons_sql([area.pk])
        with connection.cursor() as cur:
            cur.execute(sql, params)
            assert {row[0] for row in cur.fetchall()} & set(everyone) == expected
    assert persons_in_area(everyone, [bhm.pk]) == {
        p[n].person_id for n in p if n not in ("Elsewhere", "Nowhere")}
