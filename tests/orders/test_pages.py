"""The orders pages without a browser: the court-orders search (filters, scope, the
audited download), the lists for the daily meetings, and bad input on the forms."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_person
from tests.orders.helpers import availability, crime_with_parties
from tests.safeguarding import builders as b
from tests.web.builders import make_arrest
from vigil.core.models import Area, AuditEvent
from vigil.incidents.models import Wanted
from vigil.orders.models import OrderBreach, ProtectedPerson, ProtectiveOrder
from vigil.safeguarding.models import Flag, Task

pytestmark = pytest.mark.django_db


def _sheet(data: bytes) -> tuple[list[str], int, int]:
    """An XLSX's shared strings, its row count and its formula cells."""
    from tests.core.test_exports import xlsx_cells

    strings, formulas = xlsx_cells(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rows = z.read("xl/worksheets/sheet1.xml").decode().count("<row ")
    return strings, rows, formulas


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def world(areas, make_user):
    today = timezone.localdate()
    edg = Area.objects.create(code="BHM-EDG", name="Edgbaston", kind="neighbourhood",
                              parent=areas["BHM"])
    Area.objects.create(code="COV-EAR", name="Earlsdon", kind="neighbourhood",
                        parent=areas["COV"])
    victim = make_person("Victim", "Amy", postcode="B15 3AA")
    nmo = b.order(make_person("Carl", "=cmd|' /C calc'!A0", postcode="B16 1AA"), areas["BHM"],
                  "NMO", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=20))
    ProtectedPerson.objects.create(order=nmo, person=victim)
    nmo.neighbourhood = edg
    nmo.save()
    ended = b.order(make_person("Ended", "Sid"), areas["BHM"], "DVPO",
                    starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=1))
    cov = b.order(make_person("Coventry", "Tom", postcode="CV1 1AA"), areas["COV"], "RO",
                  starts_on=today - timedelta(days=3))
    return {"areas": areas, "nmo": nmo, "ended": ended, "cov": cov,
            "commander": make_user("lpa_commander", area=areas["BHM"]),
            "orders": make_user("civil_orders", area=areas["BHM"]),
            "force": make_user("lpa_commander")}


def _found(response):
    return [row["pk"] for row in response.context["page"].rows]


@pytest.mark.parametrize("query,expect", [
    ("", ["nmo"]),                                   # live today, my area
    ("status=", ["nmo", "ended"]),
    ("neighbourhood=BHM-EDG&status=", ["nmo"]),
    ("subject_postcode=b16", ["nmo"]),
    ("protected_postcode=B15 3", ["nmo"]),
    ("protected_postcode=CV1", []),
    ("order_type=DVPO&status=", ["ended"]),
    ("expires_by={soon}", []),
    ("expires_by={later}", ["nmo"]),
])
def test_search_filters_within_the_users_area(world, query, expect):
    today = timezone.localdate()
    query = query.format(soon=today + timedelta(days=5), later=today + timedelta(days=25))
    r = _client(world["commander"]).get(f"/orders/search/?{query}")
    assert r.status_code == 200
    assert sorted(_found(r)) == sorted(world[k].pk for k in expect)


def test_a_force_wide_user_sees_every_area_and_can_narrow_to_one(world):
    c = _client(world["force"])
    assert sorted(_found(c.get("/orders/search/"))) == sorted(
        [world["nmo"].pk, world["cov"].pk])
    assert _found(c.get("/orders/search/?lpa=COV")) == [world["cov"].pk]


def test_an_area_user_cannot_reach_another_area_by_its_code(world):
    r = _client(world["commander"]).get("/orders/search/?lpa=COV")
    assert r.status_code == 200 and r.context["page"] is None
    assert "Select a valid choice" in r.content.decode()


def test_a_bad_date_is_named(world):
    r = _client(world["commander"]).get("/orders/search/?expires_by=31-02-2026")
    assert "Enter a real date for &#x27;Ends on or before&#x27;" in r.content.decode()


