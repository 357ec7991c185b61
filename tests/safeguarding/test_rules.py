"""Table tests of each rule at its boundaries (domain.md), through the batch path."""

from datetime import date, timedelta

import pytest

from tests.safeguarding import builders as b
from vigil.core import calendar as cal
from vigil.safeguarding import engine
from vigil.safeguarding.models import Flag, Task

pytestmark = pytest.mark.django_db


def run(as_of, persons=None):
    return engine.run(as_of=as_of, person_ids=persons)


def active_flags(kind, as_of):
    return [f for f in Flag.objects.filter(kind=kind)
            if f.raised_at <= as_of and (f.expires_at is None or f.expires_at > as_of)]


def task(kind, **kw):
    return Task.objects.get(kind=kind, **kw)


# --- perpetrators ------------------------------------------------------------------------

@pytest.mark.parametrize("third_on_day, escalates", [(364, True), (365, True), (366, False)])
def test_same_victim_three_offences_in_twelve_months(areas, third_on_day, escalates):
    lpa = areas["BHM"]
    victim, suspect = b.make_person("Vic"), b.make_person("Sus", forename="Sam")
    first = b.at(2025, 3, 1, 10)
    for day in (0, 100, third_on_day):
        b.make_crime(lpa, b.days_after(first, day), victim=victim, suspect=suspect,
                     offence_group="violence_without_injury")
    as_of = b.days_after(first, third_on_day) + timedelta(hours=1)
    run(as_of)
    flags = active_flags("escalation", as_of)
    assert bool(flags) is escalates
    if escalates:
        assert flags[0].person_id == suspect.person_id
        assert "3 offences against the same victim" in flags[0].reason
        assert len(flags[0].evidence) == 3
        review = task("escalation_review")
        assert review.team == "investigators"
        assert review.due_at == cal.add_working_days(b.days_after(first, third_on_day), 1)


@pytest.mark.parametrize("gap, escalates", [(365, True), (366, False)])
def test_two_different_victims_in_twelve_months(areas, gap, escalates):
    lpa = areas["COV"]
    suspect = b.make_person("Sus")
    v1, v2 = b.make_person("One"), b.make_person("Two")
    first = b.at(2025, 1, 10)
    b.make_crime(lpa, first, victim=v1, suspect=suspect)
    b.make_crime(lpa, b.days_after(first, gap), victim=v2, suspect=suspect)
    as_of = b.days_after(first, gap + 1)
    run(as_of)
    flags = active_flags("escalation", as_of)
    assert bool(flags) is escalates
    if escalates:
        assert "2 different victims" in flags[0].reason


def test_serial_perpetrator_score_ranks_recent_grave_multi_victim_higher(areas):
    lpa = areas["DUD"]
    as_of = b.at(2026, 6, 1)
    recent, old = b.make_person("Recent"), b.make_person("Old")
    for i, group in enumerate(["sexual", "violence_with_injury", "sexual"]):
        b.make_crime(lpa, as_of - timedelta(days=30 + i), victim=b.make_person(f"V{i}"),
                     suspect=recent, offence_group=group)
    for i in range(3):
        b.make_crime(lpa, as_of - timedelta(days=900 + i), victim=b.make_person(f"W{i}"),
                     suspect=old, offence_group="public_order")
    run(as_of)
    flags = {f.person_id: f for f in active_flags("serial_perpetrator", as_of)}
    assert set(flags) == {recent.person_id, old.person_id}
    assert flags[recent.person_id].score > flags[old.person_id].score


# --- victims -----------------------------------------------------------------------------

@pytest.mark.parametrize("gap, repeat", [(365, True), (366, False)])
def test_repeat_victim(areas, gap, repeat):
    victim = b.make_person("Rep")
    first = b.at(2025, 2, 1, 21)
    b.make_incident(areas["SAN"], first, victim=victim)
    b.make_incident(areas["SAN"], b.days_after(first, gap), victim=victim)
    as_of = b.days_after(first, gap + 2)
    run(as_of)
    assert bool(active_flags("repeat_victim", as_of)) is repeat


def test_vulnerable_victim_by_age_and_recorded_factor(areas):
    from vigil.people.models import Vulnerability

    older = b.make_person("Old", dob=date(1950, 1, 1))
    young = b.make_person("Mid", dob=date(1990, 1, 1))
    Vulnerability.objects.create(source_system="X", source_id="v1", subject=young,
                                 factor="pregnancy", recorded_on=date(2026, 1, 5),
                                 source="victim")
    plain = b.make_person("Plain", dob=date(1990, 1, 1))
    for person in (older, young, plain):
        b.make_incident(areas["SOL"], b.at(2026, 2, 1), victim=person)
    as_of = b.at(2026, 2, 2)
    run(as_of)
    flagged = {f.person_id: f for f in active_flags("vulnerable_victim", as_of)}
    assert set(flagged) == {older.person_id, young.person_id}
    assert "pregnancy (victim)" in flagged[young.person_id].reason
    assert any(e.startswith("people.vulnerability:") for e in flagged[young.person_id].evidence)


