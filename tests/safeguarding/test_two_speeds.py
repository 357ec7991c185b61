"""Two speeds, one answer: incremental evaluation as records arrive equals one batch run."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.safeguarding import builders as b
from vigil.core.policy import Policy
from vigil.safeguarding import engine
from vigil.safeguarding.models import Flag, Task

pytestmark = pytest.mark.django_db

START = b.at(2024, 11, 1, 9)
AS_OF = START + timedelta(days=460)
# Open every duty in the generated window, so the comparison covers all task rules.
POLICY = replace(Policy(), task_backfill_days=3650)

ADULTS = 4
CHILDREN = 2

event = st.one_of(
    st.tuples(st.just("incident"), st.integers(0, ADULTS - 1), st.integers(-1, ADULTS - 1),
              st.integers(-1, CHILDREN - 1), st.booleans()),
    st.tuples(st.just("crime"), st.integers(0, ADULTS - 1), st.integers(0, ADULTS - 1),
              st.sampled_from(["violence_with_injury", "sexual", "public_order"]),
              st.booleans()),
    st.tuples(st.just("assessment"), st.integers(0, ADULTS - 1), st.integers(0, 20),
              st.booleans(), st.booleans()),
    st.tuples(st.just("referral"), st.integers(0, ADULTS - 1), st.booleans(), st.booleans(),
              st.booleans()),
    st.tuples(st.just("notice"), st.integers(0, ADULTS - 1), st.booleans(), st.booleans(),
              st.booleans()),
    st.tuples(st.just("dvds"), st.integers(0, ADULTS - 1), st.integers(0, ADULTS - 1),
              st.booleans(), st.booleans()),
)

history = st.lists(st.tuples(st.integers(0, 450), st.integers(0, 23), event),
                   min_size=1, max_size=10).map(sorted)


def _people():
    from datetime import date

    adults = [b.make_person(f"Adult{i}", dob=date(1985 + i, 3, 1)) for i in range(ADULTS)]
    kids = [b.child(f"Kid{i}", age_on=START.date(), age=6 + 5 * i) for i in range(CHILDREN)]
    return adults, kids


def _add(record, areas, adults, kids, state) -> set[int]:
    """Create one generated record; return the Person ids it touches."""
    day, hour, (kind, a, c, d, e) = record
    when = START + timedelta(days=day, hours=hour)
    lpa = areas["BHM"] if a % 2 else areas["COV"]
    who = {adults[a].person_id}
    if kind == "incident":
        suspect = adults[c] if c >= 0 and c != a else None
        children = [kids[d]] if d >= 0 else []
        inc = b.make_incident(lpa, when, victim=adults[a], suspect=suspect, children=children)
        state["incidents"].append((inc, adults[a]))
        if e and suspect:  # a crime recorded from the incident, same arrival
            crime = b.make_crime(lpa, when + timedelta(hours=1), victim=adults[a],
                                 suspect=suspect, incident=inc)
            state["crimes"].append(crime)
        who |= {p.person_id for p in [suspect, *children] if p}
    elif kind == "crime":
        suspect = adults[c] if c != a else adults[(a + 1) % ADULTS]
        crime = b.make_crime(lpa, when, victim=adults[a], suspect=suspect, offence_group=d)
        if e:
            b.arrest(suspect, crime, when + timedelta(hours=3), disposal="bail",
                     released_at=when + timedelta(hours=9))
        who.add(suspect.person_id)
    elif kind == "assessment":
        incident = next((i for i, v in reversed(state["incidents"]) if v == adults[a]), None)
        base = b.assessment(adults[a], when, yes=c, incident=incident,
                            supervised_at=when + timedelta(hours=6) if e else None)
        if d and base.final_level < 3:
            base.final_level, base.judgement_reason = 3, "officer's judgement"
            base.save()
    elif kind == "referral":
        b.referral(adults[a], lpa, when.date(), heard_on=(when + timedelta(days=20)).date()
                   if c else None, status="heard" if c else "awaiting",
                   idva_on=when.date() if d else None)
    elif kind == "notice":
        b.order(adults[a], lpa, "DVPN" if c else "DAPN", served_at=when,
                hearing_at=when + timedelta(hours=30) if d else None)
    elif kind == "dvds":
        b.dvds(adults[a], adults[c], lpa, when,
               initial_checks_at=when + timedelta(hours=5) if d else None)
    return who


def _snapshot():
    tasks = {t.key: (t.status, t.due_at, t.person_id, t.completed_at, t.outcome)
             for t in Task.objects.all()}
    flags = {f.key: (f.person_id, f.expires_at, f.score, tuple(f.evidence))
             for f in Flag.objects.all()
             if f.raised_at <= AS_OF and (f.expires_at is None or f.expires_at > AS_OF)}
    return tasks, flags


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(records=history, chunk=st.integers(1, 4))
def test_incremental_equals_batch(areas, records, chunk):
    with transaction.atomic():
        adults, kids = _people()
        state = {"incidents": [], "crimes": []}
        for i in range(0, len(records), chunk):
            touched = set()
            for record in records[i:i + chunk]:
                touched |= _add(record, areas, adults, kids, state)
            engine.run(as_of=AS_OF, person_ids=touched, policy=POLICY)
        incremental = _snapshot()
        Task.objects.all().delete()
        Flag.objects.all().delete()
        engine.run(as_of=AS_OF, policy=POLICY)
        batch = _snapshot()
        transaction.set_rollback(True)
    assert incremental[0] == batch[0]
    assert incremental[1] == batch[1]


def test_import_signal_runs_the_rules_for_touched_persons(areas):
    from vigil.ingest.signals import records_imported

    victim = b.make_person("Vic")
    b.make_incident(areas["BHM"], b.at(2026, 3, 2, 22), victim=victim)
    records_imported.send(sender=None, person_ids={victim.person_id},
                          as_of=b.at(2026, 3, 2, 23))
    task = Task.objects.get(kind="ra_review")
    assert task.person_id == victim.person_id
    assert task.due_at == b.at(2026, 3, 3, 22)
