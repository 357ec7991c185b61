"""In Chromium: an analyst compares Birmingham with the force and the other LPAs, and
opens a measure's page ranked by LPA. Screenshots go to $VIGIL_SCREENSHOT_DIR (default:
the test's tmp dir) for a human to look at."""

import os
from pathlib import Path

import pytest

from tests.analytics.test_board_report_e2e import _sign_in
from tests.web.test_e2e import ARGS, CHROMIUM, _chromium_or_skip


@pytest.mark.e2e
def test_analyst_compares_an_lpa_with_the_force_and_the_others(
        small_force, live_server, make_user, tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    make_user("analyst", username="analyst-1")
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _sign_in(page, f"{live_server.url}/analytics/?as_of=2025-11-30&lpa=BHM", "analyst-1")
        expect(page.get_by_role("columnheader", name="Rank among LPAs").first).to_be_visible()
        row = page.get_by_role("row").filter(has_text="MARAC cases heard within")
        expect(row.locator("[data-rating=green]").first).to_be_visible()
        page.screenshot(path=shots / "dashboard-lpa-compare.png", full_page=True)
        page.get_by_role("link", name="DA positive outcome rate").first.click()
        expect(page.get_by_text("This year to date there have been")).to_be_visible()
        expect(page.get_by_role("rowheader", name="Whole force")).to_be_visible()
        page.screenshot(path=shots / "kpi-ranked.png", full_page=True)
        browser.close()