# --- risk and MARAC ----------------------------------------------------------------------

@pytest.mark.parametrize("yes, final, kind, criterion", [
    (14, 3, "risk_high", "visible high risk"),
    (11, 3, "risk_high", "professional judgement"),
    (11, 2, "risk_medium", None),
    (13, 2, "risk_medium", None),
])
def test_final_risk_level_and_marac_criteria(areas, yes, final, kind, criterion):
    victim = b.make_person("Risk")
    inc = b.make_incident(areas["WAL"], b.at(2026, 3, 2, 9), victim=victim)
    b.assessment(victim, b.at(2026, 3, 2, 11), yes=yes, final=final, incident=inc)
    as_of = b.at(2026, 3, 3)
    run(as_of)
    level = active_flags(kind, as_of)
    assert len(level) == 1 and f"DASH {yes} Yes" in level[0].reason
    assert ("professional judgement" in level[0].reason) is (criterion == "professional "
                                                             "judgement")
    referrals = Task.objects.filter(kind="marac_referral")
    if criterion:
        assert criterion in referrals.get().reason
        assert Task.objects.filter(kind="idva_referral", team="marac").count() == 1
    else:
        assert not referrals.exists()


@pytest.mark.parametrize("days_since_referral, repeat", [(364, True), (365, True), (366, False)])
def test_repeat_marac_after_last_referral(areas, days_since_referral, repeat):
    lpa = areas["WOL"]
    victim = b.make_person("Marac")
    referred_on = date(2025, 1, 15)
    b.referral(victim, lpa, referred_on, heard_on=date(2025, 1, 29))
    when = cal.local(referred_on + timedelta(days=days_since_referral), )
    when = when.replace(hour=20)
    b.make_incident(lpa, when, victim=victim)
    run(when + timedelta(hours=2))
    referral = Task.objects.filter(kind="marac_referral").first()
    assert (referral is not None) is repeat
    if repeat:
        assert "repeat (within 365 days" in referral.reason
        assert referral.status == Task.Status.OPEN


def test_potential_escalation_three_incidents(areas):
    victim = b.make_person("Esc")
    first = b.at(2025, 6, 1)
    for day in (0, 200, 365):
        b.make_incident(areas["BHM"], b.days_after(first, day), victim=victim)
    run(b.days_after(first, 366))
    assert "potential escalation (3 incidents" in task("marac_referral").reason


def test_marac_hearing_within_28_days_met_when_heard(areas):
    lpa = areas["BHM"]
    pending, heard = b.make_person("Pend"), b.make_person("Heard")
    b.referral(pending, lpa, date(2026, 1, 5))
    b.referral(heard, lpa, date(2026, 1, 5), heard_on=date(2026, 1, 20), status="heard")
    run(b.at(2026, 2, 10))
    late = task("marac_hearing", person=pending.person)
    assert late.due_at == cal.end_of_day(date(2026, 2, 2))
    assert late.status == Task.Status.OPEN
    done = task("marac_hearing", person=heard.person)
    assert done.status == Task.Status.MET and done.completed_at == cal.local(date(2026, 1, 20))


HEARD = date(2026, 1, 20)


