"""The MARAC coordinator's journey in Debian's Chromium (issue 11, "Done when").

A high-risk DASH raises a proposed referral; the coordinator accepts it, schedules it
into a meeting with room, prints the agenda, records the hearing with two actions and
closes one; the backlog and days-to-hearing measures move after `vigil snapshot`.
Screenshots go to $VIGIL_SCREENSHOT_DIR (default: the test's tmp dir).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.safeguarding import builders as b
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from tests.web.test_task_journeys import _kpi_count


def _measures(data_dir, now, lpa_id):
    return (_kpi_count(data_dir, "marac_backlog", now, lpa_id),
            _kpi_count(data_dir, "marac_days_to_hearing", now, lpa_id))


@pytest.mark.e2e
def test_the_coordinators_journey(live_server, transactional_db, tmp_path, settings):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user
    from vigil.marac.models import MaracMeeting, MaracReferral
    from vigil.safeguarding import engine
    from vigil.safeguarding.models import Task

    areas = make_areas()
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    victim = b.make_person("Okafor", forename="Grace")
    kid = b.child("Okafor", age_on=today, age=7)
    b.assessment(victim, now - timedelta(hours=6), yes=16,
                 incident=b.make_incident(areas["BHM"], now - timedelta(hours=6),
                                          victim=victim, children=[kid]))
    # Another case already waiting, and a meeting today with room (and one full).
    waiting = b.referral(b.make_person("Other"), areas["BHM"], today - timedelta(days=9))
    meeting = MaracMeeting.objects.create(source_system="MARAC", source_id="MM-J1",
                                          lpa=areas["BHM"], held_on=today, capacity=16)
    waiting.meeting = meeting
    waiting.save()
    engine.run(as_of=now)
    task = Task.objects.get(kind="marac_referral", status="open")
    user = make_user(role="marac_coordinator", area=areas["BHM"], username="e2e-marac")
    settings.DATA_DIR = tmp_path
    backlog0, days0 = _measures(tmp_path, now, areas["BHM"].pk)
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{live_server.url}/tasks/{task.pk}/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # Accept the proposed referral: the rules' criteria come ticked.
        page.get_by_role("group", name="What did you decide?").get_by_label(
            "Refer to MARAC", exact=True).check()
        page.get_by_role("group", name="On what basis will the agencies share information?"
                         ).get_by_label("The victim consented to sharing").check()
        page.get_by_label("Risk summary for the agencies").fill(
            "Strangulation, threats to kill; a child of 7 at home.")
        page.screenshot(path=shots / "marac-1-accept.png", full_page=True)
        page.get_by_role("button", name="Save and complete").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded")

        # The coordinator's view: the case waits; schedule it.
        page.goto(f"{live_server.url}/marac/")
        row = page.locator("#waiting-table tr", has_text="Grace Okafor")
        expect(row).to_contain_text("Grace Okafor")
        page.screenshot(path=shots / "marac-2-coordinator.png", full_page=True)
        row.get_by_role("link", name="Schedule").click()
        expect(page.locator("#offer")).to_contain_text("The earliest MARAC with room is")
        expect(page.locator("#offer")).to_contain_text("1 of 16 places taken")
        page.screenshot(path=shots / "marac-3-schedule.png", full_page=True)
        page.get_by_role("button", name="List the case").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Listed")
        expect(page.get_by_role("link", name=today.strftime("%-d %b %Y"))).to_be_visible()
        browser.close()
    assert problems == []
    # Accepted and listed: one more case awaiting MARAC.
    backlog1, _ = _measures(tmp_path, now, areas["BHM"].pk)
    assert backlog1 == backlog0 + 1

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        # The agenda: on screen with the research, and as a PDF.
        page.goto(f"{live_server.url}/marac/meetings/{meeting.pk}/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        case = page.locator("section.vigil-agenda-case", has_text="Grace Okafor")
        expect(case).to_contain_text("16 yes, high risk")
        expect(case).to_contain_text("Okafor")  # the child
        expect(page.locator("#meeting-load")).to_contain_text("2 of 16 cases listed")
        page.screenshot(path=shots / "marac-4-agenda.png", full_page=True)
        with page.expect_download() as dl:
            page.get_by_role("link", name="Print the agenda (PDF)").click()
        pdf = Path(dl.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 2000
        (shots / "marac-agenda.pdf").write_bytes(pdf)
        page.get_by_role("group", name="Which agencies attended?").get_by_label(
            "Police", exact=True).check()
        page.get_by_role("group", name="Which agencies attended?").get_by_label(
            "Housing", exact=True).check()
        page.get_by_role("button", name="Record attendance").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Attendance")

        # The hearing, with two actions; a missing agency is refused first.
        page.get_by_role("link", name="Record the hearing for Grace Okafor").click()
        page.get_by_label("Outcome of the hearing").fill("Safety plan agreed; IDVA to lead.")
        page.get_by_label("Action 1: what is to be done").fill("Sanctuary scheme assessment")
        page.get_by_label("Action 1: named owner (where known)").fill("Sam Patel")
        page.get_by_label("Action 1: due date").fill((today + timedelta(days=14)).isoformat())
        page.get_by_label("Action 2: what is to be done").fill("Flag the address")
        page.get_by_label("Action 2: owning agency").select_option("Police")
        page.get_by_label("Action 2: due date").fill((today + timedelta(days=3)).isoformat())
        page.get_by_role("button", name="Record the hearing").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Action 1: choose the owning agency")
        page.screenshot(path=shots / "marac-5-hearing-error.png", full_page=True)
        page.get_by_label("Action 1: owning agency").select_option("Housing")
        page.get_by_role("button", name="Record the hearing").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Hearing recorded with 2 action(s)")
        # Close one action; the case cannot close until the other is done or carried.
        housing = page.locator("#actions-table tr", has_text="Sanctuary scheme")
        housing.get_by_role("button", name="Mark done").click()
        expect(page.locator("#actions-table tr", has_text="Sanctuary scheme")
               ).to_contain_text("Done")
        page.get_by_role("button", name="Close the case").click()
        expect(page.locator(".govuk-notification-banner, .govuk-error-summary, [role=alert]")
               .first).to_contain_text("cannot be closed")
        page.screenshot(path=shots / "marac-6-referral.png", full_page=True)

        # The other action is a task in the MARAC queue: carry it to the next meeting.
        page.goto(f"{live_server.url}/queues/marac/")
        page.get_by_label("Task type").select_option(
            label="MARAC action due: chase the owning agency")
        page.get_by_role("button", name="Filter").click()
        rows = page.locator("tbody tr", has_text="MARAC action for")
        expect(rows).to_have_count(1)  # the done Housing action has left the queue
        expect(rows.first).to_contain_text("Police")
        rows.first.get_by_role("link", name="MARAC action due: chase the owning agency",
                                exact=True).click()
        expect(page.get_by_role("heading", name="Record the MARAC action")).to_be_visible()
        page.get_by_label("Not done: carry it to the next meeting").check()
        page.get_by_role("button", name="Save and complete").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "MARAC action recorded")
        expect(page.locator("#task-status")).to_contain_text("Met")
        page.screenshot(path=shots / "marac-7-action-carried.png", full_page=True)
        browser.close()
    assert problems == []

    referral = MaracReferral.objects.get(victim=victim)
    assert [(a.agency, a.owner, a.completed_on, a.carried_on)
            for a in referral.actions.order_by("agency")
            ] == [("Housing", "Sam Patel", today, None), ("Police", "", None, today)]
    # Done on the referral page or carried from the queue, both action tasks are met.
    assert sorted(Task.objects.filter(kind="marac_action").values_list("status", "outcome")
                  ) == [("met", f"carried to the next meeting on {today:%d %b %Y}"),
                        ("met", f"done on {today:%d %b %Y}")]
    assert (referral.status, referral.heard_on, referral.meeting) == ("heard", today, meeting)
    assert referral.idva_referred_on == today and referral.closed_on is None
    assert Task.objects.get(kind="marac_hearing", subject=f"marac.maracreferral:{referral.pk}"
                            ).status == "met"
    backlog2, days2 = _measures(tmp_path, now, areas["BHM"].pk)
    # Heard: the backlog falls back; one more hearing counted, on day 0 (the same day).
    assert backlog2 == backlog0
    assert days2 == days0  # the sum of days: this case adds 0
    from vigil.analytics import catalogue
    from vigil.analytics import engine as kpi_engine
    from vigil.analytics.pack import run_pack
    from vigil.core.policy import current

    month = today.replace(day=1)
    window = kpi_engine.Window(month, today)
    pack = run_pack(kpi_engine.connect(tmp_path, window, current()), window,
                    kpis=[catalogue.get("marac_days_to_hearing")])
    assert pack.period("marac_days_to_hearing", month, month, areas["BHM"].pk)["den"] == 1
