"""End to end in Debian's Chromium: sign in, open a person, read the timeline.

Screenshots of the login, home, person and incident pages go to
$VIGIL_SCREENSHOT_DIR (default: the test's tmp dir) for a human to look at.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import browser_required
from tests.factories import make_user
from tests.web import builders
from vigil.core.models import AuditEvent

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = "not-a-real-password-1"


def _chromium_or_skip():
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)"
    if browser_required():
        pytest.fail(f"VIGIL_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.mark.e2e
def test_sign_in_and_read_a_persons_timeline(live_server, transactional_db, tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas

    areas = make_areas()
    person, control, connect, suspect, records = builders.victim_with_history(areas)
    builders.make_log_review(records["incidents"][1], records["risk"].assessed_at)
    user = make_user(role="safeguarding", area=areas["BHM"], username="e2e-officer")
    user.first_name, user.last_name = "Priya", "Shah"
    user.save()
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
        expect(page.get_by_role("heading", name="Sign in to Vigil")).to_be_visible()
        page.screenshot(path=shots / "login.png", full_page=True)

        page.get_by_label("Username").fill("e2e-officer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # Back to the page asked for, now signed in.
        expect(page.get_by_role("heading", level=1)).to_have_text("Jane SMITH")
        timeline = page.get_by_role("list", name="Timeline")
        expect(timeline.locator("li[data-kind=incident]")).to_have_count(2)
        expect(timeline).to_contain_text("Domestic Violence Protection Order")
        expect(timeline).to_contain_text("Final level High, set by DS Patel")
        expect(page.locator("#source-records + p + table tbody tr")).to_have_count(2)
        page.screenshot(path=shots / "person.png", full_page=True)

        page.get_by_role("link", name=f"Incident {records['incidents'][1].reference}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            records["incidents"][1].reference)
        page.screenshot(path=shots / "incident.png", full_page=True)

        page.get_by_role("link", name="Home").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
        page.screenshot(path=shots / "home.png", full_page=True)
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in to Vigil")).to_be_visible()
        # The GOV.UK Frontend module ran (it marks initialised components).
        expect(page.locator(".govuk-skip-link[data-govuk-skip-link-init]")).to_have_count(1)
        browser.close()
    assert problems == []

    actions = list(AuditEvent.objects.filter(user=user).order_by("id")
                   .values_list("action", "object_type", "context"))
    assert actions == [
        ("login", "core.user", "login"),
        ("view", "people.person", "login"),  # came straight from signing in
        ("view", "incidents.incident", f"person:{person.pk}"),
        ("logout", "core.user", "logout"),
    ]
