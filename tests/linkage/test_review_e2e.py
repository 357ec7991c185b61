"""In Chromium: a reviewer opens the linkage review queue and finds the pair whose
decision changes most first (a high-risk victim's), then the largest join.

Screenshot: $VIGIL_SCREENSHOT_DIR (default: the test's tmp dir)/linkage-review-order.png.
"""

import os
from datetime import date
from pathlib import Path

import pytest

from tests.factories import at, make_user
from tests.linkage.test_review_order import _uncertain
from tests.web.builders import make_risk
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.people.linkage.batch import link_all


@pytest.mark.e2e
def test_reviewer_sees_the_weightiest_pair_first(live_server, transactional_db, tmp_path,
                                                 settings):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    settings.DATA_DIR = tmp_path
    _uncertain("Kerry", "Walsh", date(1985, 6, 1))
    _uncertain("Dean", "Moss", date(1979, 2, 14), copies=3)
    risky, _ = _uncertain("Ayesha", "Khan", date(1991, 9, 30))
    make_risk(risky[0], at(2026, 1, 2), level=3)
    link_all(as_of=at(2026, 1, 5), train=False)
    make_user(role="safeguarding", username="e2e-reviewer")
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/")
        page.get_by_label("Username").fill("e2e-reviewer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/linkage/review/")
        cards = page.locator(".vigil-review-pair")
        expect(cards).to_have_count(3)
        expect(cards.nth(0)).to_contain_text("Ayesha")
        expect(cards.nth(0)).to_contain_text("High risk or MARAC")
        expect(cards.nth(1)).to_contain_text("joins 4 records")
        expect(cards.nth(2)).to_contain_text("Kerry")
        page.screenshot(path=shots / "linkage-review-order.png", full_page=True)
        browser.close()
