"""The order register's write path: serving notices (rank, ages, availability, the
48-hour clock), hearings, variation and expiry, checks and breaches."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.orders.helpers import (
    availability,
    crime_with_parties,
    saturday_before_bank_holiday_monday,
)
from vigil.core import audit
from vigil.core.calendar import LONDON
from vigil.core.checks import RecordInvalid
from vigil.core.models import AuditEvent
from vigil.core.records import NotAllowed
from vigil.incidents.models import Arrest
from vigil.orders import services
from vigil.orders.models import OrderAvailability, OrderBreach, ProtectiveOrder
from vigil.safeguarding import engine
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(areas, make_user):
    availability(areas)
    return {"areas": areas, "officer": make_user("civil_orders", area=areas["BHM"]),
            "commander": make_user("lpa_commander", area=areas["BHM"])}


def _serve(world, served_at, *, order_type="DVPN", rank="superintendent", crime=None,
           suspect_dob=date(1985, 3, 1), victim_dob=date(1990, 5, 5), lpa="BHM"):
    crime, suspect, victim = crime or crime_with_parties(
        world["areas"][lpa], served_at - timedelta(hours=3), suspect_dob=suspect_dob,
        victim_dob=victim_dob)
    return services.serve_notice(
        actor=world["officer"], order_type=order_type, subject=suspect, protected=[victim],
        lpa=world["areas"][lpa], crime=crime, served_at=served_at,
        authorised_by="Supt Rowe", authorised_rank=rank,
        conditions=[("no_contact", "Not to contact Amy directly or indirectly")])


def _nothing_written():
    assert not ProtectiveOrder.objects.exists()
    assert not AuditEvent.objects.filter(object_type="orders.protectiveorder",
                                         action="create").exists()


def test_a_dvpn_served_saturday_evening_before_a_bank_holiday_is_due_wednesday(world):
    saturday = saturday_before_bank_holiday_monday(timezone.localdate())
    served = datetime.combine(saturday, time(19, 0), tzinfo=LONDON)
    order = _serve(world, served)
    assert order.source_system == "VIGIL" and order.status == "live"
    assert order.subject_age >= 18
    assert [c.text for c in order.conditions.all()] == [
        "Not to contact Amy directly or indirectly"]
    assert order.protected_persons.count() == 1
    engine.run(as_of=served + timedelta(hours=1))
    task = Task.objects.get(kind="dvpo_hearing", subject=f"orders.protectiveorder:{order.pk}")
    # Saturday 19:00 -> 5 h Saturday; Sunday and the bank-holiday Monday not counted;
    # 24 h Tuesday; 19 h Wednesday.
    assert timezone.localtime(task.due_at) == datetime.combine(
        saturday + timedelta(days=4), time(19, 0), tzinfo=LONDON)


@pytest.mark.parametrize("order_type,rank,allowed", [
    ("DVPN", "chief inspector", False),
    ("DVPN", "superintendent", True),
    ("DVPN", "chief superintendent", True),
    ("DAPN", "sergeant", False),
    ("DAPN", "inspector", True),
    ("DAPN", "superintendent", True),
])
def test_the_authorising_rank_the_law_requires(world, order_type, rank, allowed):
    availability(world["areas"], types=("DAPN", "DAPO"), since=date(2024, 11, 27))
    served = timezone.now() - timedelta(hours=2)
    if allowed:
        assert _serve(world, served, order_type=order_type, rank=rank).pk
    else:
        with pytest.raises(RecordInvalid) as err:
            _serve(world, served, order_type=order_type, rank=rank)
        assert err.value.problems[0][0] == "authorised_rank"
        assert "must be authorised by" in str(err.value)
        _nothing_written()


@pytest.mark.parametrize("birthday_in_days,allowed", [
    (1, False),   # 18 tomorrow: 17 on the day
    (0, True),    # 18th birthday
])
def test_a_dvpn_is_for_adults_only(world, birthday_in_days, allowed):
    served = timezone.now().astimezone(LONDON) - timedelta(hours=2)
    day = served.date()
    dob = date(day.year - 18, day.month, min(day.day, 28)) + timedelta(days=birthday_in_days)
    served = datetime.combine(date(day.year, dob.month, dob.day) - timedelta(
        days=birthday_in_days), time(0, 30), tzinfo=LONDON)
    if allowed:
        assert _serve(world, served, suspect_dob=dob).subject_age == 18
    else:
        with pytest.raises(RecordInvalid) as err:
            _serve(world, served, suspect_dob=dob)
        assert "the subject was 17" in str(err.value)
        _nothing_written()


def test_a_dapn_outside_a_pilot_area_or_date_is_refused(world, make_user):
    areas = world["areas"]
    world["officer"] = make_user("civil_orders")  # force-wide
    OrderAvailability.objects.create(order_type="DAPN", area=areas["BHM"],
                                     available_from=date(2025, 1, 1),
                                     available_to=date(2025, 12, 31))
    in_pilot = datetime(2025, 6, 1, 12, tzinfo=LONDON)
    assert _serve(world, in_pilot, order_type="DAPN", rank="inspector").pk
    for lpa, when in (("COV", in_pilot), ("BHM", datetime(2026, 1, 2, 12, tzinfo=LONDON))):
        with pytest.raises(RecordInvalid, match="DAPN is not available in"):
            _serve(world, when, order_type="DAPN", rank="inspector", lpa=lpa)
    assert ProtectiveOrder.objects.count() == 1


def test_a_dapn_protects_a_person_of_16_or_over(world):
    availability(world["areas"], types=("DAPN",), since=date(2024, 1, 1))
    served = timezone.now() - timedelta(hours=2)
    with pytest.raises(RecordInvalid, match="protects a person aged 16 or over"):
        _serve(world, served, order_type="DAPN", rank="inspector",
               victim_dob=timezone.localdate().replace(year=timezone.localdate().year - 15))
    _nothing_written()


def test_another_area_or_role_may_not_serve(world, make_user):
    served = timezone.now() - timedelta(hours=2)
    world["officer"] = make_user("civil_orders", area=world["areas"]["COV"])
    with pytest.raises(NotAllowed):
        _serve(world, served)
    world["officer"] = make_user("investigator", area=world["areas"]["BHM"])
    with pytest.raises(NotAllowed):
        _serve(world, served)
    audit.flush_refusals()  # held back until the request ends (the raise rolls back)
    assert AuditEvent.objects.filter(action="denied").count() == 2
    _nothing_written()


def test_granted_at_the_hearing_makes_a_dvpo_that_follows_the_notice(world):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    dvpo = services.record_hearing(notice, actor=world["officer"],
                                   hearing_at=served + timedelta(hours=40), granted=True,
                                   court="Birmingham Magistrates",
                                   ends_on=(served + timedelta(days=28)).date())
    notice.refresh_from_db()
    assert dvpo.order_type == "DVPO" and dvpo.follows == notice and dvpo.status == "live"
    assert notice.status == "expired" and notice.hearing_at is not None
    assert dvpo.protected_persons.count() == 1 and dvpo.conditions.count() == 1
    hearing = Task.objects.get(kind="dvpo_hearing")
    assert hearing.status == "met"
    with pytest.raises(RecordInvalid, match="already recorded"):
        services.record_hearing(notice, actor=world["officer"], hearing_at=served,
                                granted=False)


def test_refused_at_the_hearing_ends_the_notice_and_records_the_refused_dvpo(world):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    refused = services.record_hearing(notice, actor=world["officer"],
                                      hearing_at=served + timedelta(hours=30), granted=False,
                                      court="Birmingham Magistrates")
    notice.refresh_from_db()
    assert notice.status == "expired" and notice.hearing_at == served + timedelta(hours=30)
    # The row the DVPO refused measure counts: a DVPO refused, by its hearing.
    assert (refused.order_type, refused.status, refused.follows) == ("DVPO", "refused", notice)
    assert refused.hearing_at == notice.hearing_at and refused.served_at is None
    assert refused.protected_persons.count() == 1
    assert Task.objects.get(kind="dvpo_hearing").status == "met"


def _apply(world, notice, applied_at, court="Birmingham Magistrates"):
    return services.apply_for_order(notice, actor=world["officer"], applied_at=applied_at,
                                    court=court)


def test_the_application_is_held_until_the_hearing_grants_it(world):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    dvpo = _apply(world, notice, served + timedelta(hours=5))
    notice.refresh_from_db()
    assert (dvpo.order_type, dvpo.status, dvpo.follows) == ("DVPO", "applied", notice)
    assert dvpo.applied_at == served + timedelta(hours=5) and dvpo.served_at is None
    assert dvpo.protected_persons.count() == 1 and dvpo.conditions.count() == 1
    assert notice.status == "live"  # the notice stands until the hearing
    assert Task.objects.get(kind="dvpo_hearing").status == "open"
    with pytest.raises(RecordInvalid, match="already applied for"):
        _apply(world, notice, served + timedelta(hours=6))
    with pytest.raises(RecordInvalid, match="the hearing is before the application"):
        services.record_hearing(notice, actor=world["officer"],
                                hearing_at=served + timedelta(hours=4), granted=True,
                                ends_on=(served + timedelta(days=28)).date())
    granted = services.record_hearing(notice, actor=world["officer"],
                                      hearing_at=served + timedelta(hours=30), granted=True,
                                      ends_on=(served + timedelta(days=28)).date())
    assert granted.pk == dvpo.pk and granted.status == "live"
    assert granted.served_at == served + timedelta(hours=30)
    assert granted.made_on == granted.starts_on == timezone.localtime(granted.served_at).date()
    assert granted.court == "Birmingham Magistrates"
    assert ProtectiveOrder.objects.count() == 2
    assert granted.protected_persons.count() == 1 and granted.conditions.count() == 1


def test_an_application_refused_at_the_hearing_is_that_row(world):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    dvpo = _apply(world, notice, served + timedelta(hours=5))
    refused = services.record_hearing(notice, actor=world["officer"],
                                      hearing_at=served + timedelta(hours=20), granted=False)
    assert refused.pk == dvpo.pk and refused.status == "refused"
    assert ProtectiveOrder.objects.count() == 2


@pytest.mark.parametrize(("applied", "court", "reason"), [
    (-timedelta(minutes=1), "Birmingham Magistrates", "before the notice was served"),
    (timedelta(days=3), "Birmingham Magistrates", "in the future"),
    (timedelta(hours=2), "  ", "name the court applied to"),
])
def test_a_bad_application_is_refused_and_writes_nothing(world, applied, court, reason):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    with pytest.raises(RecordInvalid, match=reason):
        _apply(world, notice, served + applied, court=court)
    assert ProtectiveOrder.objects.count() == 1


def test_no_application_once_the_hearing_is_recorded(world):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    services.record_hearing(notice, actor=world["officer"],
                            hearing_at=served + timedelta(hours=30), granted=False)
    notice.refresh_from_db()
    with pytest.raises(RecordInvalid, match="already recorded"):
        _apply(world, notice, served + timedelta(hours=31))


def test_a_grant_needs_an_end_date_and_loses_nothing_without_one(world):
    served = timezone.now() - timedelta(days=2)
    notice = _serve(world, served)
    with pytest.raises(RecordInvalid, match="give the date the order ends"):
        services.record_hearing(notice, actor=world["officer"],
                                hearing_at=served + timedelta(hours=30), granted=True)
    notice.refresh_from_db()
    assert notice.status == "live" and notice.hearing_at is None


def test_a_check_on_an_expired_order_is_refused(world):
    served = timezone.now() - timedelta(days=40)
    notice = _serve(world, served)
    dvpo = services.record_hearing(notice, actor=world["officer"],
                                   hearing_at=served + timedelta(hours=30), granted=True,
                                   ends_on=(served + timedelta(days=15)).date())
    with pytest.raises(RecordInvalid, match="the order ended on"):
        services.record_order_check(dvpo, actor=world["commander"],
                                    checked_at=timezone.now() - timedelta(hours=1),
                                    victim_contacted=True, subject_checked=True,
                                    breach_found=False)
    assert not dvpo.checks.exists()


def test_a_breach_found_at_a_check_goes_to_the_daily_risk_meeting_until_arrest(world):
    served = timezone.now() - timedelta(days=3)
    notice = _serve(world, served)
    dvpo = services.record_hearing(notice, actor=world["officer"],
                                   hearing_at=served + timedelta(hours=30), granted=True,
                                   ends_on=(served + timedelta(days=28)).date())
    checked = timezone.now() - timedelta(hours=2)
    with pytest.raises(RecordInvalid, match="describe the breach"):
        services.record_order_check(dvpo, actor=world["commander"], checked_at=checked,
                                    victim_contacted=True, subject_checked=True,
                                    breach_found=True)
    assert not OrderBreach.objects.exists() and not dvpo.checks.exists()
    check = services.record_order_check(
        dvpo, actor=world["commander"], checked_at=checked, victim_contacted=True,
        subject_checked=True, breach_found=True, notes="Seen at the victim's door")
    breach = OrderBreach.objects.get()
    assert breach.reported_by == "police" and breach.found_at_check == check
    task = Task.objects.get(kind="order_breach")
    assert task.status == "open" and task.team == "local_policing"
    assert "found at a police check" in task.reason
    Arrest.objects.create(source_system="CUSTODY", source_id="A1", suspect=dvpo.subject,
                          arrested_at=checked + timedelta(hours=1), for_breach_of=dvpo)
    engine.run(as_of=timezone.now())
    task.refresh_from_db()
    assert task.status == "met" and task.outcome.startswith("incidents.arrest:")


def test_a_breach_reported_by_the_victim(world):
    served = timezone.now() - timedelta(days=3)
    notice = _serve(world, served)
    with pytest.raises(RecordInvalid, match="report time is in the future"):
        services.record_breach(notice, actor=world["officer"],
                               reported_at=timezone.now() + timedelta(hours=1),
                               reported_by="victim", notes="Texts")
    breach = services.record_breach(notice, actor=world["officer"],
                                    reported_at=timezone.now() - timedelta(hours=1),
                                    reported_by="victim", notes="He rang her 14 times")
    assert breach.source_system == "VIGIL"
    task = Task.objects.get(kind="order_breach")
    assert "reported by the victim" in task.reason
    services.record_breach_result(breach, actor=world["officer"], result="nfa")
    task.refresh_from_db()
    assert task.status == "cancelled"


def test_a_dip_check_of_the_prioritisation(world):
    dip = services.record_dip_check(actor=world["commander"], lpa=world["areas"]["BHM"],
                                    orders_sampled=10, orders_prioritised_right=9,
                                    notes="One engaged victim checked before a non-engaged")
    assert dip.pk
    with pytest.raises(RecordInvalid, match="more than the 10 orders sampled"):
        services.record_dip_check(actor=world["commander"], lpa=world["areas"]["BHM"],
                                  orders_sampled=10, orders_prioritised_right=11)


def test_hearings_recorded_in_vigil_count_in_the_dvpo_measures(world, tmp_path):
    """The refused and the granted DVPO recorded here reach the board's measures: a
    refusal used to end only the notice, and `dvpo_refused` counts refused DVPOs."""
    from vigil.analytics import queries
    from vigil.analytics.snapshot import take_snapshot
    from vigil.core.policy import current

    served = timezone.now() - timedelta(days=3)
    refused = _serve(world, served)
    _apply(world, refused, served + timedelta(hours=2))
    services.record_hearing(refused, actor=world["officer"],
                            hearing_at=served + timedelta(hours=20), granted=False)
    granted = _serve(world, served + timedelta(hours=1))
    services.record_hearing(granted, actor=world["officer"],
                            hearing_at=served + timedelta(hours=21), granted=True,
                            ends_on=(served + timedelta(days=20)).date())
    take_snapshot(tmp_path)
    today = timezone.localdate()
    pack = queries.load_pack(tmp_path, current(), today)
    month = timezone.localtime(served + timedelta(hours=20)).date().replace(day=1)
    bhm = world["areas"]["BHM"].pk
    assert pack.period("dvpo_refused", month, today, bhm)["value"] == 1
    assert pack.period("dvpo_granted", month, today, bhm)["value"] == 1
