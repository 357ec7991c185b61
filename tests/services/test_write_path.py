"""One write path: a record made in Vigil is checked like an import, stored as VIGIL,
audited in the same transaction, and the rules answer at once (the task turns Met)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.safeguarding import builders as b
from vigil.core import audit, records
from vigil.core.models import AuditEvent
from vigil.disclosure import services as disclosure
from vigil.encompass import services as encompass
from vigil.marac import services as marac
from vigil.orders import services as orders
from vigil.risk import services as risk
from vigil.safeguarding.models import Task
from vigil.victims import services as victims

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def _task(kind, **kw):
    return Task.objects.get(kind=kind, **kw)


def _audited(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower,
                                     object_id=str(obj.pk), action="create").exists()


def test_an_order_check_made_in_vigil_meets_the_weekly_check(areas, make_user, now):
    b.make_person("Victim")
    subject = b.make_person("Subject")
    order = b.order(subject, areas["BHM"], "DVPO", served_at=now - timedelta(days=3),
                    starts_on=(now - timedelta(days=3)).date(),
                    ends_on=(now + timedelta(days=20)).date())
    from vigil.safeguarding import engine

    engine.run(as_of=now)
    assert _task("order_check").status == "open"
    officer = make_user("lpa_commander", areas["BHM"])
    check = orders.record_order_check(order, actor=officer, checked_at=now - timedelta(hours=1),
                                      victim_contacted=True, subject_checked=True,
                                      breach_found=False)
    assert check.source_system == "VIGIL" and check.source_id.startswith("ordercheck-")
    assert _audited(check)
    task = _task("order_check")
    assert task.status == "met" and task.outcome == f"orders.ordercheck:{check.pk}"


def test_a_check_before_the_order_was_served_is_refused_and_nothing_is_written(
        areas, make_user, now):
    order = b.order(b.make_person("S"), areas["BHM"], "DVPO", served_at=now,
                    starts_on=now.date())
    with pytest.raises(records.RecordInvalid, match="checked_at: the check is before"):
        orders.record_order_check(order, actor="cli", checked_at=now - timedelta(days=1),
                                  victim_contacted=True, subject_checked=True,
                                  breach_found=False)
    assert not order.checks.exists()
    assert not AuditEvent.objects.filter(object_type="orders.ordercheck").exists()


@pytest.mark.parametrize("role, area, allowed", [
    ("lpa_commander", "BHM", True),   # local policing works the weekly checks
    ("lpa_commander", "COV", False),  # out of area
    ("analyst", None, False),         # no casework
    ("civil_orders", None, False),    # another team's queue
])
def test_who_may_record_an_order_check(areas, make_user, now, role, area, allowed):
    order = b.order(b.make_person("S"), areas["BHM"], "DVPO", served_at=now - timedelta(days=1),
                    starts_on=now.date())
    user = make_user(role, areas[area] if area else None)
    call = lambda: orders.record_order_check(  # noqa: E731
        order, actor=user, checked_at=now, victim_contacted=True, subject_checked=False,
        breach_found=False)
    if allowed:
        assert call().pk
    else:
        # Refused inside the caller's change, which rolls back: the refusal survives
        # it and is written when the request or job ends.
        with pytest.raises(records.NotAllowed), transaction.atomic():
            call()
        audit.flush_refusals()
        assert AuditEvent.objects.filter(action="denied", user=user).exists()


def test_a_marac_referral_needs_a_criterion_like_the_import(areas, now):
    victim = b.make_person("V")
    with pytest.raises(records.RecordInvalid, match="at least one criterion"):
        marac.refer(victim, actor="cli", lpa=areas["BHM"], referred_on=now.date(), criteria=set())
    referral = marac.refer(victim, actor="cli", lpa=areas["BHM"], referred_on=now.date(),
                           criteria={"visible_high_risk"})
    assert referral.status == "awaiting" and referral.source_system == "VIGIL"


def test_a_referral_made_in_vigil_meets_the_proposed_referral(areas, now):
    victim = b.make_person("V")
    inc = b.make_incident(areas["BHM"], now - timedelta(days=1), victim=victim)
    b.assessment(victim, now - timedelta(days=1), yes=16, incident=inc)
    from vigil.safeguarding import engine

    engine.run(as_of=now)
    assert _task("marac_referral").status == "open"
    referral = marac.refer(victim, actor="cli", lpa=areas["BHM"], referred_on=now.date(),
                           criteria={"visible_high_risk"})
    task = _task("marac_referral")
    assert task.status == "met" and task.outcome == f"marac.maracreferral:{referral.pk}"


def test_a_victim_update_meets_the_victims_code_update(areas, now):
    victim, suspect = b.make_person("V"), b.make_person("S")
    crime = b.make_crime(areas["BHM"], now - timedelta(days=3), victim=victim, suspect=suspect)
    b.arrest(suspect, crime, now - timedelta(days=1))
    from vigil.safeguarding import engine

    engine.run(as_of=now)
    assert _task("vcop_update").status == "open"
    update = victims.record_victim_update(victim, crime, actor="cli", reason="arrest",
                                          event_at=now - timedelta(days=1), told_at=now,
                                          method="phone")
    assert update.care.source_system == "VIGIL"
    task = _task("vcop_update")
    assert task.status == "met" and task.outcome == f"victims.victimupdate:{update.pk}"


def test_an_encompass_notification_meets_the_encompass_task(areas, now):
    from vigil.core.models import School

    kid = b.child("Kid", age_on=now.date())
    inc = b.make_incident(areas["BHM"], now - timedelta(hours=5), victim=b.make_person("V"),
                          children=[kid])
    school = School.objects.create(urn="1", name="Aston Primary", phase="primary",
                                   local_authority=areas["BHM"])
    from vigil.safeguarding import engine

    engine.run(as_of=now)
    assert _task("encompass").status == "open"
    note = encompass.notify_school(inc, kid, actor="cli", school=school, child_present=True,
                                   circumstances="Verbal argument", notified_at=now)
    task = _task("encompass")
    assert task.status == "met" and task.outcome == f"encompass.encompassnotification:{note.pk}"
    with pytest.raises(records.RecordInvalid):  # one notification per child and incident
        encompass.notify_school(inc, kid, actor="cli", school=school, child_present=True,
                                circumstances="again", notified_at=now)


def test_clares_law_initial_checks_and_decision(areas, now):
    app = b.dvds(b.make_person("V"), b.make_person("S"), areas["BHM"], now - timedelta(hours=5))
    from vigil.safeguarding import engine

    engine.run(as_of=now)
    step = disclosure.record_step(app, actor="cli", step="initial_checks", at=now)
    app.refresh_from_db()
    assert app.initial_checks_at == now and step.source_system == "VIGIL"
    assert _task("dvds_initial_checks").status == "met"
    disclosure.record_decision(app, actor="cli", decision="disclose", at=now, note="Agreed",
                               lawful=True, necessary=True, proportionate=True)
    assert _task("dvds_decision").status == "met"
    with pytest.raises(records.RecordInvalid, match="choose a decision"):
        disclosure.record_decision(app, actor="cli", decision="maybe", at=now)


@pytest.mark.parametrize("agrees, level, reason, error", [
    (True, None, "", None),
    (False, 2, "Coercive control missed", None),
    (False, None, "why", "choose the level"),
    (False, 1, "why", "the assessment's own level"),
    (False, 3, "  ", "say why"),
])
def test_a_dip_sample_review_explains_a_disagreement(areas, now, agrees, level, reason, error):
    victim = b.make_person("V")
    ra = b.assessment(victim, now - timedelta(days=8), yes=3,
                      incident=b.make_incident(areas["BHM"], now - timedelta(days=8),
                                               victim=victim))
    call = lambda: risk.record_dip_sample_review(  # noqa: E731
        ra, actor="cli", reviewed_at=now, agrees=agrees, proposed_level=level, reason=reason)
    if error:
        with pytest.raises(records.RecordInvalid, match=error):
            call()
    else:
        review = call()
        assert review.agrees is agrees and review.source_system == "VIGIL"


def test_a_log_review_is_recorded_by_a_control_room_specialist(areas, make_user, now):
    from vigil.controlroom import services as controlroom

    inc = b.make_incident(areas["BHM"], now - timedelta(hours=2), victim=b.make_person("V"))
    specialist = make_user("control_room")
    review = controlroom.record_log_review(inc, actor=specialist, reviewed_at=now,
                                           feedback="direct", findings={"children_identified"})
    assert review.children_identified and not review.regraded
    with pytest.raises(records.NotAllowed):
        controlroom.record_log_review(inc, actor=make_user("analyst"), reviewed_at=now,
                                      feedback="none", findings=set())
