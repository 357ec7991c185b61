"""Victims' Code: the working-day clocks at their boundaries (a Friday, bank holidays), the
needs assessment and contact plan, each update's timeliness, and the supervisor's view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import at
from tests.safeguarding import builders as b
from vigil.core import calendar as cal
from vigil.core.records import NotAllowed, RecordInvalid
from vigil.safeguarding import engine
from vigil.safeguarding.models import Task
from vigil.victims import queries, services
from vigil.victims.models import VictimCare

pytestmark = pytest.mark.django_db


def _case(areas, recorded, arrested=None, lpa="BHM"):
    victim, suspect = b.make_person("Victim"), b.make_person("Suspect")
    crime = b.make_crime(areas[lpa], recorded, victim=victim, suspect=suspect)
    if arrested:
        b.arrest(suspect, crime, arrested)
    return victim, crime


# --- "within 1 working day" of an arrest: the boundary table ------------------------------

@pytest.mark.parametrize("arrested, due", [
    (at(2026, 11, 26, 10), at(2026, 11, 27, 23, 59)),      # Thursday: by the end of Friday
    (at(2026, 11, 27, 9), at(2026, 11, 30, 23, 59)),       # Friday morning: Monday
    (at(2026, 11, 27, 23, 30), at(2026, 11, 30, 23, 59)),  # Friday night: Monday
    (at(2026, 11, 28, 14), at(2026, 11, 30, 23, 59)),      # Saturday: Monday
    (at(2026, 5, 22, 16), at(2026, 5, 26, 23, 59)),        # Friday before the May bank
    #                                                        holiday (Mon 25): Tuesday
    (at(2026, 5, 25, 12), at(2026, 5, 26, 23, 59)),        # on the bank holiday: Tuesday
    (at(2026, 12, 24, 12), at(2026, 12, 29, 23, 59)),      # Christmas Eve: Boxing Day's
    #                                                        substitute Mon 28 is off too
    (at(2027, 3, 26, 12), at(2027, 3, 30, 23, 59)),        # Good Friday, then Easter Monday
])
def test_an_arrest_update_is_due_by_the_end_of_the_next_working_day(areas, arrested, due):
    victim, crime = _case(areas, arrested - timedelta(hours=2), arrested)
    engine.run(as_of=arrested + timedelta(hours=1))
    task = Task.objects.get(kind="vcop_update", person_id=victim.person_id)
    assert task.due_at.astimezone(cal.LONDON).replace(second=0) == due
    assert "arrest within 1 working day" in task.reason


@pytest.mark.parametrize("told, on_time", [
    (at(2026, 11, 30, 23, 59), True),    # the last minute of Monday
    (at(2026, 12, 1, 0, 0), False),      # Tuesday's first minute: late
])
def test_an_update_told_at_the_boundary_is_on_time_or_late(areas, told, on_time):
    arrested = at(2026, 11, 27, 21)  # Friday night
    victim, crime = _case(areas, arrested - timedelta(hours=2), arrested)
    services.record_victim_update(victim, crime, actor="cli", reason="arrest",
                                  event_at=arrested, told_at=told, method="phone")
    view = queries.care_view(_supervisor(areas), crime.pk, victim.person_id)
    assert [r.on_time for r in view.updates] == [on_time]
    engine.run(as_of=told + timedelta(hours=1))
    task = Task.objects.get(kind="vcop_update", person_id=victim.person_id)
    assert task.status == "met" and (task.completed_at <= task.due_at) is on_time


@pytest.mark.parametrize("recorded, referred, on_time", [
    (at(2026, 11, 27, 18), at(2026, 11, 29, 18), True),   # Friday: two calendar days
    (at(2026, 11, 27, 18), at(2026, 11, 29, 18, 1), False),
    (at(2026, 12, 24, 9), at(2026, 12, 26, 9), True),     # bank holidays count as days
])
def test_support_referral_within_two_days(areas, recorded, referred, on_time):
    victim, crime = _case(areas, recorded)
    engine.run(as_of=recorded + timedelta(hours=1))
    services.record_support_referral(victim, crime, actor="cli", referred_at=referred,
                                     service="IDVA service")
    engine.run(as_of=referred + timedelta(hours=1))
    task = Task.objects.get(kind="vcop_support_referral", person_id=victim.person_id)
    assert task.status == "met" and (task.completed_at <= task.due_at) is on_time


# --- needs assessment and contact plan ---------------------------------------------------

@pytest.mark.parametrize("enhanced, needs, error", [
    (True, ["emotional", "safety"], None),
    (False, ["none"], None),
    (True, [], "select the victim's needs"),
    (True, ["none", "housing"], "None identified cannot go with a need"),
    (None, ["housing"], "enhanced rights"),
    (True, ["jetpack"], "not a known need"),
])
def test_needs_assessment(areas, enhanced, needs, error):
    victim, crime = _case(areas, at(2026, 11, 2, 10))
    call = lambda: services.record_needs_assessment(  # noqa: E731
        victim, crime, actor="cli", at=at(2026, 11, 3, 10), enhanced_rights=enhanced,
        needs=needs)
    if error:
        with pytest.raises(RecordInvalid, match=error):
            call()
        assert not VictimCare.objects.filter(needs_assessed_at__isnull=False).exists()
    else:
        care = call()
        assert care.needs_assessed_at == at(2026, 11, 3, 10)
        assert care.needs.split(",") == needs and care.enhanced_rights is enhanced


def test_contact_plan_and_its_refusals(areas, make_user):
    victim, crime = _case(areas, at(2026, 11, 2, 10))
    care = services.record_contact_plan(victim, crime, actor="cli", at=at(2026, 11, 3),
                                        method="phone", every_days=14)
    assert (care.contact_method, care.contact_every_days) == ("phone", 14)
    assert care.contact_plan == "By phone, every two weeks"
    with pytest.raises(RecordInvalid, match="how often"):
        services.record_contact_plan(victim, crime, actor="cli", at=at(2026, 11, 3),
                                     method="phone", every_days=90)
    with pytest.raises(NotAllowed):
        services.record_contact_plan(victim, crime, actor=make_user(role="da_desk",
                                                                    area=areas["COV"]),
                                     at=at(2026, 11, 3), method="phone", every_days=7)


def test_the_forms_record_needs_and_contact_plan_and_show_them(client, areas, make_user):
    victim, crime = _case(areas, at(2026, 11, 2, 10))
    client.force_login(make_user(role="da_desk", area=areas["BHM"]))
    args = [crime.pk, victim.person_id]
    empty = client.post(reverse("victims:needs", args=args), {})
    assert "Select whether the victim is entitled to enhanced rights" in empty.content.decode()
    ok = client.post(reverse("victims:needs", args=args),
                     {"enhanced_rights": "yes", "needs": ["emotional", "housing"]})
    assert ok.status_code == 302
    client.post(reverse("victims:contact_plan", args=args),
                {"contact_method": "email", "contact_every_days": "7"})
    page = client.get(reverse("victims:care", args=args)).content.decode()
    assert "Emotional support; Housing" in page and "Email, every week" in page
    assert VictimCare.objects.get().source_system == "VIGIL"


def test_a_victim_in_another_area_is_not_found(client, areas, make_user):
    victim, crime = _case(areas, at(2026, 11, 2, 10), lpa="COV")
    client.force_login(make_user(role="da_desk", area=areas["BHM"]))
    assert client.get(reverse("victims:care", args=[crime.pk, victim.person_id])
                      ).status_code == 404
    listing = client.get(reverse("victims:victims")).content.decode()
    assert f"victim-{crime.pk}-" not in listing


# --- the supervisor's view ---------------------------------------------------------------

def _supervisor(areas, area=None):
    from tests.factories import make_user

    return make_user(role="lpa_commander", area=area)


def test_compliance_by_team_counts_on_time_late_and_overdue(areas):
    now = at(2026, 11, 30, 12)
    # Birmingham: one update on time, one late; Coventry: one still open and overdue.
    on_time_v, on_time_c = _case(areas, at(2026, 11, 23, 9), at(2026, 11, 23, 10))
    late_v, late_c = _case(areas, at(2026, 11, 23, 9), at(2026, 11, 23, 11))
    _case(areas, at(2026, 11, 23, 9), at(2026, 11, 23, 12), lpa="COV")
    services.record_victim_update(on_time_v, on_time_c, actor="cli", reason="arrest",
                                  event_at=at(2026, 11, 23, 10), told_at=at(2026, 11, 23, 15))
    services.record_victim_update(late_v, late_c, actor="cli", reason="arrest",
                                  event_at=at(2026, 11, 23, 11), told_at=at(2026, 11, 26, 9))
    engine.run(as_of=now)
    rows = {r.area.code: r for r in queries.compliance(_supervisor(areas), 30, now=now)}
    bhm, cov = rows["BHM"].measures["vcop_update"], rows["COV"].measures["vcop_update"]
    assert (bhm.due, bhm.on_time, bhm.late, bhm.open_overdue, bhm.share) == (2, 1, 1, 0, 50)
    assert (cov.due, cov.on_time, cov.open_overdue) == (1, 0, 1)
    # A duty not yet due counts only once met: Coventry's second victim, told early.
    early_v, early_c = _case(areas, at(2026, 11, 30, 8), at(2026, 11, 30, 9), lpa="COV")
    services.record_victim_update(early_v, early_c, actor="cli", reason="arrest",
                                  event_at=at(2026, 11, 30, 9), told_at=at(2026, 11, 30, 11))
    engine.run(as_of=now)
    rows = {r.area.code: r for r in queries.compliance(_supervisor(areas), 30, now=now)}
    cov = rows["COV"].measures["vcop_update"]
    assert (cov.due, cov.on_time, cov.open_overdue) == (2, 1, 1)
    scoped = queries.compliance(_supervisor(areas, areas["COV"]), 30, now=now)
    assert [r.area.code for r in scoped] == ["COV"]