def test_each_row_names_its_protected_persons_in_the_order_recorded(world):
    # Read with the page's rows (one subquery a row) on either database: several persons,
    # a name in another alphabet, and an order protecting nobody yet.
    nmo = world["nmo"]
    for surname, forename in (("Zoë", "Łucja"), ("ng", "Ann-Marie")):
        ProtectedPerson.objects.create(order=nmo, person=make_person(surname, forename))
    c = _client(world["force"])
    rows = {row["pk"]: row for row in c.get("/orders/search/").context["page"].rows}
    assert rows[nmo.pk]["protecting"] == "Amy VICTIM; Łucja ZOË; Ann-Marie NG"
    assert rows[world["cov"].pk]["protecting"] == ""
    page = c.get("/orders/search/").content.decode()
    assert "Amy VICTIM; Łucja ZOË; Ann-Marie NG" in page


def test_the_download_is_audited_and_its_cells_cannot_run(world):
    r = _client(world["commander"]).get("/orders/search/?download=xlsx&status=")
    assert r.status_code == 200
    strings, rows, formulas = _sheet(r.content)
    assert strings[0] == "OFFICIAL-SENSITIVE"
    assert rows == 2 + 2  # marking, headings, the NMO and the ended DVPO
    assert formulas == 0 and "'=cmd|' /C calc'!A0 CARL" in strings
    event = AuditEvent.objects.get(action="export", object_type="orders.protectiveorder")
    assert event.detail["rows"] == 2
    # No export capability: refused, audited.
    assert _client(world["orders"]).get("/orders/search/?download=xlsx").status_code == 403


def _meeting(user, which, extra=""):
    return _client(user).get(f"/orders/meetings/{which}/?lpa=BHM{extra}")


def test_the_breaches_list_holds_breaches_until_an_arrest(world):
    nmo = world["nmo"]
    OrderBreach.objects.create(source_system="CONNECT", source_id="B1", order=nmo,
                               reported_at=timezone.now() - timedelta(hours=3),
                               reported_by="victim", notes="Came to the house")
    r = _meeting(world["commander"], "breaches")
    assert [row.cells[2] for row in r.context["page"].object_list] == ["Victim"]
    from vigil.incidents.models import Arrest
    Arrest.objects.create(source_system="CUSTODY", source_id="A9", suspect=nmo.subject,
                          arrested_at=timezone.now() - timedelta(hours=1), for_breach_of=nmo)
    assert _meeting(world["commander"], "breaches").context["page"].paginator.count == 0


def test_serial_wanted_bail_and_escalation_lists(world):
    areas, now = world["areas"], timezone.now()
    crime, suspect, victim = crime_with_parties(areas["BHM"], now - timedelta(days=30))
    Flag.objects.create(key="serial:1", person=suspect.person, kind="serial_perpetrator",
                        rule="serial_perpetrator", policy_version="p", score=12.5,
                        reason="Serial perpetrator: 4 DA offences against 2 victim(s)",
                        raised_at=now - timedelta(days=30), expires_at=now + timedelta(days=9))
    Wanted.objects.create(source_system="PNC", source_id="W1", suspect=suspect, crime=crime,
                          kind="arrest", wanted_from=now - timedelta(days=4))
    arrest = make_arrest(suspect, crime, now - timedelta(days=20))
    arrest.bail.return_on = timezone.localdate() + timedelta(days=3)
    arrest.bail.save()
    rui = make_arrest(suspect, crime, now - timedelta(days=88), disposal="rui", bail=False)
    Task.objects.create(key="esc:1", kind="escalation_review", team="investigators",
                        lpa=areas["BHM"], person=suspect.person, subject="x", reason="Escalating",
                        rule="perpetrator_escalation", policy_version="p",
                        starts_at=now, due_at=now + timedelta(days=1))
    serial = _meeting(world["commander"], "serial").context["page"].object_list
    assert serial[0].cells[0] == 1 and "4 DA offences" in serial[0].cells[3]
    wanted = _meeting(world["commander"], "wanted").context["page"].object_list
    assert wanted[0].cells[1].startswith("Wanted for arrest") and wanted[0].cells[4] == 4
    bail = _meeting(world["commander"], "bail").context["page"].object_list
    assert [r.cells[1] for r in bail] == ["Bail with conditions", "Released under investigation"]
    assert rui.pk
    esc = _meeting(world["commander"], "escalations").context["page"].object_list
    assert esc[0].cells[1].startswith("Escalating")


