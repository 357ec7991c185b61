"""Victims' Code in Chromium: a DA desk officer assesses a victim's needs and agrees a
contact plan (the forms, with an error first), tells the victim of the suspect's arrest
from the queue, sees the update on time on the victim's page, and `vigil snapshot`'s
service counts it on time. Screenshots go to $VIGIL_SCREENSHOT_DIR (default: tmp dir).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.safeguarding import builders as b
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.safeguarding.models import Task

KPI = "vcop_updates_on_time"


def _on_time(data_dir: Path, month, as_of, lpa_id: int) -> tuple[float, float]:
    """Take the snapshot (the service `vigil snapshot` runs); the KPI's (num, den)."""
    from vigil.analytics import catalogue, engine
    from vigil.analytics.pack import run_pack
    from vigil.analytics.snapshot import take_snapshot
    from vigil.core.policy import current

    take_snapshot(data_dir)
    window = engine.Window(month, as_of)
    con = engine.connect(data_dir, window, current())
    row = run_pack(con, window, kpis=[catalogue.get(KPI)]).period(KPI, month, month, lpa_id)
    return row["num"], row["den"] or 0


@pytest.mark.e2e
def test_a_victim_update_recorded_and_counted_on_time(live_server, transactional_db,
                                                      tmp_path, settings):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user
    from vigil.safeguarding import engine

    areas = make_areas()
    now = timezone.now().replace(microsecond=0)
    arrested = now - timedelta(hours=20)
    victim = b.make_person("Okafor", forename="Grace")
    suspect = b.make_person("Doyle", forename="Liam")
    crime = b.make_crime(areas["BHM"], now - timedelta(days=2), victim=victim, suspect=suspect)
    b.arrest(suspect, crime, arrested)
    engine.run(as_of=now)
    task = Task.objects.get(kind="vcop_update", status="open")
    officer = make_user(role="da_desk", area=areas["BHM"], username="e2e-vcop")
    sergeant = make_user(role="referral_allocation", area=areas["BHM"], username="e2e-ds")
    settings.DATA_DIR = tmp_path
    month = timezone.localtime(arrested).date().replace(day=1)
    today = timezone.localtime(now).date()
    before = _on_time(tmp_path, month, today, areas["BHM"].pk)
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{base}/victims/")
        page.get_by_label("Username").fill(officer.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Victims' Code")
        page.get_by_role("link", name="Grace OKAFOR").click()
        expect(page.locator("#updates + p")).to_have_text("No updates recorded yet.")
        page.screenshot(path=shots / "victims-care-before.png", full_page=True)

        # The needs assessment: nothing ticked first, then the answers.
        page.get_by_role("link", name="Assess the victim's needs").click()
        page.get_by_role("button", name="Save needs assessment").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select the victim's needs, or None identified")
        page.get_by_role("group", name="Is the victim entitled to enhanced rights?"
                         ).get_by_label("Yes").check()
        needs = page.get_by_role("group", name="What support does the victim need?")
        needs.get_by_label("Emotional support").check()
        needs.get_by_label(re.compile("^Safety measures")).check()
        page.screenshot(path=shots / "victims-needs-form.png", full_page=True)
        page.get_by_role("button", name="Save needs assessment").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Needs assessment recorded")

        # The contact plan.
        page.get_by_role("link", name="Agree a contact plan").click()
        page.get_by_role("group", name="How does the victim want to be updated?"
                         ).get_by_label("Phone").check()
        page.get_by_role("group", name="How often does the victim want an update?"
                         ).get_by_label("Every week").check()
        page.get_by_label(re.compile("^Anything else about contact")).fill(
            "Only after 6pm; not on the landline.")
        page.get_by_role("button", name="Save contact plan").click()
        expect(page.locator("#contact-plan")).to_contain_text("Phone, every week")

        # Tell the victim of the arrest, from the queue.
        page.goto(f"{base}/queues/victim_care/")
        row = page.locator(f"#task-{task.pk}")
        row.get_by_role("button", name="Claim").click()
        page.locator(f"#task-{task.pk}").get_by_role("link", name=task.kind_label,
                                                     exact=True).click()
        page.get_by_role("group", name="How did you tell the victim?").get_by_label(
            "Phone", exact=True).check()
        page.get_by_role("button", name="Save and complete").click()
        expect(page.locator("#task-status")).to_contain_text("Met")
        page.screenshot(path=shots / "victims-update-met.png", full_page=True)

        # The victim's page: the update, on time against its working-day deadline.
        page.goto(f"{base}/victims/")
        page.get_by_role("link", name="Grace OKAFOR").click()
        updates = page.locator("#updates + table")
        expect(updates).to_contain_text("Suspect arrested")
        expect(updates).to_contain_text("On time")
        expect(page.locator("#needs")).to_contain_text("Emotional support")
        page.screenshot(path=shots / "victims-care-after.png", full_page=True)

        # The supervisor's view: the support referral (due two days after the crime was
        # recorded) is still open past its time; the update, not due yet, met in time.
        page.get_by_role("button", name="Sign out").click()
        page.goto(f"{base}/victims/compliance/")
        page.get_by_label("Username").fill(sergeant.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Victims' Code compliance by team")
        referral = page.locator("#compliance-vcop_support_referral tbody tr",
                                has_text="Birmingham")
        expect(referral.locator("td")).to_have_text(["1", "0", "0", "1", "0"])
        update = page.locator("#compliance-vcop_update tbody tr", has_text="Birmingham")
        expect(update.locator("td")).to_have_text(["1", "1", "0", "0", "100"])
        expect(page.locator("#compliance-records tbody tr", has_text="Birmingham")
               .locator("td").nth(1)).to_have_text("100")  # needs assessed
        page.screenshot(path=shots / "victims-compliance.png", full_page=True)
        browser.close()
    assert problems == []

    task.refresh_from_db()
    assert task.status == "met" and task.completed_at <= task.due_at
    # `vigil snapshot`, then the measure: the one victim, told on time. Before the update
    # the event counted as late only if its deadline (the end of the next working day)
    # had passed by the end of today; after it, it counts as on time either way.
    deadline_passed = timezone.localtime(task.due_at).date() <= today
    assert before == (0, 1 if deadline_passed else 0)
    after = _on_time(tmp_path, month, today, areas["BHM"].pk)
    assert after == (1, 1)
