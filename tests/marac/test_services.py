"""MARAC coordination through its services: boundaries (capacity, day 28/29, repeat at
364/365/366 days, transfer in and out) and bad input refused with nothing stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_incident, make_person
from tests.safeguarding import builders as b
from vigil.core.checks import RecordInvalid
from vigil.core.models import AuditEvent
from vigil.marac import services
from vigil.marac.models import MaracAction, MaracMeeting, MaracReferral, MaracTransfer

D0 = date(2026, 3, 2)  # a Monday


@pytest.fixture
def coordinator(areas, make_user):
    return make_user(role="marac_coordinator", area=areas["BHM"])


def _refer(victim, areas, user, on=D0, lpa="BHM", criteria=("visible_high_risk",), **kw):
    return services.refer(victim, actor=user, lpa=areas[lpa], referred_on=on,
                          criteria=set(criteria), **kw)


def _meeting(areas, user, day, capacity=16, lpa="BHM"):
    return services.add_meeting(areas[lpa], actor=user, held_on=day, capacity=capacity)


# --- referral intake -----------------------------------------------------------------

def test_a_referral_opens_the_idva_referral_on_its_date(areas, coordinator):
    ref = _refer(make_person(), areas, coordinator, sharing_basis="consent",
                 referring_agency="Housing", risk_summary="Threats to kill")
    assert ref.idva_referred_on == D0
    assert (ref.source_system, ref.status, ref.referring_agency) == ("VIGIL", "awaiting",
                                                                     "Housing")
    assert AuditEvent.objects.filter(action="create", object_id=str(ref.pk)).exists()


@pytest.mark.parametrize(("days", "repeat"), [(1, True), (364, True), (365, True),
                                              (366, False), (500, False)])
def test_repeat_is_the_rules_answer_at_the_boundary(areas, coordinator, days, repeat):
    victim = make_person()
    _refer(victim, areas, coordinator, on=D0 - timedelta(days=days))
    # Another record of the same person (as a partner agency knows her) still counts.
    other = make_person(person=victim.person, system="IDVA")
    ref = _refer(other, areas, coordinator, on=D0)
    assert ref.repeat_referral is repeat


def test_a_repeat_cannot_be_claimed_when_the_rules_say_it_is_not(areas, coordinator):
    with pytest.raises(RecordInvalid, match="at least one criterion"):
        _refer(make_person(), areas, coordinator, criteria=("repeat_referral",))
    assert not MaracReferral.objects.exists()


def test_repeat_rule_helper_agrees_with_the_eligibility_rule():
    from vigil.marac.rules import repeat_of

    assert repeat_of([(1, D0 - timedelta(days=365))], D0, 365) == (1, D0 - timedelta(days=365))
    assert repeat_of([(1, D0 - timedelta(days=366))], D0, 365) is None
    assert repeat_of([(1, D0)], D0, 365) is None  # the same day is not "before"


# --- meetings and scheduling ----------------------------------------------------------

@pytest.mark.parametrize(("day", "offered"), [(27, True), (28, True), (29, False)])
def test_the_offer_is_within_the_28_day_limit(areas, coordinator, day, offered):
    ref = _refer(make_person(), areas, coordinator)
    meeting = _meeting(areas, coordinator, D0 + timedelta(days=day))
    offer = services.offer(ref, today=D0)
    if offered:
        assert offer.meeting == meeting
        assert f"day {day} of 28" in offer.message
    else:
        assert offer.meeting is None and offer.later == meeting
        assert offer.message.startswith("No MARAC with room within 28 days")
        assert "day 29" in offer.message


def test_the_offer_skips_a_full_meeting_and_says_so_when_none_has_room(areas, coordinator):
    first = _meeting(areas, coordinator, D0 + timedelta(days=7), capacity=1)
    second = _meeting(areas, coordinator, D0 + timedelta(days=21), capacity=1)
    a, c, d = (_refer(make_person(forename=n), areas, coordinator) for n in "ACD")
    services.schedule(a, first, actor=coordinator)
    assert services.offer(c, today=D0).meeting == second
    services.schedule(c, second, actor=coordinator)
    offer = services.offer(d, today=D0)
    assert offer.meeting is None and "none planned after" in offer.message


def test_a_meeting_at_capacity_refuses_one_more(areas, coordinator):
    meeting = _meeting(areas, coordinator, D0 + timedelta(days=14), capacity=2)
    refs = [_refer(make_person(forename=f"V{i}"), areas, coordinator) for i in range(3)]
    services.schedule(refs[0], meeting, actor=coordinator)
    services.schedule(refs[1], meeting, actor=coordinator)  # the 2nd of 2: room
    with pytest.raises(RecordInvalid, match="the meeting is full"):
        services.schedule(refs[2], meeting, actor=coordinator)
    refs[2].refresh_from_db()
    assert refs[2].meeting is None and services.load(meeting) == 2


def test_the_default_capacity_is_16_and_meetings_follow_the_policy_interval(areas,
                                                                           coordinator):
    made = services.plan_meetings(areas["BHM"], actor=coordinator, first=D0,
                                  until=D0 + timedelta(days=60))
    assert [m.held_on for m in made] == [D0 + timedelta(days=14 * i) for i in range(5)]
    assert {m.capacity for m in made} == {16}
    with pytest.raises(RecordInvalid, match="already has a MARAC"):
        _meeting(areas, coordinator, D0)


def test_monthly_lpas_by_policy(areas, coordinator, monkeypatch):
    from vigil.core.policy import Policy

    policy = Policy(marac_meeting_interval_by_lpa=(("BHM", 28),))
    monkeypatch.setattr(services, "current_policy", lambda: policy)
    made = services.plan_meetings(areas["BHM"], actor=coordinator, first=D0,
                                  until=D0 + timedelta(days=60))
    assert [m.held_on for m in made] == [D0, D0 + timedelta(days=28), D0 + timedelta(days=56)]


def test_a_meeting_before_the_referral_is_refused(areas, coordinator):
    ref = _refer(make_person(), areas, coordinator)
    early = _meeting(areas, coordinator, D0 - timedelta(days=1))
    with pytest.raises(RecordInvalid, match="before the referral"):
        services.schedule(ref, early, actor=coordinator)


def test_another_areas_coordinator_is_refused_and_audited(areas, coordinator, make_user):
    ref = _refer(make_person(), areas, coordinator)
    meeting = _meeting(areas, coordinator, D0 + timedelta(days=7))
    cov = make_user(role="marac_coordinator", area=areas["COV"])
    from vigil.core.records import NotAllowed

    with pytest.raises(NotAllowed):
        services.schedule(ref, meeting, actor=cov)
    from vigil.core import audit

    audit.flush_refusals()  # held back until the request ends (here: the service call)
    assert AuditEvent.objects.filter(action="denied", user=cov).exists()


# --- hearing, actions, closing -------------------------------------------------------

def _heard(areas, user, actions=2):
    ref = _refer(make_person(), areas, user)
    meeting = _meeting(areas, user, D0 + timedelta(days=10))
    services.schedule(ref, meeting, actor=user)
    drafts = [services.ActionDraft("Housing", "Sanctuary assessment", "J Bloggs",
                                   D0 + timedelta(days=20)),
              services.ActionDraft("Police", "Flag the address", "", D0 + timedelta(days=12))]
    return services.record_hearing(ref, actor=user, outcome="Safety plan agreed",
                                   actions=drafts[:actions], today=D0 + timedelta(days=10))


def test_a_hearing_records_the_outcome_and_actions_on_the_meeting_day(areas, coordinator):
    ref = _heard(areas, coordinator)
    assert (ref.status, ref.heard_on, ref.outcome) == ("heard", D0 + timedelta(days=10),
                                                       "Safety plan agreed")
    assert sorted(ref.actions.values_list("agency", "owner")) == [("Housing", "J Bloggs"),
                                                                  ("Police", "")]


def test_a_hearing_before_the_referral_is_refused(areas, coordinator):
    ref = _refer(make_person(), areas, coordinator)
    with pytest.raises(RecordInvalid, match="before the referral"):
        services.record_hearing(ref, actor=coordinator, heard_on=D0 - timedelta(days=1))
    ref.refresh_from_db()
    assert ref.heard_on is None and ref.status == "awaiting"


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(areas, coordinator):
    ref = _refer(make_person(), areas, coordinator)
    services.schedule(ref, _meeting(areas, coordinator, D0 + timedelta(days=5)),
                      actor=coordinator)
    with pytest.raises(RecordInvalid, match="has not happened yet"):
        services.record_hearing(ref, actor=coordinator, today=D0 + timedelta(days=4))


def test_an_action_with_no_owning_agency_refuses_the_whole_hearing(areas, coordinator):
    ref = _refer(make_person(), areas, coordinator)
    services.schedule(ref, _meeting(areas, coordinator, D0 + timedelta(days=3)),
                      actor=coordinator)
    drafts = [services.ActionDraft("Police", "Flag the address"),
              services.ActionDraft("", "Refer to the perpetrator programme")]
    with pytest.raises(RecordInvalid, match="action 2: an action needs an owning agency"):
        services.record_hearing(ref, actor=coordinator, actions=drafts)
    ref.refresh_from_db()
    assert ref.heard_on is None and not MaracAction.objects.exists()  # nothing half-written


def test_a_case_closes_only_when_its_actions_are_done_or_carried(areas, coordinator):
    ref = _heard(areas, coordinator)
    housing, police = ref.actions.order_by("agency")
    with pytest.raises(RecordInvalid, match="2 action\\(s\\) neither done nor carried"):
        services.close_case(ref, actor=coordinator, on=D0 + timedelta(days=11))
    services.complete_action(police, actor=coordinator, on=D0 + timedelta(days=11))
    with pytest.raises(RecordInvalid, match="1 action"):
        services.close_case(ref, actor=coordinator, on=D0 + timedelta(days=11))
    services.carry_action(housing, actor=coordinator, on=D0 + timedelta(days=11))
    closed = services.close_case(ref, actor=coordinator, on=D0 + timedelta(days=12))
    assert closed.closed_on == D0 + timedelta(days=12)


def test_overdue_actions_reach_the_queue_and_the_next_agenda(areas, coordinator):
    from vigil.marac import queries

    ref = _heard(areas, coordinator)
    later = D0 + timedelta(days=13)  # the Police action was due on day 12
    overdue = list(queries.overdue_actions([areas["BHM"].pk], later))
    assert [a.agency for a in overdue] == ["Police"]
    nxt = _meeting(areas, coordinator, D0 + timedelta(days=24))
    assert [a.agency for a in queries.agenda(nxt, today=later).overdue] == ["Police"]
    view = queries.coordinator(areas["BHM"], today=later)
    assert [a.agency for a in view.overdue] == ["Police"]
    assert ref.pk not in [w.referral.pk for w in view.waiting]


def test_each_action_is_a_task_in_the_marac_queue_that_recording_it_done_meets(areas,
                                                                              coordinator):
    """The hearing's actions reach the MARAC queue at once (the rules answer the service's
    signal); the coordinator records one done and carries the other from the task page."""
    from django.utils import timezone

    from vigil.safeguarding import services as task_services
    from vigil.safeguarding.models import Task
    from vigil.safeguarding.task_forms import form_class

    today = timezone.localdate()
    ref = _refer(make_person(), areas, coordinator, on=today - timedelta(days=12))
    services.schedule(ref, _meeting(areas, coordinator, today - timedelta(days=2)),
                      actor=coordinator)
    services.record_hearing(ref, actor=coordinator, today=today, actions=[
        services.ActionDraft("Housing", "Sanctuary assessment", "", today + timedelta(days=7)),
        services.ActionDraft("Police", "Flag the address", "", today - timedelta(days=1))])
    tasks = {t.subject: t for t in Task.objects.filter(kind="marac_action")}
    housing, police = ref.actions.order_by("agency")
    assert set(tasks) == {f"marac.maracaction:{housing.pk}", f"marac.maracaction:{police.pk}"}
    assert all(t.team == "marac" and t.status == "open" for t in tasks.values())
    assert tasks[f"marac.maracaction:{police.pk}"].due_at < timezone.now()  # overdue

    for action, choice in ((police, "done"), (housing, "carried")):
        task = tasks[f"marac.maracaction:{action.pk}"]
        form = form_class(task.kind)(task, data={"settled": choice})
        assert form.is_valid(), form.errors
        task, made = task_services.record_and_complete(
            task.pk, actor=coordinator, form=form, version=task.version, at=timezone.now())
        assert task.status == "met" and made.pk == action.pk
    police.refresh_from_db()
    housing.refresh_from_db()
    assert police.completed_on == today and housing.carried_on == today
    # Settled, the action cannot be recorded again from a stale page.
    again = form_class("marac_action")(tasks[f"marac.maracaction:{police.pk}"],
                                       data={"settled": "done"})
    assert not again.is_valid() and "already done or carried" in str(again.errors)


# --- transfers -------------------------------------------------------------------------

def test_transfer_out_to_another_lpa_and_in_there(areas, coordinator, make_user):
    ref = _refer(make_person(), areas, coordinator)
    t = services.transfer_out(ref, actor=coordinator, on=D0 + timedelta(days=2),
                              to_lpa=areas["COV"], sent="Referral form, DASH, chronology")
    ref.refresh_from_db()
    assert ref.status == "transferred" and t.from_lpa == areas["BHM"]
    cov = make_user(role="marac_coordinator", area=areas["COV"])
    new = services.receive_transfer(t, actor=cov, on=D0 + timedelta(days=3))
    assert (new.lpa, new.status, new.referred_on) == (areas["COV"], "awaiting",
                                                      D0 + timedelta(days=3))
    assert new.repeat_referral  # the rules see the earlier referral
    moves = services.movements(ref.victim.person_id)
    assert [(m.from_lpa, m.to_lpa) for m in moves] == [(areas["BHM"], areas["COV"])]
    with pytest.raises(RecordInvalid, match="already received"):
        services.receive_transfer(t, actor=cov, on=D0 + timedelta(days=4))


def test_a_transfer_to_the_lpa_the_case_is_already_in_is_refused(areas, coordinator):
    ref = _refer(make_person(), areas, coordinator)
    with pytest.raises(RecordInvalid, match="already in this LPA"):
        services.transfer_out(ref, actor=coordinator, on=D0, to_lpa=areas["BHM"])
    ref.refresh_from_db()
    assert ref.status == "awaiting" and not MaracTransfer.objects.exists()


def test_transfer_out_of_and_into_the_region(areas, coordinator):
    victim = make_person()
    ref = _refer(victim, areas, coordinator)
    with pytest.raises(RecordInvalid, match="destination"):
        services.transfer_out(ref, actor=coordinator, on=D0)
    services.transfer_out(ref, actor=coordinator, on=D0 + timedelta(days=1),
                          destination="Staffordshire MARAC", sent="Full referral")
    moved = services.transfer_in(victim, actor=coordinator, lpa=areas["BHM"],
                                 on=D0 + timedelta(days=200), origin="Staffordshire MARAC",
                                 criteria={"visible_high_risk"}, sharing_basis="consent")
    assert moved.from_lpa is None and moved.received_as.lpa == areas["BHM"]
    moves = services.movements(victim.person_id)
    assert [(m.from_lpa_id, m.to_lpa_id, m.destination or m.origin) for m in moves] == [
        (areas["BHM"].pk, None, "Staffordshire MARAC"),
        (None, areas["BHM"].pk, "Staffordshire MARAC")]


# --- the agenda ---------------------------------------------------------------------

def test_the_agenda_carries_the_research_the_sharing_basis_allows(areas, coordinator):
    from vigil.marac import queries

    kid = b.child("Smith", age_on=D0, age=6)
    meeting = _meeting(areas, coordinator, D0 + timedelta(days=7))
    cases = []
    for basis in ("consent", "risk_of_harm"):
        victim = make_person(forename=basis)
        inc = make_incident(areas["BHM"], b.at(2026, 2, 20), victim=victim, children=[kid])
        b.assessment(victim, b.at(2026, 2, 20, 13), yes=16, incident=inc)
        ref = _refer(victim, areas, coordinator, sharing_basis=basis)
        services.schedule(ref, meeting, actor=coordinator)
        cases.append(ref)
    agenda = queries.agenda(meeting, today=D0)
    consent, without = agenda.cases
    assert consent.referral == cases[0] and consent.history and consent.risk.yes_count == 16
    assert consent.children == [(f"{kid.forename} {kid.surname}", kid.date_of_birth)]
    assert without.history == [] and "history" not in without.sections
    assert without.risk is not None and without.children and without.incidents_12m == 1


def test_the_invitation_is_icalendar_with_no_names(areas, coordinator):
    from vigil.marac import ical

    meeting = _meeting(areas, coordinator, date(2026, 7, 6))
    ref = _refer(make_person(surname="Uniquename"), areas, coordinator, on=date(2026, 7, 1))
    services.schedule(ref, meeting, actor=coordinator)
    text = ical.invitation(meeting)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20260706T090000Z" in text  # 10:00 BST
    assert "1 of 16 cases listed" in text and "Uniquename" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_meeting_model_default_capacity():
    assert MaracMeeting._meta.get_field("capacity").default == 16


# --- withdrawal ----------------------------------------------------------------------

def test_a_withdrawn_case_frees_its_place_and_cancels_the_hearing_clock(areas, coordinator):
    from django.utils import timezone

    from vigil.safeguarding.models import Task

    today = timezone.localdate()  # the hearing clock runs for a referral of this week
    meeting = _meeting(areas, coordinator, today + timedelta(days=14), capacity=1)
    ref = _refer(make_person(forename="W"), areas, coordinator, on=today - timedelta(days=3))
    services.schedule(ref, meeting, actor=coordinator)
    assert services.load(meeting) == 1
    hearing = Task.objects.get(kind="marac_hearing", subject=f"marac.maracreferral:{ref.pk}")
    assert hearing.status == "open"
    services.withdraw(ref, actor=coordinator, on=today,
                      reason="Risk reassessed as medium by the DA desk")
    ref.refresh_from_db()
    assert (ref.status, ref.withdrawn_on, ref.meeting) == ("withdrawn", today, None)
    assert ref.withdrawal_reason == "Risk reassessed as medium by the DA desk"
    assert services.load(meeting) == 0  # another case can take the place
    hearing.refresh_from_db()
    assert hearing.status == "cancelled"
    assert AuditEvent.objects.filter(object_type="marac.maracreferral",
                                     object_id=str(ref.pk), action="update").exists()


@pytest.mark.parametrize("on, reason, words", [
    (D0 - timedelta(days=1), "Duplicate", "before the referral"),
    (D0, "   ", "say why the case is withdrawn"),
])
def test_a_withdrawal_needs_a_reason_and_a_date_from_the_referral(areas, coordinator, on,
                                                                  reason, words):
    ref = _refer(make_person(forename="X"), areas, coordinator)
    with pytest.raises(RecordInvalid, match=words):
        services.withdraw(ref, actor=coordinator, on=on, reason=reason)
    ref.refresh_from_db()
    assert ref.status == "awaiting" and ref.withdrawn_on is None


def test_a_heard_case_cannot_be_withdrawn(areas, coordinator):
    ref = _heard(areas, coordinator)
    with pytest.raises(RecordInvalid, match="only a case not yet heard"):
        services.withdraw(ref, actor=coordinator, on=ref.heard_on, reason="Moved away")