@pytest.mark.parametrize(("due", "done", "carried", "as_of", "status", "closed", "because"), [
    # Open from the hearing, due at the end of its due day: overdue only after it.
    (date(2026, 2, 3), None, None, b.at(2026, 2, 3, 23, 59), "open", None, ""),
    (date(2026, 2, 3), None, None, b.at(2026, 2, 4, 0, 1), "open", None, ""),
    # Done on the due day, or late: met when done (the task says how late).
    (date(2026, 2, 3), date(2026, 2, 3), None, b.at(2026, 3, 1), "met", date(2026, 2, 3),
     "done on 03 Feb 2026"),
    (date(2026, 2, 3), date(2026, 2, 10), None, b.at(2026, 3, 1), "met", date(2026, 2, 10),
     "done on 10 Feb 2026"),
    # Explicitly carried to the next meeting: the coordinator's chase is over.
    (date(2026, 2, 3), None, date(2026, 2, 17), b.at(2026, 3, 1), "met", date(2026, 2, 17),
     "carried to the next meeting on 17 Feb 2026"),
    # Done after the run's as-of: still open then (replayable with --as-of).
    (date(2026, 2, 3), date(2026, 2, 10), None, b.at(2026, 2, 9), "open", None, ""),
])
def test_a_marac_action_is_a_task_in_the_marac_queue_until_done_or_carried(
        areas, due, done, carried, as_of, status, closed, because):
    victim = b.make_person("Acted")
    ref = b.referral(victim, areas["BHM"], date(2026, 1, 5), heard_on=HEARD, status="heard")
    action = b.action(ref, due, completed_on=done, carried_on=carried)
    run(as_of)
    t = task("marac_action", person=victim.person)
    assert (t.team, t.lpa_id, t.subject) == ("marac", areas["BHM"].pk,
                                            f"marac.maracaction:{action.pk}")
    assert t.starts_at == cal.local(HEARD) and t.due_at == cal.end_of_day(due)
    assert t.status == status and t.outcome == because
    assert t.completed_at == (cal.local(closed) if closed else None)
    assert "Housing" in t.reason and f"{due:%d %b %Y}" in t.reason


def test_an_action_with_no_due_date_has_no_task(areas):
    victim = b.make_person("Undated")
    ref = b.referral(victim, areas["BHM"], date(2026, 1, 5), heard_on=HEARD, status="heard")
    b.action(ref, None)
    run(b.at(2026, 3, 1))
    assert not Task.objects.filter(kind="marac_action").exists()


# --- timed tasks -------------------------------------------------------------------------

def test_ra_review_24h_cancelled_for_standard_non_crime_met_when_allocated(areas):
    lpa = areas["BHM"]
    open_v, std_v, sup_v, alloc_v = (b.make_person(n) for n in ("Open", "Std", "Sup", "All"))
    t0 = b.at(2026, 4, 14, 23, 30)
    b.make_incident(lpa, t0, victim=open_v)
    std_inc = b.make_incident(lpa, t0, victim=std_v)
    b.assessment(std_v, t0 + timedelta(hours=1), yes=3, incident=std_inc)
    # Supervising the DASH is not the R&A review (issue 14): the allocation is.
    sup_inc = b.make_incident(lpa, t0, victim=sup_v)
    b.assessment(sup_v, t0 + timedelta(hours=1), yes=3, incident=sup_inc,
                 supervised_at=t0 + timedelta(hours=5))
    b.make_crime(lpa, t0 + timedelta(hours=2), victim=sup_v, incident=sup_inc)
    alloc_inc = b.make_incident(lpa, t0, victim=alloc_v)
    crime = b.make_crime(lpa, t0 + timedelta(hours=2), victim=alloc_v, incident=alloc_inc)
    allocated = b.allocation(crime, t0 + timedelta(hours=6))
    run(t0 + timedelta(hours=30))
    assert task("ra_review", person=open_v.person).due_at == t0 + timedelta(hours=24)
    assert task("ra_review", person=open_v.person).status == Task.Status.OPEN
    assert task("ra_review", person=std_v.person).status == Task.Status.CANCELLED
    assert task("ra_review", person=sup_v.person).status == Task.Status.OPEN
    met = task("ra_review", person=alloc_v.person)
    assert met.status == Task.Status.MET and met.completed_at == t0 + timedelta(hours=6)
    assert met.outcome == f"risk.allocation:{allocated.pk}"


@pytest.mark.parametrize("served, due", [
    (b.at(2026, 5, 23, 20), b.at(2026, 5, 27, 20)),   # Saturday evening, bank-holiday Monday
    (b.at(2026, 12, 23, 10), b.at(2026, 12, 26, 10)),  # over Christmas
])
@pytest.mark.parametrize("notice", ["DVPN", "DAPN"])
def test_notice_hearing_clock(areas, served, due, notice):
    subject = b.make_person("Subj")
    b.order(subject, areas["COV"], notice, served_at=served)
    run(served + timedelta(hours=1))
    hearing = task(f"{'dvpo' if notice == 'DVPN' else 'dapo'}_hearing")
    assert hearing.due_at == due and hearing.team == "civil_orders"
    assert hearing.status == Task.Status.OPEN


def test_notice_hearing_closed_by_recorded_hearing(areas):
    subject = b.make_person("Subj")
    served = b.at(2026, 5, 23, 20)
    notice = b.order(subject, areas["COV"], "DVPN", served_at=served)
    run(served + timedelta(hours=1))
    notice.hearing_at = b.at(2026, 5, 26, 10)
    notice.save()
    run(b.at(2026, 5, 26, 12))
    closed = task("dvpo_hearing")
    assert closed.status == Task.Status.MET and closed.completed_at == notice.hearing_at
    assert closed.version == 2


