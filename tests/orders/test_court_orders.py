"""Court orders recorded in Vigil with no notice before them (issue 12 item 1): a
non-molestation or restraining order, an SPO, a DAPO on application, bail conditions.
The same checks as an import, and nothing written when one fails."""

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_person
from tests.orders.helpers import availability, crime_with_parties
from vigil.core.calendar import LONDON
from vigil.core.checks import RecordInvalid
from vigil.core.models import AuditEvent
from vigil.orders import services
from vigil.orders.models import OrderAvailability, ProtectiveOrder
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(areas, make_user):
    availability(areas)
    at = datetime.combine(date(2025, 6, 2), time(10), tzinfo=LONDON)
    crime, suspect, victim = crime_with_parties(areas["BHM"], at)
    return {"areas": areas, "officer": make_user("civil_orders", area=areas["BHM"]),
            "crime": crime, "suspect": suspect, "victim": victim}


def _record(world, order_type="NMO", *, made_on=None, ends_on=None, court="Birmingham Family "
            "Court", protected=True, lpa="BHM"):
    made_on = made_on or timezone.localdate() - timedelta(days=3)
    return services.record_court_order(
        actor=world["officer"], order_type=order_type, subject=world["suspect"],
        protected=[world["victim"]] if protected else [], lpa=world["areas"][lpa],
        made_on=made_on, court=court, ends_on=ends_on, crime=world["crime"],
        conditions=[("no_contact", "Not to contact Amy")])


def test_a_non_molestation_order_joins_the_register_with_its_parties(world):
    today = timezone.localdate()
    nmo = _record(world, ends_on=today + timedelta(days=5))
    assert (nmo.source_system, nmo.order_type, nmo.status) == ("VIGIL", "NMO", "live")
    assert nmo.made_on == nmo.starts_on == today - timedelta(days=3)
    assert nmo.subject_age is not None and nmo.court == "Birmingham Family Court"
    assert [p.person for p in nmo.protected_persons.all()] == [world["victim"]]
    assert [c.text for c in nmo.conditions.all()] == ["Not to contact Amy"]
    assert AuditEvent.objects.filter(object_type="orders.protectiveorder",
                                     object_id=str(nmo.pk), action="create").exists()
    # The rules answer at once: ending within the week, its expiry review is queued.
    assert Task.objects.filter(kind="order_expiry", team="civil_orders").exists()


def test_an_order_already_ended_is_registered_as_expired(world):
    old = _record(world, made_on=date(2025, 1, 6), ends_on=date(2025, 7, 6))
    assert old.status == "expired"


def test_bail_conditions_need_no_court(world):
    bail = _record(world, "BAIL", court="", ends_on=timezone.localdate() + timedelta(days=20))
    assert bail.status == "live" and bail.court == ""


def _nothing_written():
    assert not ProtectiveOrder.objects.exists()
    assert not AuditEvent.objects.filter(object_type="orders.protectiveorder",
                                         action="create").exists()


@pytest.mark.parametrize(("kwargs", "field", "reason"), [
    ({"order_type": "DVPN"}, "order_type", "served by police"),
    ({"order_type": "DVPO"}, "order_type", "follows its notice"),
    ({"made_on": date(2099, 1, 1)}, "made_on", "in the future"),
    ({"made_on": date(2025, 6, 10), "ends_on": date(2025, 6, 9)}, "ends_on",
     "ends before it was made"),
    ({"court": " "}, "court", "name the court"),
    ({"protected": False}, "protected", "at least one person"),
    ({"order_type": "DAPO"}, "order_type", "not available in Birmingham"),
    # An SPO lasts at least two years: a day short is refused.
    ({"order_type": "SPO", "made_on": date(2025, 6, 10), "ends_on": date(2027, 6, 9)},
     "ends_on", "at least 2 years"),
    # 29 February: two years on is 1 March.
    ({"order_type": "SPO", "made_on": date(2024, 2, 29), "ends_on": date(2026, 2, 28)},
     "ends_on", "at least 2 years"),
])
def test_a_bad_court_order_is_refused_by_field_and_writes_nothing(world, kwargs, field,
                                                                  reason):
    kwargs = {"order_type": "NMO", **kwargs}
    order_type = kwargs.pop("order_type")
    with pytest.raises(RecordInvalid, match=reason) as exc:
        _record(world, order_type, **kwargs)
    assert field in [f for f, _, _ in exc.value.problems]
    _nothing_written()


@pytest.mark.parametrize(("made_on", "ends_on", "order_type"), [
    (date(2025, 6, 10), date(2027, 6, 10), "SPO"),   # exactly two years
    (date(2024, 2, 29), date(2026, 3, 1), "SPO"),    # 29 February: 1 March two years on
    (date(2025, 6, 10), date(2025, 6, 24), "ISPO"),  # an interim SPO may be short
    (date(2025, 6, 10), None, "SPO"),                # until further order
])
def test_spo_length_boundaries(world, made_on, ends_on, order_type):
    assert _record(world, order_type, made_on=made_on, ends_on=ends_on).pk


def test_a_dapo_on_application_inside_a_pilot(world):
    pilot = timezone.localdate() - timedelta(days=2)
    OrderAvailability.objects.create(order_type="DAPO", area=world["areas"]["BHM"],
                                     available_from=pilot)
    with pytest.raises(RecordInvalid, match="not available"):
        _record(world, "DAPO", made_on=pilot - timedelta(days=1))
    dapo = _record(world, "DAPO", made_on=pilot)
    assert dapo.order_type == "DAPO"
    # The subject must tell the police their name and address within 3 days (the law).
    assert Task.objects.filter(kind="order_notification").exists()


