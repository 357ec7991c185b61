"""In Debian's Chromium: the person page's summary, timeline filter and pagination, a
record page reached from the timeline, and the printout's protective marking.

Screenshots and the printed PDF go to $VIGIL_SCREENSHOT_DIR (default: the test's tmp
dir) for a human to look at.
"""

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import make_incident, make_user
from tests.web import builders
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip


def _case(areas):
    from vigil.marac.models import MaracMeeting
    from vigil.safeguarding import engine

    person, control, connect, suspect, recs = builders.victim_with_history(areas)
    today = timezone.localdate()
    # Enough history for several pages of timeline and printed pages.
    from tests.web.test_person_page import _add_history

    _add_history(areas, control, connect, suspect, 6)
    # Two recent incidents: a repeat victim now.
    for days in (20, 5):
        make_incident(areas["BHM"], timezone.now() - timedelta(days=days), victim=control,
                      suspect=suspect)
    builders.make_order(suspect, areas["BHM"], timezone.now() - timedelta(days=3),
                        protected=[connect], order_type="DAPO", starts_on=today,
                        conditions=["Not to contact Jayne Smith", "Not to enter Elm Road"])
    referral = builders.make_marac(connect, areas["BHM"], today - timedelta(days=4),
                                   perpetrator=suspect)
    referral.meeting = MaracMeeting.objects.create(
        source_system="MARAC", source_id="MM1", lpa=areas["BHM"],
        held_on=today + timedelta(days=10))
    referral.save()
    engine.run(as_of=timezone.now())
    return person, recs


@pytest.mark.e2e
def test_person_page_summary_records_and_print(live_server, transactional_db, tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas

    areas = make_areas()
    person, recs = _case(areas)
    make_user(role="safeguarding", area=areas["BHM"], username="e2e-sg")
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{live_server.url}/people/{person.pk}/")
        page.get_by_label("Username").fill("e2e-sg")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Jane SMITH")

        # The summary answers first: risk, orders in force, MARAC and the next hearing.
        expect(page.locator("#summary-risk")).to_contain_text("High risk")
        expect(page.locator("#summary-orders")).to_contain_text(
            "Domestic Abuse Protection Order")
        expect(page.locator("#summary-marac")).to_contain_text("Next hearing")
        expect(page.locator("#summary-people")).to_contain_text("Mark Brown")
        expect(page.locator("#summary-people")).to_contain_text("Child")
        expect(page.locator("#flags")).to_contain_text("Repeat victim")
        expect(page.locator("#flags")).not_to_contain_text("incidents.incident:")
        page.screenshot(path=shots / "person-summary.png", full_page=False)
        page.screenshot(path=shots / "person-full.png", full_page=True)

        # Paginated timeline; the filter keeps to one kind.
        timeline = page.get_by_role("list", name="Timeline")
        expect(timeline.locator(":scope > li")).to_have_count(25)
        expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()
        page.get_by_label("Show").select_option("order")
        page.get_by_role("button", name="Filter").click()
        expect(timeline.locator("li[data-kind=order]")).to_have_count(8)
        expect(timeline.locator(":scope > li:not([data-kind=order])")).to_have_count(0)
        page.screenshot(path=shots / "person-orders.png", full_page=True)

        # The printout: no navigation; the marking on every page.
        pdf = shots / "person-print.pdf"
        page.goto(f"{live_server.url}/people/{person.pk}/")
        page.emulate_media(media="print")
        expect(page.locator(".govuk-service-navigation")).to_be_hidden()
        expect(page.locator(".govuk-pagination")).to_be_hidden()
        page.pdf(path=str(pdf), format="A4")
        page.emulate_media(media="screen")

        # A record page from the timeline, then the MARAC referral from the summary.
        page.get_by_label("Show").select_option("order")
        page.get_by_role("button", name="Filter").click()
        timeline.get_by_role("link", name="Domestic Abuse Protection Order").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Domestic Abuse Protection Order")
        expect(page.locator("body")).to_contain_text("Not to enter Elm Road")
        page.screenshot(path=shots / "order.png", full_page=True)
        page.go_back()
        page.go_back()
        page.locator("#summary-marac").get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "MARAC referral for Jayne Smith")
        page.screenshot(path=shots / "marac.png", full_page=True)
        browser.close()
    assert problems == []

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: the printout was not read")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for n, printed in enumerate(pages, start=1):
        assert printed.count("OFFICIAL-SENSITIVE") >= 2, f"page {n} lacks the marking"
        assert f"page {n} of {len(pages)}" in printed
    assert "Sign out" not in text

