"""End to end in Chromium: serve a DVPN on the Saturday evening before a bank-holiday
Monday, see the hearing deadline, record the DVPO application and then the DVPO granted,
record a weekly check with a breach, see the breach on the daily risk meeting's list, vary
the order (its versions shown), record a non-molestation order the family court made, and
find the orders in the court-orders search by the victim's neighbourhood.

Screenshots go to $VIGIL_SCREENSHOT_DIR (default: the test's tmp dir).
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import make_areas, make_incident, make_user
from tests.orders.helpers import (
    availability,
    crime_with_parties,
    saturday_before_bank_holiday_monday,
)
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.core.models import Area, AuditEvent
from vigil.orders.models import OrderBreach, OrderVariation, ProtectiveOrder


def _sign_in(browser, url, username):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.e2e
def test_dvpn_to_breach_to_daily_meeting_and_search(live_server, transactional_db, tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    areas = make_areas()
    availability(areas)
    edgbaston = Area.objects.create(code="BHM-EDG", name="Edgbaston", kind="neighbourhood",
                                    parent=areas["BHM"])
    Area.objects.create(code="BHM-ERD", name="Erdington", kind="neighbourhood",
                        parent=areas["BHM"])
    saturday = saturday_before_bank_holiday_monday(timezone.localdate())
    wednesday, monday = saturday + timedelta(days=4), saturday + timedelta(days=2)
    crime, suspect, victim = crime_with_parties(
        areas["BHM"], timezone.now() - (timezone.localdate() - saturday) - timedelta(hours=8),
        surname="Journey")
    crime.incident = make_incident(areas["BHM"], crime.recorded_at, victim=victim,
                                   suspect=suspect, neighbourhood=edgbaston)
    crime.save()
    make_user(role="civil_orders", area=areas["BHM"], username="e2e-orders")
    make_user(role="lpa_commander", area=areas["BHM"], username="e2e-commander")
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        problems = []
        page = _sign_in(browser, live_server.url, "e2e-orders")
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} {r.url}"))

        # Serve the DVPN: first authorised by an inspector (refused), then a superintendent.
        page.goto(f"{live_server.url}/orders/serve/")
        page.get_by_label("Domestic Violence Protection Notice (DVPN)").check()
        page.get_by_label("Crime reference").fill(crime.reference)
        page.get_by_label("Authorising officer's name").fill("Ch Insp Rowe")
        page.get_by_label("Authorising officer's rank").select_option("chief inspector")
        page.get_by_label("Date served").fill(saturday.isoformat())
        page.get_by_label("Time (24-hour)").fill("19:00")
        page.get_by_label("Neighbourhood where the victim lives").select_option("BHM-EDG")
        page.get_by_label("Conditions").fill("Not to contact Amy directly or indirectly")
        page.get_by_role("button", name="Serve the notice").click()
        expect(page.get_by_text("There is a problem")).to_be_visible()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "A DVPN must be authorised by a superintendent or above")
        page.screenshot(path=shots / "orders-serve-error.png", full_page=True)
        page.get_by_label("Authorising officer's name").fill("Supt Rowe")
        page.get_by_label("Authorising officer's rank").select_option("superintendent")
        page.get_by_role("button", name="Serve the notice").click()

        # The notice's page shows the hearing deadline: Sunday and the bank holiday skipped.
        expect(page.get_by_text("Domestic Violence Protection Notice served")).to_be_visible()
        due = page.locator("#hearing-due")
        expect(due).to_contain_text(f"{wednesday:%A} {wednesday.day} {wednesday:%B %Y}, 19:00")
        page.screenshot(path=shots / "orders-dvpn-served.png", full_page=True)
        assert monday.weekday() == 0

        # The application to the magistrates (refused first: no court named).
        tuesday = saturday + timedelta(days=3)
        page.get_by_role("link", name="Record the application").click()
        expect(page.get_by_role("heading", name="Record the DVPO application")).to_be_visible()
        page.get_by_label("Date of the application").fill(tuesday.isoformat())
        page.get_by_label("Time (24-hour)").fill("09:00")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Name the court applied to")
        page.get_by_label("Court applied to").fill("Birmingham Magistrates' Court")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("DVPO application recorded")).to_be_visible()
        expect(page.get_by_text("(applied for)")).to_be_visible()
        expect(page.get_by_role("link", name="Record the application")).to_have_count(0)
        page.screenshot(path=shots / "orders-dvpo-applied.png", full_page=True)

        # The DVPO granted at the hearing.
        page.get_by_role("link", name="Record the hearing").click()
        page.get_by_label("Order granted").check()
        page.get_by_label("Hearing date").fill(wednesday.isoformat())
        page.get_by_label("Time (24-hour)").fill("10:00")
        page.get_by_label("Date the order ends").fill((wednesday + timedelta(days=28)).isoformat())
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Domestic Violence Protection Order granted")).to_be_visible()
        dvpo_url = page.url
        page.screenshot(path=shots / "orders-dvpo-granted.png", full_page=True)

        # A local commander records the weekly check, with a breach.
        page2 = _sign_in(browser, live_server.url, "e2e-commander")
        page2.goto(dvpo_url)
        page2.get_by_role("link", name="Record a weekly check").click()
        page2.get_by_label("Date of the check").fill((wednesday + timedelta(days=6)).isoformat())
        page2.get_by_label("Time (24-hour)").fill("15:00")
        page2.locator("#group-victim_contacted").get_by_label("Yes").check()
        page2.locator("#group-subject_checked").get_by_label("Yes").check()
        page2.locator("#group-breach_found").get_by_label("Yes").check()
        page2.get_by_role("button", name="Save").click()
        expect(page2.locator(".govuk-error-summary")).to_contain_text(
            "Describe the breach you found")
        page2.get_by_label("Describe the breach").fill("Subject found inside the victim's home")
        page2.get_by_role("button", name="Save").click()
        expect(page2.get_by_text("the breach goes to the daily risk meeting")).to_be_visible()
        expect(page2.locator("#breaches")).to_be_visible()
        page2.screenshot(path=shots / "orders-check-breach.png", full_page=True)

        # The daily risk meeting's list for Birmingham.
        page2.goto(f"{live_server.url}/orders/meetings/?lpa=BHM")
        page2.get_by_role("link", name="Order breaches for arrest").click()
        table = page2.get_by_role("table", name="Order breaches for arrest")
        expect(table).to_contain_text("Dean JOURNEY-SUSPECT")
        expect(table).to_contain_text("Police (proactive check)")
        page2.screenshot(path=shots / "orders-daily-meeting.png", full_page=True)

        # The court varies the DVPO: longer, with an exclusion zone; both versions shown.
        page.goto(dvpo_url)
        page.get_by_role("link", name="Record a variation").click()
        page.get_by_label("Date the court varied the order").fill(
            (wednesday + timedelta(days=7)).isoformat())
        page.get_by_label("Date the order now ends").fill(
            (wednesday + timedelta(days=42)).isoformat())
        page.get_by_label("Conditions as varied").fill(
            "Not to contact Amy directly or indirectly\nNot to enter Elm Road, Edgbaston")
        page.get_by_role("button", name="Save").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Name the court that varied the order")
        expect(summary).to_contain_text("Say what the court varied and why")
        page.screenshot(path=shots / "orders-vary-error.png", full_page=True)
        page.get_by_label("Court", exact=True).fill("Birmingham Magistrates' Court")
        page.get_by_label("What did the court vary, and why?").fill(
            "Breach at the weekly check: extended to six weeks, exclusion zone added")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Variation recorded: the order is now version 2")).to_be_visible()
        versions = page.get_by_role("table", name="Every version of the order's terms")
        expect(versions.locator("tbody tr")).to_have_count(2)
        expect(versions.locator("#version-1")).to_contain_text(
            f"{wednesday + timedelta(days=28):%-d %b %Y}")
        expect(versions.locator("#version-2")).to_contain_text("Current")
        expect(versions.locator("#version-2")).to_contain_text("Not to enter Elm Road")
        page.screenshot(path=shots / "orders-varied.png", full_page=True)

        # The family court's non-molestation order, recorded from the search page.
        page.goto(f"{live_server.url}/orders/search/")
        page.screenshot(path=shots / "orders-search-civil-orders.png", full_page=True)
        page.get_by_role("link", name="Record a court order").click()
        page.get_by_label("Type of order").select_option("NMO")
        page.get_by_label("Crime reference (if the order follows a crime)").fill(
            crime.reference)
        page.get_by_label("Court", exact=True).fill("Birmingham Family Court")
        page.get_by_label("Date the order was made").fill((monday + timedelta(days=3)).isoformat())
        page.get_by_label("Date the order ends").fill((monday + timedelta(days=1)).isoformat())
        page.get_by_role("button", name="Record the order").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "The order ends before it was made")
        page.screenshot(path=shots / "orders-court-order-error.png", full_page=True)
        page.get_by_label("Date the order ends").fill(
            (monday + timedelta(days=3 + 365)).isoformat())
        page.get_by_label("Conditions").fill("Not to molest Amy\nNot to go within 100 metres "
                                             "of her home")
        page.get_by_role("button", name="Record the order").click()
        expect(page.get_by_text("Non-molestation order recorded")).to_be_visible()
        expect(page.locator("#conditions + ol")).to_contain_text("Not to go within 100 metres")
        page.screenshot(path=shots / "orders-nmo-recorded.png", full_page=True)

        # The court-orders search, by the victim's neighbourhood.
        page2.goto(f"{live_server.url}/orders/search/")
        page2.get_by_label("Neighbourhood (where the victim lives)").select_option("BHM-EDG")
        page2.get_by_label("Status").select_option("")
        page2.get_by_role("button", name="Search").click()
        found = page2.get_by_role("table", name="Orders found")
        expect(found).to_contain_text("Domestic Violence Protection Order")
        expect(found).to_contain_text("Edgbaston")
        expect(found.locator("tbody tr")).to_have_count(3)  # the DVPN, the DVPO, the NMO
        expect(found).to_contain_text("Non-molestation order")
        page2.screenshot(path=shots / "orders-search.png", full_page=True)
        page2.get_by_label("Neighbourhood (where the victim lives)").select_option("BHM-ERD")
        page2.get_by_role("button", name="Search").click()
        expect(page2.get_by_text("No orders match")).to_be_visible()
        browser.close()

    assert problems == []
    assert OrderBreach.objects.get().reported_by == "police"
    assert OrderVariation.objects.get().ends_on == wednesday + timedelta(days=42)
    assert list(ProtectiveOrder.objects.order_by("pk").values_list("order_type", "status")) == [
        ("DVPN", "expired"), ("DVPO", "live"), ("NMO", "live")]
    dvpo = ProtectiveOrder.objects.get(order_type="DVPO")
    assert dvpo.applied_at.date() == tuesday and dvpo.court == "Birmingham Magistrates' Court"
    assert AuditEvent.objects.filter(action="search", object_type="orders.protectiveorder"
                                     ).count() == 4  # two opening lists, two searches