def test_another_areas_officer_is_refused(world, make_user):
    from vigil.core.records import NotAllowed

    world["officer"] = make_user("civil_orders", area=world["areas"]["COV"])
    with pytest.raises(NotAllowed):
        _record(world)
    _nothing_written()


# --- the page ---------------------------------------------------------------------

def _post(user, data):
    c = Client()
    c.force_login(user)
    return c.post("/orders/court-order/", data)


def test_the_page_records_an_order_from_a_crime_reference(world):
    r = _post(world["officer"], {
        "order_type": "RO", "crime": world["crime"].reference, "court": "Birmingham Crown Court",
        "made_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "conditions": "Not to contact Amy directly or indirectly"})
    order = ProtectiveOrder.objects.get()
    assert r.status_code == 302 and r.url == f"/orders/{order.pk}/"
    assert order.subject == world["suspect"] and order.crime == world["crime"]
    assert order.conditions.get().kind == "no_contact"


def test_the_page_takes_records_by_the_forces_reference(world):
    r = _post(world["officer"], {
        "order_type": "NMO", "subject": f"{world['suspect'].source_system}:"
                                        f"{world['suspect'].source_id}",
        "protected": f"{world['victim'].source_system} {world['victim'].source_id}",
        "lpa": "BHM", "court": "Birmingham Family Court",
        "made_on": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert r.status_code == 302
    order = ProtectiveOrder.objects.get()
    assert order.subject == world["suspect"] and order.crime is None


def test_the_page_refuses_a_record_outside_the_area_and_audits_it(world):
    other = make_person("Outside", "Olly", postcode="CV1 1AA")
    coventry, _, _ = crime_with_parties(world["areas"]["COV"], timezone.now() - timedelta(days=9),
                                        surname="Cov")
    cov_suspect = coventry.parties.get(role="suspect").person
    r = _post(world["officer"], {
        "order_type": "NMO", "subject": f"{cov_suspect.source_system} {cov_suspect.source_id}",
        "protected": f"{other.source_system} {other.source_id}\nNOPE X1",
        "lpa": "BHM", "court": "Birmingham Family Court",
        "made_on": (timezone.localdate() - timedelta(days=1)).isoformat()})
    assert r.status_code == 200
    page = r.content.decode()
    assert "There is a problem" in page and "No record NOPE X1 that you may open" in page
    assert f"No record {cov_suspect.source_system} {cov_suspect.source_id}" in page
    assert AuditEvent.objects.filter(action="denied", object_type="people.sourcerecord",
                                     object_id=str(cov_suspect.pk)).exists()
    _nothing_written()


def test_the_page_needs_a_crime_or_the_parties(world):
    r = _post(world["officer"], {"order_type": "NMO", "court": "X",
                                 "made_on": timezone.localdate().isoformat()})
    page = r.content.decode()
    assert "Give the perpetrator&#x27;s record, or a crime reference" in page
    assert "Choose the area, or give a crime reference" in page
    _nothing_written()


def test_a_record_is_named_only_when_its_person_is_known_in_the_users_area(world, make_user):
    from vigil.orders.queries import known_in_area

    stranger = make_person("Stranger", "Sam", postcode="WV1 1AA")
    assert known_in_area(world["officer"], world["suspect"])          # a BHM crime
    assert not known_in_area(world["officer"], stranger)             # nothing anywhere
    assert known_in_area(make_user("civil_orders"), stranger)        # force-wide
    coventry = make_user("civil_orders", area=world["areas"]["COV"])
    assert not known_in_area(coventry, world["victim"])
    nmo = _record(world)                                             # protected in BHM
    assert not known_in_area(coventry, nmo.protected_persons.get().person)


def test_the_application_and_a_refusal_through_the_pages(world):
    served = timezone.now() - timedelta(days=2)
    notice = services.serve_notice(
        actor=world["officer"], order_type="DVPN", subject=world["suspect"],
        protected=[world["victim"]], lpa=world["areas"]["BHM"], crime=world["crime"],
        served_at=served, authorised_by="Supt Rowe", authorised_rank="superintendent")
    c = Client()
    c.force_login(world["officer"])
    local = timezone.localtime(served + timedelta(hours=3))
    r = c.post(f"/orders/{notice.pk}/application/", {
        "applied_on": local.date().isoformat(), "applied_time": local.strftime("%H:%M"),
        "court": "Birmingham Magistrates' Court"}, follow=True)
    assert r.redirect_chain[-1][0] == f"/orders/{notice.pk}/"
    assert "DVPO application recorded" in r.content.decode()
    heard = timezone.localtime(served + timedelta(hours=20))
    r = c.post(f"/orders/{notice.pk}/hearing/", {
        "granted": "no", "hearing_on": heard.date().isoformat(),
        "hearing_time": heard.strftime("%H:%M")}, follow=True)
    dvpo = ProtectiveOrder.objects.get(order_type="DVPO")
    assert dvpo.status == "refused" and r.redirect_chain[-1][0] == f"/orders/{dvpo.pk}/"
    assert "Domestic Violence Protection Order refused; the notice has ended" in (
        r.content.decode())