def test_meeting_lists_print_whole_and_download_audited(world):
    for i in range(30):
        OrderBreach.objects.create(source_system="CONNECT", source_id=f"B{i}",
                                   order=world["nmo"], reported_by="police",
                                   reported_at=timezone.now() - timedelta(hours=i + 1))
    assert len(_meeting(world["commander"], "breaches").context["page"].object_list) == 25
    assert len(_meeting(world["commander"], "breaches", "&print=1")
               .context["page"].object_list) == 30
    r = _meeting(world["commander"], "breaches", "&download=xlsx")
    assert _sheet(r.content)[1] == 32
    assert AuditEvent.objects.filter(action="export", object_type="orders.meetinglist").exists()


def test_a_commander_of_another_area_gets_the_area_error(world, make_user):
    cov = make_user("lpa_commander", area=world["areas"]["COV"])
    r = _client(cov).get("/orders/meetings/breaches/?lpa=BHM")
    assert r.status_code == 200 and "Choose an area you may see" in r.content.decode()


def test_checks_are_listed_least_engaged_victim_first_and_a_dip_check_is_recorded(world):
    areas, now = world["areas"], timezone.now()
    orders = []
    for name, engagement in (("Engaged", "engaged"), ("Silent", "not_engaged"),
                             ("Unknown", "")):
        o = b.order(make_person(name, "P"), areas["BHM"], "DVPO",
                    served_at=now - timedelta(days=2), starts_on=timezone.localdate(),
                    ends_on=timezone.localdate() + timedelta(days=20),
                    victim_engagement=engagement)
        orders.append(o)
        Task.objects.create(key=f"chk:{o.pk}", kind="order_check", team="local_policing",
                            lpa=areas["BHM"], person=o.subject.person,
                            subject=f"orders.protectiveorder:{o.pk}", reason="Week 1 check",
                            rule="order_weekly_check", policy_version="p", starts_at=now,
                            due_at=now + timedelta(days=5))
    rows = _meeting(world["commander"], "checks").context["page"].object_list
    assert [r.cells[2] for r in rows] == ["Not engaging", "Not recorded", "Engaging"]
    c = _client(world["commander"])
    r = c.post("/orders/meetings/checks/dip-check/?lpa=BHM",
               {"orders_sampled": "3", "orders_prioritised_right": "4"})
    assert "More than the 3 orders sampled" in r.content.decode()
    r = c.post("/orders/meetings/checks/dip-check/?lpa=BHM",
               {"orders_sampled": "3", "orders_prioritised_right": "3", "notes": "All right"})
    assert r.status_code == 302
    assert "3 of 3 prioritised rightly" in _meeting(world["commander"], "checks").content.decode()


def test_serving_a_notice_on_a_17_year_old_is_refused_on_the_form(world):
    availability(world["areas"])
    today = timezone.localdate()
    crime, _, _ = crime_with_parties(world["areas"]["BHM"], timezone.now() - timedelta(hours=5),
                                     suspect_dob=date(today.year - 17, 1, 1))
    r = _client(world["orders"]).post("/orders/serve/", {
        "order_type": "DVPN", "crime": crime.reference, "authorised_by": "Supt Rowe",
        "authorised_rank": "superintendent", "served_on": today.isoformat(),
        "served_time": "00:01", "neighbourhood": ""})
    body = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in body
    assert "The subject was 17 when the DVPN was served; it must be 18 or over" in body
    assert not ProtectiveOrder.objects.filter(order_type="DVPN").exists()


def test_serving_names_an_unknown_crime_and_a_bad_time(world):
    r = _client(world["orders"]).post("/orders/serve/", {
        "order_type": "DVPN", "crime": "NOPE/1", "authorised_by": "Supt Rowe",
        "authorised_rank": "superintendent", "served_on": "2026-02-30", "served_time": "7pm"})
    body = r.content.decode()
    assert "Enter the date served as a real date" in body
    r = _client(world["orders"]).post("/orders/serve/", {
        "order_type": "DVPN", "crime": "NOPE/1", "authorised_by": "Supt Rowe",
        "authorised_rank": "superintendent", "served_on": "2026-02-03", "served_time": "7pm"})
    assert "Enter the time as hours and minutes" in r.content.decode()
    r = _client(world["orders"]).post("/orders/serve/", {
        "order_type": "DVPN", "crime": "NOPE/1", "authorised_by": "Supt Rowe",
        "authorised_rank": "superintendent", "served_on": "2026-02-03", "served_time": "19:00"})
    assert "No crime NOPE/1 in your area" in r.content.decode()
