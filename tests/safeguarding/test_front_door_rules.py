"""Issue 14 item 5: 24-hour clocks count elapsed hours across both clock changes; a crime
and its incident are one event for the repeat, escalation and MARAC rules; escalation and
MARAC's potential escalation count the same dates. Boundary tables, as docs/
safeguarding-rules.md states each choice."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from tests.safeguarding import builders as b
from vigil.core import calendar as cal
from vigil.safeguarding import engine
from vigil.safeguarding.models import Flag, Task

pytestmark = pytest.mark.django_db


def run(as_of):
    return engine.run(as_of=as_of)


def active(kind, as_of):
    return [f for f in Flag.objects.filter(kind=kind)
            if f.raised_at <= as_of and (f.expires_at is None or f.expires_at > as_of)]


# --- 24 elapsed hours ------------------------------------------------------------------------

@pytest.mark.parametrize("called, due", [
    # The clocks go back at 02:00 BST on Sunday 25 October 2026: 24 real hours after
    # 20:00 on the Saturday is 19:00 on the Sunday (not 20:00, 25 hours later).
    (b.at(2026, 10, 24, 20), b.at(2026, 10, 25, 19)),
    (b.at(2026, 10, 25, 0, 30), b.at(2026, 10, 25, 23, 30)),
    (b.at(2026, 10, 25, 3), b.at(2026, 10, 26, 3)),     # after the change: wall clock
    # The clocks go forward at 01:00 GMT on Sunday 29 March 2026: 20:00 on the Saturday
    # is due at 21:00 BST on the Sunday (not 20:00, 23 hours later).
    (b.at(2026, 3, 28, 20), b.at(2026, 3, 29, 21)),
    (b.at(2026, 3, 29, 0, 30), b.at(2026, 3, 30, 1, 30)),
    (b.at(2026, 3, 29, 3), b.at(2026, 3, 30, 3)),       # after the change: wall clock
    (b.at(2026, 6, 10, 20), b.at(2026, 6, 11, 20)),     # no change
])
def test_ra_review_due_24_elapsed_hours_after_the_call(areas, called, due):
    b.make_incident(areas["BHM"], called, victim=b.make_person("V"))
    run(called + timedelta(hours=1))
    task = Task.objects.get(kind="ra_review")
    assert task.due_at == due
    assert task.due_at - task.starts_at == timedelta(hours=24)  # aware: real time
    assert (task.due_at.astimezone(UTC) - called.astimezone(UTC)) == timedelta(hours=24)


@pytest.mark.parametrize("assessed", [b.at(2026, 10, 24, 20), b.at(2026, 3, 28, 20)])
def test_dash_breach_review_due_24_elapsed_hours(areas, assessed):
    victim = b.make_person("V")
    ra = b.assessment(victim, assessed, yes=15,
                      incident=b.make_incident(areas["BHM"], assessed, victim=victim))
    ra.final_level = ra.officer_level = 2
    ra.below_answers_level = True
    ra.save()
    run(assessed + timedelta(hours=1))
    task = Task.objects.get(kind="dash_breach")
    assert task.due_at - assessed == timedelta(hours=24)
    # The rules use the answers' level meanwhile: high, so a MARAC referral is proposed.
    assert Task.objects.filter(kind="marac_referral").exists()


# --- one event -------------------------------------------------------------------------------

@pytest.mark.parametrize("days_later, same_suspect, linked, repeat", [
    (0, True, True, False),     # the crime recorded from the incident
    (3, True, True, False),     # linked, recorded days later: still the incident's event
    (3, True, False, False),    # unlinked, days later, same suspect: the same event
    (7, True, False, False),    # the last day of the match window (policy: 7)
    (8, True, False, True),     # beyond it: a second event
    (3, False, False, True),    # another suspect: another event
])
def test_a_crime_and_its_incident_are_one_event(areas, days_later, same_suspect, linked,
                                                repeat):
    victim, suspect, other = (b.make_person(n) for n in ("Vic", "Sus", "Oth"))
    # Across the autumn clock change: the call on the Saturday evening before it.
    called = b.at(2026, 10, 24, 22)
    inc = b.make_incident(areas["BHM"], called, victim=victim, suspect=suspect)
    b.make_crime(areas["BHM"], b.days_after(called, days_later), victim=victim,
                 suspect=suspect if same_suspect else other, incident=inc if linked else None)
    as_of = b.days_after(called, days_later + 1)
    run(as_of)
    assert bool(active("repeat_victim", as_of)) is repeat


def test_an_unlinked_crime_matches_an_incident_naming_no_suspect(areas):
    victim, suspect = b.make_person("Vic"), b.make_person("Sus")
    called = b.at(2026, 3, 28, 23, 30)  # the night the clocks go forward
    b.make_incident(areas["BHM"], called, victim=victim)
    b.make_crime(areas["BHM"], b.days_after(called, 2), victim=victim, suspect=suspect)
    run(b.days_after(called, 3))
    assert not active("repeat_victim", b.days_after(called, 3))


def test_two_crimes_from_one_incident_are_one_offence_for_escalation(areas):
    victim, suspect = b.make_person("Vic"), b.make_person("Sus")
    first = b.at(2026, 1, 10, 21)
    for day in (0, 100):
        inc = b.make_incident(areas["BHM"], b.days_after(first, day), victim=victim,
                              suspect=suspect)
        for group in ("violence_with_injury", "criminal_damage"):
            b.make_crime(areas["BHM"], b.days_after(first, day), victim=victim,
                         suspect=suspect, incident=inc, offence_group=group)
    as_of = b.days_after(first, 101)
    run(as_of)
    assert not active("escalation", as_of)  # two events, not four offences


@pytest.mark.parametrize("third_incident_day, third_crime_day, both", [
    (364, 367, True),    # the incident inside the window, its crime recorded outside it
    (366, 366, False),   # both outside
    (365, 365, True),    # the boundary day
])
def test_escalation_and_marac_count_the_same_dates(areas, third_incident_day, third_crime_day,
                                                   both):
    victim, suspect = b.make_person("Vic"), b.make_person("Sus")
    first = b.at(2025, 10, 25, 20)  # the Saturday before the clocks go back
    for inc_day, crime_day in ((0, 0), (200, 202), (third_incident_day, third_crime_day)):
        inc = b.make_incident(areas["BHM"], b.days_after(first, inc_day), victim=victim,
                              suspect=suspect)
        b.make_crime(areas["BHM"], b.days_after(first, crime_day), victim=victim,
                     suspect=suspect, incident=inc, offence_group="violence_without_injury")
    as_of = b.days_after(first, max(third_incident_day, third_crime_day) + 1)
    run(as_of)
    escalation = bool(active("escalation", as_of))
    marac = Task.objects.filter(kind="marac_referral",
                                reason__contains="potential escalation").exists()
    assert escalation is both and marac is both
    if both:
        review = Task.objects.get(kind="escalation_review")
        # Counted at the incident's date, started when the crime was known.
        assert review.starts_at == b.days_after(first, third_crime_day)
        assert review.due_at == cal.add_working_days(review.starts_at, 1)