def test_weekly_checks_of_a_live_dvpo_until_it_ends(areas):
    subject = b.make_person("Subj")
    dvpo = b.order(subject, areas["DUD"], "DVPO", served_at=b.at(2026, 3, 2, 10),
                   starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 29))
    b.order_check(dvpo, b.at(2026, 3, 6, 15))
    run(b.at(2026, 4, 10))
    checks = list(Task.objects.filter(kind="order_check").order_by("due_at"))
    assert len(checks) == 4
    assert [c.status for c in checks] == ["met", "open", "open", "open"]
    assert checks[0].due_at == b.at(2026, 3, 9, 10)
    expiry = task("order_expiry")
    assert expiry.due_at == cal.end_of_day(date(2026, 3, 29))


def test_dapo_notification_three_days(areas):
    subject = b.make_person("Subj")
    b.order(subject, areas["DUD"], "DAPO", served_at=b.at(2026, 3, 6, 16))
    run(b.at(2026, 3, 7))
    assert task("order_notification").due_at == b.at(2026, 3, 9, 16)


def test_medium_risk_contact_across_easter_and_high_risk_next_day(areas):
    medium, high = b.make_person("Med"), b.make_person("High")
    when = b.at(2026, 4, 2, 15)
    b.assessment(medium, when, yes=11)
    b.assessment(high, when, yes=16)
    run(when + timedelta(hours=1))
    assert task("safeguarding_contact", person=medium.person).due_at == cal.end_of_day(
        date(2026, 4, 13))
    assert task("safeguarding_contact", person=high.person).due_at == b.at(2026, 4, 3, 15)


@pytest.mark.parametrize("reported, due", [
    (b.at(2026, 3, 13, 22), b.at(2026, 3, 16, 8, 30)),  # Friday night
    (b.at(2026, 8, 10, 21), b.at(2026, 9, 2, 8, 30)),   # summer holiday: not suppressed
])
def test_encompass_before_next_school_day(areas, reported, due):
    victim, kid = b.make_person("Mum"), b.child("Kid", age_on=reported.date())
    toddler = b.child("Tod", age_on=reported.date(), age=2)
    b.make_incident(areas["BHM"], reported, victim=victim, children=[kid, toddler])
    run(reported + timedelta(hours=1))
    notify = task("encompass")
    assert notify.person_id == kid.person_id and notify.due_at == due
    assert notify.starts_at == reported  # visible at once, whatever the day


def test_clares_law_checks_and_decision(areas):
    at_risk, subject = b.make_person("Ask"), b.make_person("Subj")
    received = b.at(2026, 2, 2, 9)
    b.dvds(at_risk, subject, areas["SAN"], received, initial_checks_at=b.at(2026, 2, 2, 17))
    run(b.at(2026, 2, 4))
    assert task("dvds_initial_checks").status == Task.Status.MET
    decision = task("dvds_decision")
    assert decision.status == Task.Status.OPEN and decision.due_at == b.at(2026, 3, 2, 9)


def test_victims_code_updates(areas):
    from vigil.victims.models import VictimCare, VictimUpdate

    victim, suspect = b.make_person("Vic"), b.make_person("Sus")
    crime = b.make_crime(areas["WAL"], b.at(2026, 3, 12, 10), victim=victim, suspect=suspect)
    b.arrest(suspect, crime, b.at(2026, 3, 13, 22), disposal="charged",
             released_at=b.at(2026, 3, 14, 9))
    care = VictimCare.objects.create(source_system="VC", source_id="c1", victim=victim,
                                     crime=crime, support_referred_at=b.at(2026, 3, 13, 9))
    VictimUpdate.objects.create(source_system="VC", source_id="u1", care=care,
                                reason="arrest", told_at=b.at(2026, 3, 16, 11))
    run(b.at(2026, 3, 17))
    updates = {t.key.rsplit(":", 1)[1]: t for t in Task.objects.filter(kind="vcop_update")}
    assert updates["arrest"].status == Task.Status.MET
    assert updates["charge"].status == Task.Status.OPEN
    assert updates["charge"].due_at == cal.end_of_day(date(2026, 3, 16))
    assert task("vcop_support_referral").status == Task.Status.MET
    monthly = Task.objects.filter(kind="vcop_monthly").order_by("starts_at")
    assert [m.status for m in monthly] == ["met", "open"]


