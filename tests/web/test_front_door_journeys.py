"""Issue 14's journeys in Debian's Chromium.

1. A control-room DA specialist takes a sampled log, sees the screening marks with their
   words, corrects one, records the review with live feedback and a regrade; after the
   snapshot (`vigil snapshot`'s service) the measures move.
2. The DA desk triages a new incident, records the video contact, and allocates the crime
   to the PPU (the R&A review, met by the allocation).

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

LOG_TEXT = (
    "{t} Caller reports her ex-partner came to the address and tried to strangle her.\n"
    "{t} CH asked about recent separation - they split up 2 weeks ago.\n"
    "{t} Handler asked about children: 2 in the house, currently upstairs.\n"
    "{t} CH told IP it is not her fault and help is on the way.\n"
    "{t} Caller advised of Women's Aid helpline.\n"
    "{t} Appointment made for officers to attend tomorrow.\n")


def _browser(p):
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    return browser, page, problems


def _sign_in(page, url, username):
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _shots(tmp_path) -> Path:
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.mark.e2e
def test_a_specialist_reviews_a_sampled_log(live_server, transactional_db, tmp_path,
                                            settings):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user
    from vigil.controlroom import sampling, screening
    from vigil.controlroom.models import LogReview, SampledLog
    from vigil.controlroom.screening_models import ScreeningLabel
    from vigil.safeguarding.models import Task

    areas = make_areas()
    now = timezone.now().replace(microsecond=0)
    called = now - timedelta(days=2)
    incident = b.make_incident(areas["BHM"], called, victim=b.make_person("Victim"),
                               grade="scheduled", narrative=LOG_TEXT.format(t="20:14"))
    screening.screen_incident(incident.pk, actor="cli")
    sampling.draw(as_of=now, days=5)
    sample = SampledLog.objects.get(incident=incident)
    assert sample.reasons == ["delayed_appointment"]  # not attended 24 h after the call
    user = make_user(role="control_room", area=areas["BHM"], username="e2e-specialist")
    settings.DATA_DIR = tmp_path
    live_before = _kpi_count(tmp_path, "review_feedback_live", now, areas["BHM"].pk)
    reassured_before = _kpi_count(tmp_path, "review_reassurance_share", now, areas["BHM"].pk)
    shots = _shots(tmp_path)

    with sync_playwright() as p:
        browser, page, problems = _browser(p)
        _sign_in(page, f"{live_server.url}/control-room/reviews/", user.username)
        row = page.locator(f"#sample-{sample.pk}")
        expect(row).to_contain_text("Appointment log with a delayed response")
        page.screenshot(path=shots / "logreview-queue.png", full_page=True)
        row.get_by_role("button", name=f"Take log {incident.reference}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Log {incident.reference}")
        # The marks, with the words that set them, marked in the log's text too.
        expect(page.locator("#narrative mark").first).to_be_visible()
        expect(page.locator("#mark-risk_factors_asked")).to_contain_text("“separation”")
        expect(page.locator("#mark-children_mentioned")).to_contain_text("children")
        page.screenshot(path=shots / "logreview-marks.png", full_page=True)
        # Correct one: the reviewer says the support offered was only a helpline name.
        support = page.locator("#mark-support_offered")
        support.get_by_role("button", name="Correct to no").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "corrected")
        expect(page.locator("#mark-support_offered")).to_contain_text("Corrected to no")

        # Submitting without the feedback shows the error summary.
        page.get_by_role("button", name="Record the review").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()

        def answer(question, choice):
            page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()

        answer("How was feedback given to the call handler?", "Live, during the call")
        answer("Was the feedback positive?", "Yes")
        answer("Did you give feedback on the risk assessment?", "Yes")
        answer("Was the log regraded following your review?", "Yes")
        page.get_by_label("New grade (when regraded)").select_option(label="Immediate (P1)")
        answer("Was the log reopened following your review?", "No")
        page.screenshot(path=shots / "logreview-form.png", full_page=True)
        page.get_by_role("button", name="Record the review").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "follow-up task")
        expect(page.locator("#review-summary")).to_contain_text("Live, during the call")
        expect(page.locator("#review-summary")).to_contain_text("Immediate (P1)")
        page.screenshot(path=shots / "logreview-done.png", full_page=True)
        browser.close()
    assert problems == []

    review = LogReview.objects.get(incident=incident)
    assert review.feedback == "live" and review.regraded and review.regraded_to == "immediate"
    # Prefilled from the marks: reassurance and children; support corrected to no.
    assert review.reassurance_given and review.children_identified
    assert not review.asked_support_services
    label = ScreeningLabel.objects.get(incident=incident)
    assert label.kind == "support_offered" and not label.agrees
    assert Task.objects.get(kind="log_followup").team == "local_policing"
    assert _kpi_count(tmp_path, "review_feedback_live", now, areas["BHM"].pk) == live_before + 1
    assert _kpi_count(tmp_path, "review_reassurance_share", now,
                      areas["BHM"].pk) == reassured_before + 1


@pytest.mark.e2e
def test_the_da_desk_triages_records_video_and_allocates_to_the_ppu(
        live_server, transactional_db, tmp_path, settings):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user
    from vigil.controlroom.models import DeskContact
    from vigil.risk.models import Allocation
    from vigil.safeguarding import engine
    from vigil.safeguarding.models import Task

    areas = make_areas()
    now = timezone.now().replace(microsecond=0)
    victim = b.make_person("Victim")
    incident = b.make_incident(areas["BHM"], now - timedelta(minutes=4), victim=victim)
    crime = b.make_crime(areas["BHM"], now - timedelta(minutes=2), victim=victim,
                         incident=incident)
    b.assessment(victim, now - timedelta(minutes=2), yes=15, incident=incident)  # high
    officer = make_user(role="investigator", area=areas["BHM"], username="dc-patel")
    officer.first_name, officer.last_name = "Dev", "Patel"
    officer.save()
    make_user(role="lpa_commander", area=areas["BHM"], username="insp-lpa")
    engine.run(as_of=now)
    task = Task.objects.get(kind="ra_review")
    user = make_user(role="da_desk", area=areas["BHM"], username="e2e-desk")
    settings.DATA_DIR = tmp_path
    before = _kpi_count(tmp_path, "desk_video_contact_share", now, areas["BHM"].pk)
    shots = _shots(tmp_path)

    with sync_playwright() as p:
        browser, page, problems = _browser(p)
        _sign_in(page, f"{live_server.url}/da-desk/", user.username)
        row = page.locator(f"#incident-{incident.pk}")
        expect(row).to_contain_text("min")
        page.screenshot(path=shots / "desk-triage.png", full_page=True)
        row.get_by_role("link", name=incident.reference).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Incident {incident.reference}")

        def answer(question, choice):
            page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()

        answer("Did the victim have a video contact (Rapid Video Response)?", "Yes")
        contact_at = timezone.localtime(timezone.now())
        page.get_by_label("Time the victim was on video with you (24-hour, like 14:05)").fill(
            f"{contact_at:%H:%M}")
        answer("Was the DASH risk assessment taken on the contact?", "Yes")
        answer("Was the DA suicide-risk screening done?", "Yes")
        answer("Was a suicide risk identified? (when screened)", "No")
        page.screenshot(path=shots / "desk-form.png", full_page=True)
        page.get_by_role("button", name="Record the desk contact").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "recorded")
        expect(page.locator("#desk-contact")).to_contain_text("video contact")
        page.screenshot(path=shots / "desk-recorded.png", full_page=True)

        page.get_by_role("link", name="Review and allocate the crime").click()
        expect(page.get_by_role("heading", name="Record the allocation")).to_be_visible()
        page.get_by_role("group", name="Where does the crime go?").get_by_label(
            "Public Protection Unit (high risk)").check()
        page.get_by_label("Officer in charge (for the LPA or the PPU)").select_option(
            label="Dev Patel (PPU)")
        page.screenshot(path=shots / "desk-allocate.png", full_page=True)
        page.get_by_role("button", name="Allocate and complete").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "recorded")
        expect(page.locator("#task-status")).to_contain_text("Met")
        expect(page.locator("#task-outcome")).to_contain_text("Dev Patel")
        page.screenshot(path=shots / "desk-allocated.png", full_page=True)
        browser.close()
    assert problems == []

    contact = DeskContact.objects.get(incident=incident)
    assert contact.video_contact_at is not None and contact.dash_taken
    assert contact.suicide_screened and contact.suicide_risk_identified is False
    allocation = Allocation.objects.get(crime=crime)
    assert allocation.route == "ppu" and allocation.officer_in_charge == officer
    task.refresh_from_db()
    assert task.status == "met"
    assert _kpi_count(tmp_path, "desk_video_contact_share", now, areas["BHM"].pk) == before + 1
