"""Clare's Law in Chromium: a Right to Ask application from receipt to disclosure.

The officer records the application (an empty form first: the error summary), is refused a
disclosure before any decision, does the initial checks and records the multi-agency
decision from the queue (claim, open, record), then records the disclosure with its safety
plan. Screenshots go to $VIGIL_SCREENSHOT_DIR (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.disclosure.models import DvdsApplication


def _work_task(page, base, label, answers, shots, name):
    """Claim the open task labelled `label` in the Clare's Law queue, open it, record it.
    (No database calls here: Playwright's event loop runs in this thread.)"""
    from playwright.sync_api import expect

    page.goto(f"{base}/queues/clares_law/")
    row = page.locator("tbody tr", has_text=label)
    expect(row).to_have_count(1)
    row_id = row.get_attribute("id")
    row.get_by_role("button", name="Claim").click()
    page.locator(f"#{row_id}").get_by_role("link", name=label, exact=True).click()
    expect(page.locator("#task-holder")).to_contain_text("You")
    for answer in answers:
        if answer[0] == "fill":
            page.get_by_label(answer[1]).fill(answer[2])
        else:
            page.get_by_role("group", name=answer[0]).get_by_label(answer[1]).check()
    page.screenshot(path=shots / f"clares-law-{name}-form.png", full_page=True)
    page.get_by_role("button", name="Save and complete").click()
    expect(page.locator("#task-status")).to_contain_text("Met")
    page.screenshot(path=shots / f"clares-law-{name}-met.png", full_page=True)


@pytest.mark.e2e
def test_right_to_ask_from_application_to_disclosure(live_server, transactional_db, tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user

    areas = make_areas()
    officer = make_user(role="clares_law", area=areas["BHM"], username="e2e-dvds")
    officer.first_name, officer.last_name = "Dana", "Reid"
    officer.save()
    received = timezone.localtime(timezone.now() - timedelta(hours=1))
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{base}/clares-law/")
        page.get_by_label("Username").fill(officer.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Applications")
        expect(page.get_by_text("No applications.")).to_be_visible()

        # The application: an empty form first, then the answers.
        page.get_by_role("button", name="New application").click()
        page.get_by_role("button", name="Record the application").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Select Right to Ask or Right to Know")
        expect(summary).to_contain_text("Enter the subject's surname")
        page.screenshot(path=shots / "clares-law-application-errors.png", full_page=True)
        page.get_by_role("group", name="Which scheme is the application under?").get_by_label(
            "Right to Ask").check()
        page.get_by_role("group", name="Who applied?").get_by_label(
            "The person at risk").check()
        page.get_by_label("Date received").fill(received.strftime("%Y-%m-%d"))
        page.get_by_label("Time received").fill(received.strftime("%H:%M"))
        page.get_by_label("Area").select_option(label="Birmingham")
        page.get_by_role("group", name="How complete was the application form?").get_by_label(
            re.compile("^Adequate")).check()
        page.get_by_label("Person at risk: first name").fill("Amy")
        page.get_by_label("Person at risk: surname").fill("Atwal")
        page.get_by_label("Subject: first name").fill("Sean")
        page.get_by_label("Subject: surname").fill("Bright")
        page.get_by_label("Subject: date of birth (if known)").fill("1988-04-02")
        page.get_by_role("group", name="The subject's relationship to the person at risk"
                         ).get_by_label("New partner (relationship under a year)").check()
        page.screenshot(path=shots / "clares-law-application-form.png", full_page=True)
        page.get_by_role("button", name="Record the application").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The initial checks are due within 24 hours")
        expect(page.get_by_role("heading", level=1)).to_have_text("Right to Ask application")
        expect(page.locator("#tasks + table")).to_contain_text(
            "Clare's Law initial checks within 24 h")
        page.screenshot(path=shots / "clares-law-application.png", full_page=True)
        app_url = re.search(r"/clares-law/applications/\d+/", page.url).group(0)

        # A disclosure before the panel has decided is refused, saying why.
        page.goto(f"{base}{app_url}disclosure/")
        page.get_by_role("group", name="Who was the disclosure made to?").get_by_label(
            "The person at risk").check()
        page.get_by_label("The safety plan made with them").fill("Too early")
        page.get_by_role("button", name="Record the disclosure").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "A disclosure needs the multi-agency decision to disclose; no multi-agency "
            "decision is recorded yet")
        page.screenshot(path=shots / "clares-law-disclosure-refused.png", full_page=True)

        # Initial checks, then the panel's decision, from the queue.
        _work_task(page, base, "Clare's Law: initial checks",
                   [("Have the initial checks been done?", re.compile("^Yes"))], shots, "checks")
        _work_task(page, base, "Clare's Law: disclosure decision", [
            ("What did the multi-agency panel decide?", "Disclose"),
            ("Is disclosure lawful?", "Yes"), ("Is disclosure necessary?", "Yes"),
            ("Is disclosure proportionate?", "Yes"),
            ("fill", "The panel's reasons (lawful, necessary, proportionate)",
             "Two convictions for assaulting former partners; Amy is at risk.")],
            shots, "decision")

        # The disclosure, with its safety plan.
        page.goto(f"{base}{app_url}")
        page.get_by_role("button", name="Record the disclosure").click()
        page.get_by_role("group", name="Who was the disclosure made to?").get_by_label(
            "The person at risk").check()
        page.get_by_label("The safety plan made with them").fill(
            "IDVA referral made; panic alarm fitted; safe word agreed with a neighbour.")
        page.get_by_role("button", name="Record the disclosure").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Disclosure recorded")
        card = page.locator(".govuk-summary-card").first
        expect(card).to_contain_text("Disclose")
        expect(card).to_contain_text("Dana Reid")
        expect(card).to_contain_text("panic alarm fitted")
        expect(page.locator("#steps + table")).to_contain_text("Disclosure with safety plan")
        disclosure_task = page.locator("#tasks + table tr", has_text="Clare's Law disclosure")
        expect(disclosure_task).to_contain_text("Met")
        page.screenshot(path=shots / "clares-law-disclosed.png", full_page=True)
        browser.close()
    assert problems == []

    app = DvdsApplication.objects.get()
    assert (app.person_at_risk.surname, app.subject.surname, app.relationship,
            app.applicant_id) == ("Atwal", "Bright", "new_partner", app.person_at_risk_id)
    assert app.decision == "disclose" and app.disclosed_at is not None
    assert (app.lawful, app.necessary, app.proportionate) == (True, True, True)
    assert list(app.steps.values_list("step", flat=True)) == [
        "initial_checks", "multi_agency", "disclosure"]
    assert app.initial_checks_at - app.received_at < timedelta(hours=24)