# --- the run itself ----------------------------------------------------------------------

def test_running_twice_creates_nothing_new(areas):
    victim, suspect = b.make_person("Vic"), b.make_person("Sus")
    for day in (0, 10, 20):
        b.make_crime(areas["BHM"], b.at(2026, 1, 5 + day), victim=victim, suspect=suspect)
    first = run(b.at(2026, 2, 1))
    assert first.tasks_created > 0 and first.flags_raised > 0
    again = run(b.at(2026, 2, 1))
    assert again.changed == 0



@pytest.mark.parametrize("scoped", [False, True])
def test_a_later_run_refreshes_stored_rows_in_place(areas, scoped):
    """A changed score and a task the records now show met are updated, not duplicated."""
    suspect = b.make_person("Sus")
    victims = [b.make_person(f"V{i}") for i in range(3)]
    for i, victim in enumerate(victims):
        b.make_crime(areas["DUD"], b.at(2026, 3, 2 + i), victim=victim, suspect=suspect)
    served = b.at(2026, 3, 6, 20)
    notice = b.order(suspect, areas["DUD"], "DVPN", served_at=served)
    persons = {suspect.person_id} if scoped else None
    run(served + timedelta(hours=1), persons)
    serial = Flag.objects.get(kind="serial_perpetrator")
    notice.hearing_at = served + timedelta(hours=30)
    notice.save()
    later = b.at(2026, 4, 20)  # the score decays with time
    stats = run(later, persons)
    assert stats.flags_updated >= 1 and stats.tasks_closed >= 1
    refreshed = Flag.objects.get(kind="serial_perpetrator")
    assert refreshed.id == serial.id and refreshed.score < serial.score
    hearing = task("dvpo_hearing")  # one row, closed in place
    assert hearing.status == Task.Status.MET and hearing.completed_at == notice.hearing_at
    assert hearing.version == 2 and hearing.evidence
    assert run(later, persons).changed == 0


def test_old_duties_are_history_not_work(areas):
    victim = b.make_person("Old")
    b.make_incident(areas["BHM"], b.at(2020, 1, 5), victim=victim)
    b.make_incident(areas["BHM"], b.at(2026, 1, 5), victim=victim)
    run(b.at(2026, 1, 6))
    assert [t.starts_at for t in Task.objects.filter(kind="ra_review")] == [b.at(2026, 1, 5)]


def test_every_output_records_rule_policy_and_evidence(areas):
    from vigil.core.policy import current

    victim = b.make_person("Vic")
    b.make_incident(areas["BHM"], b.at(2026, 1, 5), victim=victim)
    b.make_incident(areas["BHM"], b.at(2026, 1, 9), victim=victim)
    run(b.at(2026, 1, 10))
    for item in list(Task.objects.all()) + list(Flag.objects.all()):
        assert item.rule and item.policy_version == current().version and item.evidence


def test_as_of_ignores_later_records(areas):
    victim = b.make_person("Vic")
    b.make_incident(areas["BHM"], b.at(2026, 1, 5), victim=victim)
    b.make_incident(areas["BHM"], b.at(2026, 1, 20), victim=victim)
    run(b.at(2026, 1, 10))
    assert Task.objects.filter(kind="ra_review").count() == 1
    assert not Flag.objects.filter(kind="repeat_victim").exists()


def test_newer_assessment_supersedes_risk_flag(areas):
    victim = b.make_person("Vic")
    b.assessment(victim, b.at(2026, 1, 5), yes=16)
    run(b.at(2026, 1, 6))
    b.assessment(victim, b.at(2026, 2, 5), yes=4)
    stats = run(b.at(2026, 2, 6))
    assert stats.flags_expired == 1
    as_of = b.at(2026, 2, 6)
    # Standard risk shows as no risk flag; the high one is kept, expired, as history.
    assert not [f for f in Flag.objects.filter(person=victim.person, kind__startswith="risk_")
                if f.expires_at is None or f.expires_at > as_of]
    assert Flag.objects.get(kind="risk_high").expires_at == as_of


def test_risk_level_flag_lasts_a_year(areas):
    victim = b.make_person("Vic")
    b.assessment(victim, b.at(2025, 1, 5), yes=11)
    run(b.at(2026, 1, 5, 23))
    assert active_flags("risk_medium", b.at(2026, 1, 5, 23))
    run(b.at(2026, 1, 6, 1))
    assert not active_flags("risk_medium", b.at(2026, 1, 6, 1))


def test_naive_as_of_is_refused():
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        engine.run(as_of=datetime(2026, 1, 1))
