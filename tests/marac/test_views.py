"""The coordinator's pages: what they show, and bad input answered with a clear error
and nothing stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_person
from vigil.core.models import AuditEvent
from vigil.marac import services
from vigil.marac.models import MaracAction, MaracMeeting, MaracReferral


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def coord(areas, make_user, client):
    user = make_user(role="marac_coordinator", area=areas["BHM"])
    client.force_login(user)
    return user


def _ref(areas, user, on, **kw):
    return services.refer(kw.pop("victim", None) or make_person(), actor=user, lpa=areas["BHM"],
                          referred_on=on, criteria={"visible_high_risk"}, **kw)


def test_the_coordinators_view_shows_waiting_meetings_and_the_weekly_table(
        client, coord, areas, today):
    waiting = _ref(areas, coord, today - timedelta(days=30))  # over the limit
    heard = _ref(areas, coord, today - timedelta(days=12))
    services.record_hearing(heard, actor=coord, heard_on=today - timedelta(days=2))
    services.add_meeting(areas["BHM"], actor=coord, held_on=today + timedelta(days=3),
                         capacity=12)
    html = client.get("/marac/").content.decode()
    assert f'id="waiting-{waiting.pk}"' in html and f'id="waiting-{heard.pk}"' not in html
    assert "<strong class=\"govuk-tag govuk-tag--red\">30</strong>" in html  # over 28 days
    assert "12</td>" in html  # capacity of the next meeting
    assert 'id="weekly-total"' in html
    assert "national 31 %" in html and "SafeLives expects 40" in html
    assert AuditEvent.objects.filter(action="view", object_type="marac.coordinator").exists()


def test_an_area_coordinator_sees_only_their_lpa(client, coord, areas, make_user, today):
    cov_user = make_user(role="marac_coordinator", area=areas["COV"])
    services.refer(make_person(surname="Coventrycase"), actor=cov_user, lpa=areas["COV"],
                   referred_on=today, criteria={"visible_high_risk"})
    html = client.get("/marac/?lpa=COV").content.decode()
    assert "Birmingham MARAC" in html and "Coventrycase" not in html


def test_a_partner_referral_needs_a_basis_and_a_known_victim(client, coord, areas, today):
    victim = make_person(surname="Known", forename="Ann", dob=date(1988, 5, 4))
    post = {"forename": "Ann", "surname": "Known", "date_of_birth": "1988-05-04",
            "lpa": areas["BHM"].pk, "referring_agency": "Housing",
            "criteria": ["professional_judgement"], "risk_summary": "Stalking, threats"}
    r = client.post("/marac/referrals/new/", post)
    assert "Select consent or the lawful basis for sharing" in r.content.decode()
    r = client.post("/marac/referrals/new/", {**post, "surname": "Unknown",
                                              "sharing_basis": "consent"})
    assert "No one named Ann Unknown born 04/05/1988 is known to Vigil" in r.content.decode()
    assert not MaracReferral.objects.exists()
    _ref(areas, coord, today - timedelta(days=364), victim=victim)
    r = client.post("/marac/referrals/new/", {**post, "sharing_basis": "risk_of_harm"})
    assert r.status_code == 302
    made = MaracReferral.objects.get(referring_agency="Housing")
    assert made.repeat_referral and made.idva_referred_on == today
    assert made.sharing_basis == "risk_of_harm" and made.risk_summary == "Stalking, threats"
    page = client.get(r["Location"]).content.decode()
    assert "It is a repeat referral" in page


def test_scheduling_into_a_full_meeting_is_refused_with_a_message(client, coord, areas,
                                                                  today):
    full = services.add_meeting(areas["BHM"], actor=coord, held_on=today + timedelta(days=2),
                                capacity=1)
    services.schedule(_ref(areas, coord, today), full, actor=coord)
    later = services.add_meeting(areas["BHM"], actor=coord,
                                 held_on=today + timedelta(days=9))
    ref = _ref(areas, coord, today)
    page = client.get(f"/marac/referrals/{ref.pk}/schedule/").content.decode()
    assert "The earliest MARAC with room is" in page and f"{later.held_on:%d %B %Y}" in page
    r = client.post(f"/marac/referrals/{ref.pk}/schedule/", {"meeting": full.pk})
    assert "The meeting is full (1 cases)" in r.content.decode()
    ref.refresh_from_db()
    assert ref.meeting is None


def test_no_meeting_within_28_days_is_said_plainly(client, coord, areas, today):
    ref = _ref(areas, coord, today - timedelta(days=20))
    services.add_meeting(areas["BHM"], actor=coord, held_on=today + timedelta(days=9))
    page = client.get(f"/marac/referrals/{ref.pk}/schedule/").content.decode()
    assert "No MARAC with room within 28 days" in page and "day 29" in page


def test_a_hearing_with_an_ownerless_action_stores_nothing(client, coord, areas, today):
    ref = _ref(areas, coord, today - timedelta(days=5))
    services.schedule(ref, services.add_meeting(areas["BHM"], actor=coord, held_on=today),
                      actor=coord)
    post = {"outcome": "Safety plan", "action1_description": "Flag the address",
            "action1_due_on": (today + timedelta(days=7)).isoformat()}
    r = client.post(f"/marac/referrals/{ref.pk}/hearing/", post)
    assert "Action 1: choose the owning agency" in r.content.decode()
    ref.refresh_from_db()
    assert ref.heard_on is None and not MaracAction.objects.exists()
    r = client.post(f"/marac/referrals/{ref.pk}/hearing/", {**post, "action1_agency": "Police"})
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.heard_on == today and ref.actions.get().agency == "Police"


def test_closing_with_open_actions_is_refused_then_allowed(client, coord, areas, today):
    ref = _ref(areas, coord, today - timedelta(days=5))
    services.record_hearing(ref, actor=coord, heard_on=today, actions=[
        services.ActionDraft("Police", "Flag", due_on=today + timedelta(days=1))])
    r = client.post(f"/marac/referrals/{ref.pk}/close/", follow=True)
    assert "The case cannot be closed: 1 action(s) neither done nor carried" in \
        r.content.decode()
    action = ref.actions.get()
    client.post(f"/marac/actions/{action.pk}/", {"op": "carry"})
    client.post(f"/marac/referrals/{ref.pk}/close/")
    ref.refresh_from_db()
    assert ref.closed_on == today


def test_a_transfer_needs_a_destination_outside_the_region(client, coord, areas, today):
    ref = _ref(areas, coord, today)
    r = client.post(f"/marac/referrals/{ref.pk}/transfer/", {"to": "outside", "sent": "All"})
    assert "Name the receiving MARAC outside the region" in r.content.decode()
    r = client.post(f"/marac/referrals/{ref.pk}/transfer/",
                    {"to": str(areas["BHM"].pk), "sent": "All"})
    assert "Select a valid choice" in r.content.decode()  # its own LPA is not offered
    r = client.post(f"/marac/referrals/{ref.pk}/transfer/",
                    {"to": str(areas["COV"].pk), "sent": "Referral and DASH"})
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.status == "transferred"
    page = client.get(f"/marac/referrals/{ref.pk}/").content.decode()
    assert "from Birmingham to Coventry. Sent: Referral and DASH (not yet received)" in page


def test_the_agenda_pdf_and_invitation(client, coord, areas, today):
    meeting = services.add_meeting(areas["BHM"], actor=coord, held_on=today)
    services.schedule(_ref(areas, coord, today), meeting, actor=coord)
    pdf = client.get(f"/marac/meetings/{meeting.pk}/agenda.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_id=str(meeting.pk)).exists()
    ics = client.get(f"/marac/meetings/{meeting.pk}/invite.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Birmingham MARAC" in ics.content


def test_meetings_are_planned_at_the_policy_interval_from_the_form(client, coord, areas,
                                                                   today):
    r = client.post("/marac/meetings/new/", {
        "lpa": areas["BHM"].pk, "held_on": today.isoformat(),
        "until": (today + timedelta(days=30)).isoformat(), "capacity": 16})
    assert r.status_code == 302
    assert list(MaracMeeting.objects.values_list("held_on", flat=True)) == [
        today, today + timedelta(days=14), today + timedelta(days=28)]
    r = client.post("/marac/meetings/new/", {"lpa": areas["BHM"].pk,
                                             "held_on": today.isoformat(), "capacity": 16})
    assert "Birmingham already has a MARAC on" in r.content.decode()


def test_supervisors_review_decisions_not_to_refer(client, areas, make_user):
    from vigil.safeguarding.models import Task

    now = timezone.now()
    lead = make_user(role="lpa_commander", area=areas["BHM"])
    Task.objects.create(key="d1", kind="marac_referral", team="marac", lpa=areas["BHM"],
                        subject="x", reason="Proposed MARAC referral. MARAC criteria met: "
                        "visible high risk", rule="marac_eligibility", policy_version="t",
                        starts_at=now, due_at=now, status="done", completed_at=now,
                        completed_by=lead,
                        outcome="Decision not to refer: The victim is already open to MARAC.")
    client.force_login(lead)
    page = client.get("/marac/declined/").content.decode()
    assert "The victim is already open to MARAC" in page


def test_the_seed_table_has_every_lpa_and_totals_for_both_measures(client, areas, make_user,
                                                                   today):
    from vigil.marac import queries

    lead = make_user(role="marac_coordinator")  # force-wide
    for code, days_ago, heard_after in (("BHM", 20, None), ("BHM", 10, 4), ("COV", 3, 1)):
        ref = services.refer(make_person(forename=f"{code}{days_ago}"), actor=lead,
                             lpa=areas[code], referred_on=today - timedelta(days=days_ago),
                             criteria={"visible_high_risk"})
        if heard_after is not None:
            services.record_hearing(ref, actor=lead,
                                    heard_on=ref.referred_on + timedelta(days=heard_after))
    lpas = queries.visible_lpas(lead)
    table = queries.seed_table(lpas, [today - timedelta(days=7), today])
    rows = {a.code: weeks for a, weeks in table.rows}
    assert [w.awaiting for w in rows["BHM"]] == [2, 1] and [w.awaiting for w in rows["COV"]
                                                            ] == [0, 0]
    assert [w.awaiting for w in table.totals] == [2, 1]
    assert table.totals[-1].heard == 2 and table.totals[-1].mean_days == 2.5  # (4 + 1) / 2
    client.force_login(lead)
    html = client.get("/marac/").content.decode()
    assert 'id="seed-total-awaiting"' in html and 'id="seed-total-days"' in html


def test_the_coordinator_withdraws_a_case_saying_why(client, coord, areas, today):
    ref = _ref(areas, coord, today)
    page = client.get(f"/marac/referrals/{ref.pk}/").content.decode()
    assert f"/marac/referrals/{ref.pk}/withdraw/" in page
    r = client.post(f"/marac/referrals/{ref.pk}/withdraw/", {"withdrawal_reason": ""})
    assert "Say why the case is withdrawn" in r.content.decode()
    ref.refresh_from_db()
    assert ref.status == "awaiting"
    r = client.post(f"/marac/referrals/{ref.pk}/withdraw/",
                    {"withdrawal_reason": "Duplicate of the referral heard last week"})
    assert r.status_code == 302
    page = client.get(f"/marac/referrals/{ref.pk}/").content.decode()
    assert "Duplicate of the referral heard last week" in page
    assert f"/marac/referrals/{ref.pk}/withdraw/" not in page  # no second withdrawal
