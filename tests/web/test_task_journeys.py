"""A journey per team in Debian's Chromium: sign in, claim a task in the queue, open it, record the
thing it asks for, see the task turn Met (or done) with the record as evidence, then take
the analytics snapshot (`vigil snapshot`'s service) and see the KPI count the record.

Screenshots of each task page, before and after, go to $VIGIL_SCREENSHOT_DIR (default:
the test's tmp dir) for a human to look at.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.safeguarding import builders as b
from tests.web.test_e2e import ARGS, CHROMIUM, PASSWORD, _chromium_or_skip
from vigil.safeguarding.models import Task


@dataclass
class Journey:
    role: str
    team: str
    kind: str
    heading: str  # the form's heading on the task page
    answers: list  # (label, value) radios/checkboxes to tick, or ("fill", label, text)
    status: str  # the task's status afterwards: met (the rules) or done (by the user)
    evidence: str  # the text the new record shows as evidence
    kpi: str  # the KPI whose count (numerator) the record adds one to


def _order_check(areas, now):
    b.order(b.make_person("Subject"), areas["BHM"], "DVPO", served_at=now - timedelta(days=2),
            starts_on=(now - timedelta(days=2)).date(), ends_on=(now + timedelta(days=20)).date())


def _victim_update(areas, now):
    victim, suspect = b.make_person("Victim"), b.make_person("Suspect")
    crime = b.make_crime(areas["BHM"], now - timedelta(days=2), victim=victim, suspect=suspect)
    b.arrest(suspect, crime, now - timedelta(hours=20))


def _marac(areas, now):
    victim = b.make_person("Victim")
    b.assessment(victim, now - timedelta(hours=6), yes=16,
                 incident=b.make_incident(areas["BHM"], now - timedelta(hours=6), victim=victim))


def _dip_sample(areas, now):
    from vigil.risk import qa

    victim = b.make_person("Victim")
    b.assessment(victim, now - timedelta(days=9), yes=3,
                 incident=b.make_incident(areas["BHM"], now - timedelta(days=9), victim=victim))
    qa.draw_dip_samples(as_of=now)


def _encompass(areas, now):
    from vigil.core.models import School

    School.objects.create(urn="103001", name="Aston Manor Primary", phase="primary",
                          local_authority=areas["BHM"])
    school = School.objects.create(urn="103002", name="Nechells Primary", phase="primary",
                                   local_authority=areas["BHM"])
    kid = b.child("Smith", age_on=now.date(), age=8)
    incident = b.make_incident(areas["BHM"], now - timedelta(hours=3),
                               victim=b.make_person("Victim"), children=[kid])
    incident.parties.filter(role="child").update(school=school)  # the school on the log


def _clares_law(areas, now):
    b.dvds(b.make_person("Applicant"), b.make_person("Subject"), areas["BHM"],
           now - timedelta(hours=4), initial_checks_at=now - timedelta(hours=3))


JOURNEYS = {
    "civil_orders": (_order_check, Journey(
        "lpa_commander", "local_policing", "order_check", "Record the order check",
        [("Did you see or speak to the victim?", "Yes"),
         ("Did you see the subject (perpetrator)?", "Yes"),
         ("Did you find a breach of the order?", "No")],
        "met", "Order check made in Vigil on ", "dvpo_check_compliance")),
    "victim_care": (_victim_update, Journey(
        "da_desk", "victim_care", "vcop_update", "Record the victim update",
        [("How did you tell the victim?", "Phone")],
        "met", "Victim update made in Vigil on ", "vcop_updates_given")),
    "marac": (_marac, Journey(
        "marac_coordinator", "marac", "marac_referral", "Record the marac referral decision",
        [("What did you decide?", "Refer to MARAC"),
         ("On what basis will the agencies share information?",
          "The victim consented to sharing")],
        "met", "MARAC referral made in Vigil on ", "marac_referrals")),
    "qa_dip_sample": (_dip_sample, Journey(
        "referral_allocation", "referral_allocation", "qa_dip_sample",
        "Record the dip-sample review",
        [("Do you agree with the final risk level?", "Disagree"),
         ("What level should it have been? (when you disagree)", "Medium"),
         ("fill", "Why you disagree", "Separation, threats to kill: medium at least")],
        "done", "Dip sample review made in Vigil on ", "dip_sample_disagreement_rate")),
    # The school notification itself is composed, reviewed and sent: its own journey in
    # tests/web/test_encompass_journey.py. The children's social care screening is a form.
    "encompass": (_encompass, Journey(
        "encompass", "encompass", "csc_screening",
        "Record the children's social care screening",
        [("Decision", "No referral needed (school told through Encompass)"),
         ("fill", "Reasons: the risks to the children and what is known",
          "Single verbal argument; no previous incidents; the child was asleep upstairs.")],
        "met", "Children's social care screening made in Vigil on ",
        "csc_screened_in_time")),
    "clares_law": (_clares_law, Journey(
        "clares_law", "clares_law", "dvds_decision", "Record the disclosure decision",
        [("What did the multi-agency panel decide?", "Disclose"),
         ("Is disclosure lawful?", "Yes"), ("Is disclosure necessary?", "Yes"),
         ("Is disclosure proportionate?", "Yes"),
         ("fill", "The panel's reasons (lawful, necessary, proportionate)",
          "Two previous DA convictions against former partners; disclosure is necessary.")],
        "met", "Clare's Law step made in Vigil on ", "dvds_decided_in_time")),
}


def _kpi_count(data_dir: Path, kpi_id: str, now, lpa_id: int) -> float:
    """Take the snapshot (the service `vigil snapshot` runs) and count the KPI over the
    months from the setup's earliest record (up to 40 days back) to now: a record made
    late on the 30th belongs to last month, whatever day the test runs."""
    from vigil.analytics import catalogue, engine
    from vigil.analytics.pack import run_pack
    from vigil.analytics.snapshot import take_snapshot
    from vigil.core.policy import current

    take_snapshot(data_dir)
    today = timezone.localtime(now).date()
    first = (today - timedelta(days=40)).replace(day=1)
    window = engine.Window(first, today)
    con = engine.connect(data_dir, window, current())
    pack = run_pack(con, window, kpis=[catalogue.get(kpi_id)])
    return pack.period(kpi_id, first, today.replace(day=1), lpa_id)["num"]


@pytest.mark.e2e
@pytest.mark.parametrize("team", list(JOURNEYS))
def test_complete_a_task_by_recording_what_it_asks_for(live_server, transactional_db,
                                                        tmp_path, settings, team):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from tests.factories import make_areas, make_user
    from vigil.safeguarding import engine

    setup, journey = JOURNEYS[team]
    areas = make_areas()
    now = timezone.now().replace(microsecond=0)
    setup(areas, now)
    engine.run(as_of=now)
    task = Task.objects.get(kind=journey.kind, status="open")
    user = make_user(role=journey.role, area=areas["BHM"], username=f"e2e-{team}")
    settings.DATA_DIR = tmp_path
    before = _kpi_count(tmp_path, journey.kpi, now, areas["BHM"].pk) if journey.kpi else 0
    shots = Path(os.environ.get("VIGIL_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{live_server.url}/queues/{journey.team}/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        row = page.locator(f"#task-{task.pk}")
        expect(row).to_be_visible()
        # Claim it, so no colleague works it too; the queue comes back with the row.
        row.get_by_role("button", name="Claim").click()
        expect(page.locator(f"#task-{task.pk}")).to_contain_text("You")
        page.screenshot(path=shots / f"task-{team}-claimed.png", full_page=True)
        # The task's label in the row opens its page.
        row = page.locator(f"#task-{task.pk}")
        row.get_by_role("link", name=task.kind_label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(task.reason)
        expect(page.locator("#task-holder")).to_contain_text("You")
        expect(page.get_by_role("heading", name=journey.heading)).to_be_visible()
        page.screenshot(path=shots / f"task-{team}-form.png", full_page=True)

        # Submitting nothing shows the error summary, linked to the first question.
        page.get_by_role("button", name="Save and complete").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        page.screenshot(path=shots / f"task-{team}-errors.png", full_page=True)
        summary.locator("a").first.click()

        for answer in journey.answers:
            if answer[0] == "fill":
                page.get_by_label(answer[1]).fill(answer[2])
            else:
                page.get_by_role("group", name=answer[0]).get_by_label(
                    answer[1], exact=True).check()
        page.get_by_role("button", name="Save and complete").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded")
        status = page.locator("#task-status")
        expect(status).to_contain_text("Met" if journey.status == "met" else "Done")
        expect(page.locator("#task-evidence")).to_contain_text(journey.evidence)
        page.screenshot(path=shots / f"task-{team}-done.png", full_page=True)
        browser.close()
    assert problems == []

    task.refresh_from_db()
    assert task.status == journey.status
    if journey.kpi:
        assert _kpi_count(tmp_path, journey.kpi, now, areas["BHM"].pk) == before + 1
