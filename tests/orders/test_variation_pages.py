"""The variation and end pages (civil orders team): GOV.UK errors that lose nothing,
the versions on the order page, the version check, and references people can read."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_person
from tests.orders.helpers import availability, crime_with_parties
from tests.web.builders import make_order
from vigil.orders import services
from vigil.orders.models import OrderVariation, ProtectiveOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(areas, make_user):
    today = timezone.localdate()
    order = make_order(make_person("Brown", "Mark"), areas["BHM"],
                       timezone.now() - timedelta(days=10), order_type="NMO",
                       starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=60),
                       conditions=["Not to contact Jayne Smith"])
    officer = make_user("civil_orders", area=areas["BHM"])
    c = Client()
    c.force_login(officer)
    return {"areas": areas, "order": order, "officer": officer, "client": c,
            "today": today}


def _post(world, name, **data):
    return world["client"].post(f"/orders/{world['order'].pk}/{name}/", data)


def test_the_variation_form_starts_from_the_order_as_it_stands(world):
    page = world["client"].get(f"/orders/{world['order'].pk}/vary/").content.decode()
    assert "Record a variation" in page and "ORDERS O" in page  # the force's reference
    assert "Not to contact Jayne Smith</textarea>" in page
    assert f'name="version" value="{world["order"].version}"' in page


def test_a_variation_without_court_or_reason_is_named_and_nothing_is_written(world):
    r = _post(world, "vary", version=world["order"].version, varied_on="",
              ends_on=str(world["today"] + timedelta(days=90)),
              conditions="Not to contact Jayne Smith")
    page = r.content.decode()
    assert r.status_code == 200 and "There is a problem" in page
    for message in ("Enter the date the court varied the order",
                    "Name the court that varied the order", "Say what the court varied and why"):
        assert message in page
    assert 'href="#id_court"' in page
    assert not OrderVariation.objects.exists()
    world["order"].refresh_from_db()
    assert world["order"].ends_on == world["today"] + timedelta(days=60)


def test_a_variation_is_saved_and_every_version_shown_on_the_order_page(world):
    o = world["order"]
    r = _post(world, "vary", version=o.version, varied_on=str(world["today"]),
              court="Birmingham Family Court", reason="Exclusion zone added on review",
              ends_on=str(o.ends_on),
              conditions="Not to contact Jayne Smith\nNot to enter Elm Road, Edgbaston")
    assert r.status_code == 302
    page = world["client"].get(r.url).content.decode()
    versions = page[page.index('id="versions"'):page.index('id="checks"')]
    assert "1: As made" in versions and "2: Varied" in versions
    assert re.search(r"2: Varied\s*<strong[^>]*>Current", versions)
    assert "Exclusion zone added on review" in versions
    assert "Not to enter Elm Road, Edgbaston" in versions
    kinds = list(ProtectiveOrder.objects.get(pk=o.pk).conditions.values_list("kind", flat=True))
    assert kinds == ["no_contact", "exclusion"]


def test_a_stale_variation_is_refused_and_says_who_changed_the_order(world, make_user):
    o = world["order"]
    seen = o.version
    services.vary_order(o, actor=make_user("civil_orders", area=world["areas"]["BHM"]),
                        reason="Extended", court="Birmingham Family Court",
                        varied_on=world["today"], ends_on=o.ends_on + timedelta(days=30),
                        version=seen)
    r = _post(world, "vary", version=seen, varied_on=str(world["today"]),
              court="Birmingham Family Court", reason="Shortened",
              ends_on=str(world["today"] + timedelta(days=5)),
              conditions="Not to contact Jayne Smith")
    page = r.content.decode()
    assert r.status_code == 200, r.status_code
    assert "Someone changed this order since you opened it" in page
    o.refresh_from_db()
    assert o.ends_on == world["today"] + timedelta(days=90)


def test_a_discharge_needs_the_court_and_ends_the_order(world):
    o = world["order"]
    r = _post(world, "end", version=o.version, status="discharged",
              ended_on=str(world["today"]), court="", reason="")
    page = r.content.decode()
    assert "There is a problem" in page and "Name the court that discharged the order" in page
    r = _post(world, "end", version=o.version, status="discharged",
              ended_on=str(world["today"]), court="Birmingham Family Court",
              reason="Applicant withdrew")
    assert r.status_code == 302
    o.refresh_from_db()
    assert (o.status, o.ends_on) == ("discharged", world["today"])
    page = world["client"].get(r.url).content.decode()
    assert "2: Discharged" in page and "Record a variation" not in page


def test_a_notice_has_no_variation_page(world, areas):
    availability(areas)
    served = timezone.now() - timedelta(hours=5)
    crime, suspect, victim = crime_with_parties(areas["BHM"], served - timedelta(hours=2))
    notice = services.serve_notice(
        actor=world["officer"], order_type="DVPN", subject=suspect, protected=[victim],
        lpa=areas["BHM"], crime=crime, served_at=served, authorised_by="Supt Rowe",
        authorised_rank="superintendent")
    assert world["client"].get(f"/orders/{notice.pk}/vary/").status_code == 404
    page = world["client"].get(f"/orders/{notice.pk}/").content.decode()
    # made in Vigil: read as when and by whom, never its internal id
    assert notice.source_id not in page and "made in Vigil on" in page
