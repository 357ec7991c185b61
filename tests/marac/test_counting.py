"""The coordinator's own figures count as the KPIs do (issues 11 and 15 item 8): the weekly
table's cases awaiting (proposed referrals not cases yet; withdrawn and transferred cases
until that day) and the repeat rate by the rules' answer. And the pages print the force's
reference, or when and by whom a record made in Vigil was made, never an internal id."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_person
from vigil.core.checks import RecordInvalid
from vigil.core.policy import current as current_policy
from vigil.marac import queries, services
from vigil.marac.checks import check_referral
from vigil.marac.models import MaracReferral, MaracTransfer

D0 = date(2026, 3, 2)  # a Monday: the weeks end on Mondays
ENDS = [D0 + timedelta(days=7 * i) for i in range(4)]  # 2, 9, 16, 23 March


@pytest.fixture
def coordinator(areas, make_user):
    return make_user(role="marac_coordinator", area=areas["BHM"])


def _imported(areas, status, lpa="BHM", on=D0 - timedelta(days=3), victim=None, **kw):
    return MaracReferral.objects.create(
        source_system="MARAC", source_id=f"R{MaracReferral.objects.count()}",
        victim=victim or make_person(), lpa=areas[lpa], referred_on=on,
        visible_high_risk=True, status=status, **kw)


# (status, stopped waiting on, awaiting at the end of each week in ENDS)
CASES = [
    ("withdrawn", D0 + timedelta(days=9), (1, 1, 0, 0)),   # 11 March: waiting on the 9th
    ("withdrawn", D0 + timedelta(days=7), (1, 0, 0, 0)),   # on the 9th itself: gone
    ("withdrawn", None, (0, 0, 0, 0)),                     # no date: never counted
    ("transferred", D0 + timedelta(days=8), (1, 1, 0, 0)),
    ("transferred", D0, (0, 0, 0, 0)),                     # out on the first week's end
    ("proposed", None, (0, 0, 0, 0)),
    ("awaiting", None, (1, 1, 1, 1)),
]


@pytest.mark.parametrize(("status", "on", "expected"), CASES,
                         ids=[f"{s}-{o}" for s, o, _ in CASES])
def test_the_weekly_table_counts_a_case_until_it_stopped_waiting(db, areas, status, on,
                                                                 expected):
    ref = _imported(areas, status, withdrawn_on=on if status == "withdrawn" else None)
    if status == "transferred" and on is not None:
        MaracTransfer.objects.create(source_system="MARAC", source_id="T1", referral=ref,
                                     from_lpa=areas["BHM"], to_lpa=areas["COV"],
                                     transferred_on=on)
    weeks = queries.weekly(areas["BHM"].pk, ENDS)
    assert tuple(w.awaiting for w in weeks) == expected
    table = queries.seed_table([areas["BHM"]], ENDS)
    assert tuple(w.awaiting for w in table.totals) == expected


def test_a_withdrawal_date_belongs_to_a_withdrawn_referral_only(db, areas):
    problems = check_referral({"visible_high_risk": True, "status": "awaiting",
                               "withdrawn_on": D0})
    assert [p[0] for p in problems] == ["withdrawn_on"]
    assert "only a withdrawn referral" in problems[0][2]
    assert check_referral({"visible_high_risk": True, "status": "withdrawn",
                           "withdrawn_on": D0}) == []


@pytest.mark.parametrize(("days", "repeat"), [(364, True), (365, True), (366, False)])
def test_the_coordinators_repeat_rate_is_the_rules_answer(db, areas, days, repeat):
    victim = make_person()
    _imported(areas, "heard", lpa="COV", on=D0 - timedelta(days=days), victim=victim,
              heard_on=D0 - timedelta(days=days))
    # The imported flag says the opposite: the coordinator's view does not read it.
    _imported(areas, "awaiting", on=D0, victim=victim, repeat_referral=not repeat)
    n, repeats = queries.repeat_counts(areas["BHM"].pk, D0, current_policy())
    assert (n, repeats) == (1, int(repeat))


def test_an_unlinked_victim_is_not_a_repeat_of_someone_elses_referral(db, areas, coordinator):
    first = make_person(person=None)
    first.person = None
    first.save()
    services.refer(first, actor=coordinator, lpa=areas["BHM"], referred_on=D0,
                   criteria={"visible_high_risk"})
    other = make_person(person=None)
    other.person = None
    other.save()
    later = services.refer(other, actor=coordinator, lpa=areas["BHM"],
                           referred_on=D0 + timedelta(days=10), criteria={"visible_high_risk"})
    assert not later.repeat_referral
    # The same unlinked record referred again is a repeat.
    again = services.refer(first, actor=coordinator, lpa=areas["BHM"],
                           referred_on=D0 + timedelta(days=20), criteria={"visible_high_risk"})
    assert again.repeat_referral


def test_pages_print_the_force_reference_or_who_made_it(client, areas, coordinator):
    client.force_login(coordinator)
    imported = _imported(areas, "awaiting")
    made = services.refer(make_person(), actor=coordinator, lpa=areas["BHM"], referred_on=D0,
                          criteria={"visible_high_risk"})
    html = client.get(f"/marac/referrals/{imported.pk}/").content.decode()
    assert f"MARAC {imported.source_id}" in html
    html = client.get(f"/marac/referrals/{made.pk}/").content.decode()
    assert "made in Vigil on" in html and made.source_id not in html
    meeting = services.add_meeting(areas["BHM"], actor=coordinator, held_on=D0 + timedelta(days=7))
    services.schedule(made, meeting, actor=coordinator)
    html = client.get(f"/marac/meetings/{meeting.pk}/").content.decode()
    assert "made in Vigil on" in html and made.source_id not in html
    assert meeting.source_id not in html


def test_a_transfer_out_by_the_service_ends_the_wait_on_its_day(db, areas, coordinator):
    ref = services.refer(make_person(), actor=coordinator, lpa=areas["BHM"],
                         referred_on=D0 - timedelta(days=3), criteria={"visible_high_risk"})
    services.transfer_out(ref, actor=coordinator, on=D0 + timedelta(days=10),
                          to_lpa=areas["COV"])
    assert tuple(w.awaiting for w in queries.weekly(areas["BHM"].pk, ENDS)) == (1, 1, 0, 0)


def test_a_withdrawal_before_the_referral_is_refused(db, areas):
    from vigil.core import records

    ref = MaracReferral(source_system="MARAC", source_id="W1", victim=make_person(),
                        lpa=areas["BHM"], referred_on=D0, visible_high_risk=True,
                        status="withdrawn", withdrawn_on=D0 - timedelta(days=1))
    with pytest.raises(RecordInvalid, match="withdrawn_on is before referred_on"):
        records.check(ref)
