"""End to end in Chromium: the SMT lead writes the commentary; the Commissioner's office
signs in, generates the board report, reads the lead's commentary in it and downloads
the PDF. Screenshots of each page and of every PDF page go to $VIGIL_SCREENSHOT_DIR
(default: the test's tmp dir) for a human to look at."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.core.models import AuditEvent

COMMENTARY = "Hearings within 28 days rose after the second Coventry meeting each month."


def _sign_in(page, url, username):
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.e2e
def test_commissioners_office_generates_and_downloads_the_report(
        small_force, live_server, make_user, settings, tmp_path):
    _chromium_or_skip()
    from django.utils import timezone
    from playwright.sync_api import expect, sync_playwright

    from vigil.analytics import services

    settings.VIGIL_JOBS_SYNC = True
    lead = make_user("lpa_commander", username="supt-lead")
    opcc = make_user("commissioner", username="opcc-officer")
    services.set_lead(actor="opcc-officer", user=opcc, commitment="51", lead=lead,
                      at=timezone.now())
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900},
                                accept_downloads=True)
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(
            f"{r.status} {r.url}"))

        # The lead writes the commentary from the dashboard.
        _sign_in(page, f"{live_server.url}/analytics/", "supt-lead")
        expect(page.get_by_text("records to 11 December 2025")).to_be_visible()
        page.get_by_role("link", name="Write the commentary for ref 51 (2025-26)").click()
        page.get_by_label("Commentary").fill(COMMENTARY)
        page.get_by_role("button", name="Save commentary").click()
        expect(page.get_by_text("Commentary saved")).to_be_visible()
        page.screenshot(path=shots / "commentary.png", full_page=True)
        page.get_by_role("button", name="Sign out").click()

        # The Commissioner's office generates the report.
        _sign_in(page, f"{live_server.url}/analytics/reports/", "opcc-officer")
        expect(page.get_by_role("heading", level=1)).to_have_text("Board report")
        page.screenshot(path=shots / "reports.png", full_page=True)
        # With VIGIL_JOBS_SYNC the job runs inside this request (no worker in tests), so
        # the click waits for the whole report; with a worker the page shows progress.
        page.get_by_role("button", name="Generate the report").click(timeout=240_000)
        expect(page.get_by_role("heading", name="Ready")).to_be_visible(timeout=240_000)
        page.screenshot(path=shots / "edition.png", full_page=True)

        page.get_by_role("link", name="View the report").click()
        expect(page.locator("main")).to_contain_text(COMMENTARY)
        expect(page.locator("main")).to_contain_text("supt-lead, SMT lead")
        page.screenshot(path=shots / "report-html.png", full_page=True)
        page.go_back()

        with page.expect_download() as info:
            page.get_by_role("link", name="Download the PDF").click()
        pdf = shots / "board-report.pdf"
        info.value.save_as(pdf)
        browser.close()
    assert problems == []
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert AuditEvent.objects.filter(user=opcc, action="export",
                                     detail__format="pdf").count() == 1
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(shots / "pdf-page")],
                       check=True)
        assert len(list(shots.glob("pdf-page-*.png"))) >= 6
