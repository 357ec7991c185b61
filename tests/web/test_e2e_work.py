"""End to end in Chromium: sign in, see what needs me on home, go to a queue, filter,
claim a task, find it in My work, reschedule it (with an error first).

Screenshots go to $VIGIL_SCREENSHOT_DIR (default: the test's tmp dir).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import make_areas, make_incident, make_person, make_user
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.core.models import AuditEvent
from vigil.safeguarding import engine, ownership
from vigil.safeguarding.models import Task, TaskChange


@pytest.mark.e2e
def test_claim_from_a_filtered_queue_then_reschedule_from_my_work(live_server, transactional_db,
                                                                  tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    areas = make_areas()
    now = timezone.now()
    make_incident(areas["BHM"], now - timedelta(days=2), victim=make_person("Overdue"))
    fresh = make_incident(areas["BHM"], now - timedelta(hours=1), victim=make_person("Fresh"))
    make_incident(areas["BHM"], now - timedelta(hours=3), victim=make_person("Given"))
    engine.run(as_of=now)
    officer = make_user(role="referral_allocation", area=areas["BHM"], username="e2e-ds")
    officer.first_name, officer.last_name = "Priya", "Shah"
    officer.save()
    sergeant = make_user(role="lpa_commander", area=areas["BHM"], username="e2e-boss")
    given = Task.objects.get(kind="ra_review", person__surname="Given")
    ownership.assign(given.pk, actor=sergeant, assignee_id=officer.pk, version=given.version)
    target = Task.objects.get(kind="ra_review", subject=f"incidents.incident:{fresh.pk}")
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{live_server.url}/")
        page.get_by_label("Username").fill("e2e-ds")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        # Home: what needs me now.
        expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
        expect(page.get_by_text("You have 1 unread notice")).to_be_visible()
        mine = page.get_by_role("table", name="Your open tasks by queue")
        expect(mine.get_by_role("row", name=re.compile("Referral & Allocation 1"))).to_be_visible()
        page.screenshot(path=shots / "work-home.png", full_page=True)

        # The team's queue, filtered to this week's work and to nobody's yet.
        page.get_by_role("table", name="Open tasks by team").get_by_role(
            "link", name="Referral & Allocation").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Referral & Allocation")
        page.get_by_label("Due", exact=True).select_option("week")
        page.get_by_label("Who has it").select_option("unclaimed")
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(r"due=week.*holder=unclaimed"))
        row = page.locator(f"#task-{target.pk}")
        expect(row).to_contain_text("Referral & Allocation review")
        expect(row).to_contain_text(f"CONTROL {fresh.reference}")
        expect(page.locator("tbody tr")).to_have_count(1)
        page.screenshot(path=shots / "work-queue-filtered.png", full_page=True)

        # Claim: back on the same filtered page, told it worked.
        row.get_by_role("button", name=re.compile("^Claim")).click()
        expect(page.get_by_text("Claimed: Referral & Allocation review; it is in My work."))\
            .to_be_visible()
        expect(page).to_have_url(re.compile(rf"due=week.*holder=unclaimed.*#task-{target.pk}$"))
        page.screenshot(path=shots / "work-claimed.png", full_page=True)

        # My work: both tasks I hold, the one I claimed among them.
        page.get_by_role("link", name="My work").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My work")
        expect(page.locator("tbody tr")).to_have_count(2)
        row = page.locator(f"#task-{target.pk}")
        expect(row).to_contain_text("You")
        page.screenshot(path=shots / "work-my-work.png", full_page=True)

        # Reschedule: a missing reason is shown in an error summary linked to the field.
        row.get_by_role("link", name=re.compile("^Reschedule")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reschedule a task")
        new_due = timezone.localtime(now + timedelta(days=3))
        page.get_by_label("Day").fill(str(new_due.day))
        page.get_by_label("Month").fill(str(new_due.month))
        page.get_by_label("Year").fill(str(new_due.year))
        page.get_by_label("Time (24-hour)").fill("16:30")
        page.get_by_role("button", name="Reschedule").click()
        expect(page.get_by_role("alert")).to_contain_text("Say why the task needs a new due date")
        page.screenshot(path=shots / "work-reschedule-error.png", full_page=True)
        page.get_by_label("Why does it need a new date?").fill("Victim asked for a call after 4pm")
        page.get_by_role("button", name="Reschedule").click()
        expect(page.get_by_text(re.compile("Rescheduled: Referral & Allocation review"))
               ).to_be_visible()
        expect(page).to_have_url(re.compile(rf"/my-work/#task-{target.pk}$"))
        expect(page.locator(f"#task-{target.pk}")).to_contain_text("Rescheduled; first due")
        page.screenshot(path=shots / "work-rescheduled.png", full_page=True)

        # The notice of the task the commander gave me; read it.
        page.get_by_role("link", name="Notices").click()
        expect(page.get_by_role("row", name=re.compile("New Task assigned to you"))
               ).to_be_visible()
        page.screenshot(path=shots / "work-notices.png", full_page=True)
        page.get_by_role("button", name="Mark all as read").click()
        expect(page.get_by_text("1 notice marked as read.")).to_be_visible()
        browser.close()
    assert problems == []

    target.refresh_from_db()
    assert target.claimed_by == officer and target.original_due_at is not None
    assert timezone.localtime(target.due_at).strftime("%d %H:%M") == f"{new_due:%d} 16:30"
    assert list(TaskChange.objects.filter(task=target).values_list("action", flat=True)) == [
        "claim", "reschedule"]
    assert AuditEvent.objects.filter(user=officer, action="update",
                                     detail__action="reschedule").count() == 1
