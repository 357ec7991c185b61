"""Print how long a 16-case MARAC agenda and the coordinator's view take at full scale.

    .venv/bin/python benchmarks/marac_speed.py [--scale 1.0] [--years 3] [--runs 10]
        [--pg-url postgres://postgres@127.0.0.1:5432/scratch]

Builds, on a fresh embedded SQLite database in a temporary directory (or the given
PostgreSQL database, whose tables are flushed), the MARAC records of a force the size
of West Midlands (scale 1.0: about 5,000 referrals a year over seven LPAs, Birmingham
the largest), each victim with two incidents (a child in one), a DASH, a live order for
one in five, fortnightly meetings sized to the volume, and two to three actions per
heard case. Then times, through Django's test client (server-side, rendering
included):

- agenda: the research for a 16-case meeting (queries.agenda), the agenda page, and
  the agenda PDF (WeasyPrint); target under 1 s;
- coordinator: Birmingham's coordinator's view; target under 300 ms.

Report the machine's load (`uptime`) with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench_django import client_for, load, start_django, timed

LONDON = ZoneInfo("Europe/London")
WEIGHTS = {"BHM": 0.40, "COV": 0.12, "DUD": 0.10, "SAN": 0.11, "SOL": 0.06, "WAL": 0.10,
           "WOL": 0.11}


def build(areas, scale: float, years: int, today: date, rng: random.Random) -> dict:
    from vigil.incidents.models import Incident, IncidentParty
    from vigil.marac.models import MaracAction, MaracMeeting, MaracReferral
    from vigil.orders.models import ProtectedPerson, ProtectiveOrder
    from vigil.people.models import Person, SourceRecord
    from vigil.risk.models import RiskAssessment

    per_year = int(5000 * scale)
    n = per_year * years
    start = today - timedelta(days=365 * years)
    persons = Person.objects.bulk_create(
        [Person(forename=f"V{i}", surname=f"Victim{i}", date_of_birth=date(1985, 1, 1))
         for i in range(n)] +
        [Person(forename=f"C{i}", surname=f"Child{i}", date_of_birth=date(2018, 1, 1))
         for i in range(n // 2)], batch_size=2000)
    srs = SourceRecord.objects.bulk_create(
        [SourceRecord(source_system="MARAC", source_id=f"V{i}", forename=p.forename,
                      surname=p.surname, date_of_birth=p.date_of_birth, person=p)
         for i, p in enumerate(persons)], batch_size=2000)
    vsr, csr = srs[:n], srs[n:]
    codes = list(WEIGHTS)
    lpa_of = [rng.choices(codes, weights=list(WEIGHTS.values()))[0] for _ in range(n)]
    referred = sorted(start + timedelta(days=rng.randrange(365 * years)) for _ in range(n))
    # Meetings fortnightly per LPA, capacity sized to the volume (16 at least).
    meetings = {}
    for code in codes:
        per_meeting = max(16, int(per_year * WEIGHTS[code] / 26 * 1.3))
        day = start
        while day <= today + timedelta(days=60):
            meetings[(code, day)] = MaracMeeting(source_system="MARAC",
                                                 source_id=f"M{code}{day:%Y%m%d}",
                                                 lpa=areas[code], held_on=day,
                                                 capacity=per_meeting)
            day += timedelta(days=14)
    MaracMeeting.objects.bulk_create(meetings.values(), batch_size=2000)
    by_lpa = {c: sorted(d for (cc, d) in meetings if cc == c) for c in codes}
    incidents, parties, risks = [], [], []
    for i in range(n):
        for k in range(2):
            at = datetime.combine(referred[i] - timedelta(days=40 * k + 2),
                                  datetime.min.time(), tzinfo=LONDON)
            incidents.append(Incident(source_system="CONTROL", source_id=f"I{i}-{k}",
                                      reference=f"LOG-{i}-{k}", reported_at=at,
                                      grade="priority", lpa=areas[lpa_of[i]]))
    Incident.objects.bulk_create(incidents, batch_size=2000)
    for i in range(n):
        parties.append(IncidentParty(incident=incidents[2 * i], person=vsr[i], role="victim"))
        parties.append(IncidentParty(incident=incidents[2 * i + 1], person=vsr[i],
                                     role="victim"))
        if i % 2 == 0:
            parties.append(IncidentParty(incident=incidents[2 * i], person=csr[i // 2],
                                         role="child"))
        risks.append(RiskAssessment(
            source_system="DASH", source_id=f"RA{i}", instrument="DASH27", victim=vsr[i],
            incident=incidents[2 * i], assessed_at=incidents[2 * i].reported_at,
            officer="PC", yes_count=15, actuarial_level=3, officer_level=3, final_level=3,
            final_set_by="DS"))
    IncidentParty.objects.bulk_create(parties, batch_size=2000)
    RiskAssessment.objects.bulk_create(risks, batch_size=2000)
    orders = [ProtectiveOrder(source_system="CONNECT", source_id=f"O{i}", order_type="DVPO",
                              subject=vsr[(i + 1) % n], lpa=areas[lpa_of[i]], status="live",
                              starts_on=referred[i], ends_on=today + timedelta(days=20))
              for i in range(0, n, 5)]
    ProtectiveOrder.objects.bulk_create(orders, batch_size=2000)
    ProtectedPerson.objects.bulk_create(
        [ProtectedPerson(order=o, person=vsr[5 * j]) for j, o in enumerate(orders)],
        batch_size=2000)
    used: dict = {}
    refs = []
    for i in range(n):
        code, on = lpa_of[i], referred[i]
        meeting = None
        for day in by_lpa[code]:
            if day >= on + timedelta(days=7):
                m = meetings[(code, day)]
                if used.get(m.pk, 0) < m.capacity:
                    used[m.pk] = used.get(m.pk, 0) + 1
                    meeting = m
                break
        heard = meeting.held_on if meeting and meeting.held_on <= today else None
        refs.append(MaracReferral(
            source_system="MARAC", source_id=f"R{i}", victim=vsr[i], lpa=areas[code],
            referred_on=on, visible_high_risk=True, repeat_referral=rng.random() < 0.3,
            idva_referred_on=on, status="heard" if heard else "awaiting", meeting=meeting,
            heard_on=heard, sharing_basis=rng.choice(["consent", "consent", "risk_of_harm"])))
    MaracReferral.objects.bulk_create(refs, batch_size=2000)
    actions = []
    for r in refs:
        if r.heard_on:
            for k in range(rng.randint(2, 3)):
                due = r.heard_on + timedelta(days=rng.randint(7, 28))
                done = due - timedelta(days=2) if due < today and rng.random() < 0.85 else None
                actions.append(MaracAction(source_system="MARAC", source_id=f"A{r.source_id}-{k}",
                                           referral=r, agency="Police", owner="A. Khan",
                                           description="Flag the address", due_on=due,
                                           completed_on=done))
    MaracAction.objects.bulk_create(actions, batch_size=2000)
    # A 16-case meeting for the agenda: Birmingham's next one, holding 16 new referrals of
    # victims with a history here (their earlier referrals are their previous MARACs).
    nxt = next(meetings[("BHM", d)] for d in by_lpa["BHM"] if d >= today)
    MaracReferral.objects.filter(meeting=nxt).update(meeting=None, status="awaiting",
                                                     heard_on=None)
    bhm = [i for i in range(n) if lpa_of[i] == "BHM"]
    MaracReferral.objects.bulk_create([MaracReferral(
        source_system="MARAC", source_id=f"R-next-{j}", victim=vsr[i], lpa=areas["BHM"],
        referred_on=min(today, nxt.held_on) - timedelta(days=5), visible_high_risk=True,
        idva_referred_on=today, status="awaiting", meeting=nxt,
        sharing_basis="consent" if j % 3 else "risk_of_harm")
        for j, i in enumerate(rng.sample(bhm, 16))])
    return {"referrals": n, "meetings": len(meetings), "actions": len(actions),
            "incidents": len(incidents), "agenda_meeting": nxt}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()

    start_django(args.pg_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests import factories
    from vigil.marac import queries

    areas = factories.make_areas()
    today = timezone.localdate()
    t0 = time.perf_counter()
    built = build(areas, args.scale, args.years, today, random.Random(11))
    meeting = built["agenda_meeting"]
    print(f"engine={connection.vendor} scale={args.scale} years={args.years} "
          f"referrals={built['referrals']} meetings={built['meetings']} "
          f"actions={built['actions']} incidents={built['incidents']} "
          f"built in {time.perf_counter() - t0:.0f} s; runs={args.runs} (median / p95 ms)")
    client = client_for(factories.make_user(role="marac_coordinator", area=areas["BHM"]))

    def agenda():
        return queries.agenda(meeting, today=today)

    med, p95, cpu, out = timed(agenda, args.runs)
    with CaptureQueriesContext(connection) as q:
        agenda()
    print(f"agenda research ({len(out.cases)} cases)   median={med:7.1f} p95={p95:7.1f} "
          f"cpu={cpu:7.1f} queries={len(q.captured_queries)}")
    for label, url in (("agenda page", f"/marac/meetings/{meeting.pk}/"),
                       ("agenda PDF", f"/marac/meetings/{meeting.pk}/agenda.pdf"),
                       ("coordinator's view", "/marac/?lpa=BHM")):
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        med, p95, cpu, _ = timed(get, args.runs)
        with CaptureQueriesContext(connection) as q:
            get()
        target = {"agenda PDF": " (target < 1000)",
                  "coordinator's view": " (target < 300)"}.get(label, "")
        print(f"{label:<29} median={med:7.1f} p95={p95:7.1f} cpu={cpu:7.1f} "
              f"queries={len(q.captured_queries)}{target}")
    print(load())


if __name__ == "__main__":
    main()
