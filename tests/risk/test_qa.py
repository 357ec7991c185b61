"""The weekly QA dip sample and the high-risk share."""

from datetime import timedelta

import pytest

from tests.safeguarding import builders as b
from vigil.risk import qa
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n, expected", [(0, 0), (1, 1), (20, 1), (21, 2), (100, 5)])
def test_dip_sample_size_is_five_percent_rounded_up(n, expected):
    assert len(qa.select_dip_sample(range(n), "2026-W10", "BHM", 0.05)) == expected


def test_dip_sample_is_reproducible_per_week_and_lpa():
    ids = list(range(1, 201))
    first = qa.select_dip_sample(ids, "2026-W10", "BHM", 0.05)
    assert first == qa.select_dip_sample(list(reversed(ids)), "2026-W10", "BHM", 0.05)
    others = {tuple(qa.select_dip_sample(ids, w, lpa, 0.05))
              for w, lpa in [("2026-W11", "BHM"), ("2026-W10", "COV"), ("2026-W12", "SOL")]}
    assert tuple(first) not in others


def test_dip_sample_rejects_a_bad_share():
    with pytest.raises(ValueError, match="between 0 and 1"):
        qa.select_dip_sample([1], "2026-W10", "BHM", 5)


def test_draw_dip_samples_opens_tasks_for_completed_weeks_once(areas):
    monday = b.at(2026, 3, 2, 10)
    for i in range(40):
        victim = b.make_person(f"V{i}")
        inc = b.make_incident(areas["BHM"] if i % 2 else areas["COV"],
                              monday + timedelta(hours=i), victim=victim)
        b.assessment(victim, monday + timedelta(hours=i + 1), yes=3, incident=inc)
    high = b.make_person("High")
    b.assessment(high, monday, yes=16,
                 incident=b.make_incident(areas["BHM"], monday, victim=high))
    assert qa.draw_dip_samples(as_of=monday + timedelta(days=3)) == 0  # week not over
    as_of = monday + timedelta(days=8)
    assert qa.draw_dip_samples(as_of=as_of) == 2  # 20 per LPA -> 1 each
    assert qa.draw_dip_samples(as_of=as_of) == 0
    tasks = Task.objects.filter(kind="qa_dip_sample")
    assert {t.lpa.code for t in tasks} == {"BHM", "COV"}
    assert all(t.team == "referral_allocation" and "2026-W10" in t.reason for t in tasks)


def test_high_risk_share_per_lpa(areas):
    when = b.at(2026, 3, 2, 10)
    for i, yes in enumerate([16, 3, 3, 3]):
        victim = b.make_person(f"V{i}")
        b.assessment(victim, when, yes=yes,
                     incident=b.make_incident(areas["DUD"], when, victim=victim))
    rows = qa.high_risk_share(as_of=when + timedelta(days=1))
    assert [(r.lpa_name, r.assessed, r.high) for r in rows] == [("Dudley", 4, 1)]
    assert rows[0].share == 0.25 and not rows[0].below_expectation
