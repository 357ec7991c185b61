"""Operation Encompass in Debian's Chromium: a Friday-night incident with two children at
schools in two local authorities gives two notifications due Monday 08:30; the officer
composes each from the permitted fields, reviews the exact words, sends them, and the test
SMTP server receives exactly those words at each school's Key Adult address.

Screenshots go to $VIGIL_SCREENSHOT_DIR (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

import pytest

from tests.safeguarding import builders as b
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.safeguarding.models import Task

FRIDAY_NIGHT = b.at(2026, 11, 27, 22, 40)  # in term in both authorities
MONDAY = b.at(2026, 11, 30, 8, 30)


@pytest.mark.e2e
def test_friday_night_two_children_two_schools(live_server, transactional_db, tmp_path,
                                               settings, smtp_server):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user
    from vigil.core.models import School
    from vigil.safeguarding import engine

    settings.VIGIL_JOBS_SYNC = True
    areas = make_areas()
    aston = School.objects.create(urn="103001", name="Aston Manor Primary", phase="primary",
                                  local_authority=areas["BHM"],
                                  key_adult_email="key.adult@astonmanor.sch.uk")
    castle = School.objects.create(urn="103900", name="Castle High School", phase="secondary",
                                   local_authority=areas["DUD"],
                                   key_adult_email="dsl@castlehigh.dudley.sch.uk")
    amy = b.make_person(surname="Brown", forename="Amy", dob=date(2018, 5, 1))
    jay = b.make_person(surname="Brown", forename="Jay", dob=date(2013, 2, 9))
    incident = b.make_incident(areas["BHM"], FRIDAY_NIGHT,
                               victim=b.make_person("Brown", "Kerry"),
                               suspect=b.make_person("Stone", "Dale"), children=[amy, jay],
                               location="4 Canal Walk, Aston", narrative="FULL LOG TEXT")
    incident.parties.filter(person=amy).update(school=aston)
    incident.parties.filter(person=jay).update(school=castle, present=False)
    engine.run(as_of=FRIDAY_NIGHT + timedelta(hours=1))
    tasks = {t.person_id: t for t in Task.objects.filter(kind="encompass")}
    assert {t.due_at for t in tasks.values()} == {MONDAY}  # both due Monday 08:30
    user = make_user(role="encompass", area=areas["BHM"], username="e2e-encompass")
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{live_server.url}/encompass/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        triage = page.locator("#triage")
        expect(triage.locator("tbody tr")).to_have_count(2)
        expect(triage).to_contain_text("Mon 30 Nov, 08:30")
        expect(triage).to_contain_text("Castle High School (Dudley)")
        page.screenshot(path=shots / "encompass-triage.png", full_page=True)

        for child, school, address, present in (
                ("Amy", "Aston Manor Primary", "key.adult@astonmanor.sch.uk", "Yes"),
                ("Jay", "Castle High School", "dsl@castlehigh.dudley.sch.uk", "No")):
            page.goto(f"{live_server.url}/encompass/")
            row = page.locator("#triage tbody tr", has_text=school)
            row.get_by_role("link", name="Compose").click()
            expect(page.get_by_role("heading", name="Record the school notification")
                   ).to_be_visible()
            page.get_by_label("Brief circumstances: what the Key Adult needs to know (no more)"
                              ).fill(f"Police attended an argument at home on Friday night; "
                                     f"{child} may be tired or upset.")
            if present == "Yes":
                page.get_by_label("The voice of the child: what they said or how they seemed "
                                  "(optional)").fill(f"{child} said she was frightened.")
            page.screenshot(path=shots / f"encompass-compose-{child}.png", full_page=True)
            page.get_by_role("button", name="Compose and review").click()
            expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
                "Check it, then send it")
            body = page.locator("#message-body")
            expect(body).to_contain_text(f"Child: {child} Brown")
            expect(body).to_contain_text(f"Police reference: {incident.reference}")
            expect(body).to_contain_text("Date and time: Friday 27 November 2026, 22:40")
            expect(body).to_contain_text(f"Child present: {present}")
            expect(body).not_to_contain_text("Kerry")
            expect(body).not_to_contain_text("Stone")
            expect(body).not_to_contain_text("FULL LOG TEXT")
            page.screenshot(path=shots / f"encompass-review-{child}.png", full_page=True)
            page.get_by_role("button", name=f"Send to {address}").click()
            expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
                f"Sent to {address}")
            expect(page.locator("#notification-state")).to_have_text("Sent")
            # When it was sent (today, whatever the year) and by whom.
            expect(page.locator("#notified-at")).to_have_text(
                re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(e2e-encompass\)"))
            page.screenshot(path=shots / f"encompass-sent-{child}.png", full_page=True)

        page.goto(f"{live_server.url}/encompass/")
        expect(page.locator("body")).to_contain_text("No children are waiting to be notified")
        page.screenshot(path=shots / "encompass-triage-done.png", full_page=True)
        browser.close()
    assert problems == []

    # Read back from the SMTP server: one email to each Key Adult, exactly as reviewed.
    assert sorted(r for r, _ in smtp_server) == [["dsl@castlehigh.dudley.sch.uk"],
                                                 ["key.adult@astonmanor.sch.uk"]]
    from vigil.encompass.models import EncompassNotification

    for rcpt, raw in smtp_server:
        message = message_from_bytes(raw, policy=email_policy.default)
        note = EncompassNotification.objects.get(sent_to=rcpt[0])
        assert message["Subject"] == note.subject
        assert message.get_content().replace("\r\n", "\n").strip() == note.body.strip()
        assert note.notified_at is not None and note.notified_at > FRIDAY_NIGHT
        other = "Jay" if note.child.forename == "Amy" else "Amy"
        assert other not in note.body
    assert set(Task.objects.filter(kind="encompass").values_list("status", flat=True)) == {
        "met"}
