"""Variation and the end of an order (expiry, discharge): every version kept, refusals
that write nothing, and two people changing the same order (the second is told)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.orders.helpers import availability, crime_with_parties
from vigil.core.checks import RecordInvalid
from vigil.core.models import AuditEvent
from vigil.orders import daily, queries, services
from vigil.orders.models import OrderVariation, ProtectiveOrder

pytestmark = pytest.mark.django_db

ORIGINAL = [("no_contact", "Not to contact Amy directly or indirectly")]


@pytest.fixture
def world(areas, make_user):
    availability(areas)
    return {"areas": areas, "officer": make_user("civil_orders", area=areas["BHM"]),
            "other": make_user("civil_orders", area=areas["BHM"]),
            "commander": make_user("lpa_commander", area=areas["BHM"])}


def _dvpo(world, *, days_ago=3, length=14) -> ProtectiveOrder:
    """A DVPO granted `days_ago` days ago (the day after its notice), in force `length`
    days from then."""
    served = timezone.now() - timedelta(days=days_ago, hours=20)
    crime, suspect, victim = crime_with_parties(world["areas"]["BHM"],
                                                served - timedelta(hours=3))
    notice = services.serve_notice(
        actor=world["officer"], order_type="DVPN", subject=suspect, protected=[victim],
        lpa=world["areas"]["BHM"], crime=crime, served_at=served, authorised_by="Supt Rowe",
        authorised_rank="superintendent", conditions=ORIGINAL)
    hearing = served + timedelta(hours=20)
    return services.record_hearing(notice, actor=world["officer"], hearing_at=hearing,
                                   granted=True, ends_on=hearing.date() + timedelta(days=length))


def _vary(world, order, **kw):
    args = {"reason": "Extended at the victim's request", "court": "Birmingham Magistrates",
            "varied_on": timezone.localdate(), "version": order.version}
    args.update(kw)
    return services.vary_order(order, actor=kw.pop("actor", world["officer"]),
                               **{k: v for k, v in args.items() if k != "actor"})


def test_a_granted_dvpo_is_counted_by_the_day_the_court_made_it(world):
    dvpo = _dvpo(world)
    assert dvpo.made_on == timezone.localtime(dvpo.served_at).date() == dvpo.starts_on


def test_every_version_of_a_varied_order_is_kept_and_shown(world):
    dvpo = _dvpo(world)
    first_end = dvpo.ends_on
    new_end = first_end + timedelta(days=14)
    _vary(world, dvpo, ends_on=new_end, reason="Extended to 28 days")
    _vary(world, dvpo, conditions=[*ORIGINAL, ("exclusion", "Not to enter Elm Road")],
          reason="Exclusion zone added")
    dvpo.refresh_from_db()
    assert dvpo.ends_on == new_end
    assert [c.text for c in dvpo.conditions.all()] == [ORIGINAL[0][1], "Not to enter Elm Road"]
    versions = queries.order_versions(dvpo)
    assert [(v.number, v.what, v.ends_on, v.current) for v in versions] == [
        (1, "As made", first_end, False), (2, "Varied", new_end, False),
        (3, "Varied", new_end, True)]
    assert versions[1].conditions == versions[0].conditions == [
        f"No contact: {ORIGINAL[0][1]}"]
    assert versions[2].conditions[-1] == "Exclusion from premises or zone: Not to enter Elm Road"
    assert versions[2].court == "Birmingham Magistrates"
    assert versions[0].decided_on == dvpo.made_on
    audit = AuditEvent.objects.filter(object_type="orders.protectiveorder",
                                      object_id=str(dvpo.pk), action="update",
                                      detail__step="varied").order_by("at", "id")
    assert [a.detail["reason"] for a in audit] == ["Extended to 28 days", "Exclusion zone added"]
    assert audit[0].detail["before"]["ends_on"] == first_end.isoformat()


# (change, expected reason): each refused, and nothing written.
@pytest.mark.parametrize("change,reason", [
    ({"reason": " "}, "say what the court varied"),
    ({"court": ""}, "name the court"),
    ({"varied_on": "tomorrow"}, "in the future"),
    ({"varied_on": "day_before_made"}, "cannot be varied before it"),
    ({"ends_on": "day_before_variation"}, "before the variation"),
    ({"varied_on": "day_after_end"}, "cannot be varied after it"),
    ({"conditions": []}, "at least one condition"),
    ({"ends_on": "same"}, "nothing was changed"),
    ({"conditions": ORIGINAL, "ends_on": None}, "nothing was changed"),
])
def test_a_bad_variation_is_refused_and_writes_nothing(world, change, reason):
    dvpo = _dvpo(world)
    today = timezone.localdate()
    values = {"tomorrow": today + timedelta(days=1),
              "day_before_made": dvpo.made_on - timedelta(days=1),
              "day_before_variation": today - timedelta(days=1), "same": dvpo.ends_on,
              "day_after_end": dvpo.ends_on + timedelta(days=1)}
    change = {k: values.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = (dvpo.version, dvpo.ends_on)
    with pytest.raises(RecordInvalid, match=reason):
        _vary(world, dvpo, **{"ends_on": dvpo.ends_on + timedelta(days=7), **change})
    dvpo.refresh_from_db()
    assert (dvpo.version, dvpo.ends_on) == before
    assert not OrderVariation.objects.exists()


@pytest.mark.parametrize("days_from_made,allowed", [(0, True), (-1, False)])
def test_a_variation_on_the_day_the_order_was_made_is_allowed(world, days_from_made, allowed):
    dvpo = _dvpo(world)
    when = dvpo.made_on + timedelta(days=days_from_made)
    if allowed:
        _vary(world, dvpo, varied_on=when, ends_on=dvpo.ends_on + timedelta(days=1))
        assert OrderVariation.objects.get().decided_on == when
    else:
        with pytest.raises(RecordInvalid):
            _vary(world, dvpo, varied_on=when, ends_on=dvpo.ends_on + timedelta(days=1))


def test_two_people_varying_the_same_order_the_second_is_told(world):
    dvpo = _dvpo(world)
    seen = dvpo.version
    mine = ProtectiveOrder.objects.get(pk=dvpo.pk)
    theirs = ProtectiveOrder.objects.get(pk=dvpo.pk)
    _vary(world, mine, ends_on=dvpo.ends_on + timedelta(days=7), version=seen)
    with pytest.raises(RecordInvalid, match="someone changed this order since you opened it"):
        _vary(world, theirs, ends_on=dvpo.ends_on + timedelta(days=3), version=seen,
              actor=world["other"])
    dvpo.refresh_from_db()
    assert dvpo.ends_on == mine.ends_on
    assert OrderVariation.objects.count() == 1


def test_a_notice_or_an_ended_order_is_not_varied(world):
    dvpo = _dvpo(world)
    services.end_order(dvpo, actor=world["officer"], status="discharged",
                       on=timezone.localdate(), court="Birmingham Magistrates",
                       reason="Victim and subject reconciled; court discharged")
    with pytest.raises(RecordInvalid, match="only a live order is varied"):
        _vary(world, dvpo, ends_on=dvpo.ends_on + timedelta(days=1))


def test_a_discharge_ends_the_order_that_day_and_keeps_its_end_date_in_the_history(world):
    dvpo = _dvpo(world)
    planned = dvpo.ends_on
    today = timezone.localdate() - timedelta(days=1)  # discharged yesterday
    with pytest.raises(RecordInvalid, match="name the court"):
        services.end_order(dvpo, actor=world["officer"], status="discharged", on=today,
                           reason="Withdrawn")
    with pytest.raises(RecordInvalid, match="say why"):
        services.end_order(dvpo, actor=world["officer"], status="discharged", on=today,
                           court="Birmingham Magistrates")
    services.end_order(dvpo, actor=world["officer"], status="discharged", on=today,
                       court="Birmingham Magistrates", reason="Withdrawn by the applicant",
                       version=dvpo.version)
    dvpo.refresh_from_db()
    assert (dvpo.status, dvpo.ends_on) == ("discharged", today)
    last = queries.order_versions(dvpo)[-1]
    assert (last.what, last.decided_on, last.ends_on) == ("Discharged", today, today)
    assert queries.order_versions(dvpo)[0].ends_on == planned
    # It ended yesterday: a check today is after it.
    with pytest.raises(RecordInvalid, match="the order ended on"):
        services.record_order_check(dvpo, actor=world["commander"],
                                    checked_at=timezone.now(), victim_contacted=True,
                                    subject_checked=True, breach_found=False)


@pytest.mark.parametrize("days_after_end,allowed", [(-1, False), (0, True), (1, True)])
def test_expiry_is_on_or_after_the_end_date(world, days_after_end, allowed):
    dvpo = _dvpo(world, days_ago=10, length=5)  # ended 5 days ago
    on = dvpo.ends_on + timedelta(days=days_after_end)
    if allowed:
        services.end_order(dvpo, actor=world["officer"], status="expired", on=on)
        dvpo.refresh_from_db()
        assert dvpo.status == "expired" and dvpo.ends_on == on - timedelta(days=days_after_end)
    else:
        with pytest.raises(RecordInvalid, match="discharged"):
            services.end_order(dvpo, actor=world["officer"], status="expired", on=on)


def test_the_daily_job_expires_orders_past_their_end_with_a_version(world):
    dvpo = _dvpo(world, days_ago=10, length=5)
    live = _dvpo(world, days_ago=2, length=14)
    assert daily.expire_ended() == 1
    dvpo.refresh_from_db()
    live.refresh_from_db()
    assert (dvpo.status, live.status) == ("expired", "live")
    version = queries.order_versions(dvpo)[-1]
    assert (version.what, version.decided_on) == ("Expired", dvpo.ends_on)


def test_another_area_may_not_vary(world, make_user):
    from vigil.core.records import NotAllowed

    dvpo = _dvpo(world)
    with pytest.raises(NotAllowed):
        _vary(world, dvpo, ends_on=dvpo.ends_on + timedelta(days=1),
              actor=make_user("civil_orders", area=world["areas"]["COV"]))
    assert not OrderVariation.objects.exists()
