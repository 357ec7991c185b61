"""Print how long the person and incident pages take, and how many queries they make.

    .venv/bin/python benchmarks/person_page_speed.py [--histories 1,10,50] [--runs 30]
        [--pg-url postgres://postgres@127.0.0.1:5432/scratch]

Builds, on a fresh embedded SQLite database in a temporary directory (or the given
PostgreSQL database, whose tables are flushed), a victim known to two source
systems with a history of N episodes (each: an incident, a crime with an outcome,
a DASH assessment, a protective order with two conditions, an arrest with bail,
a MARAC referral and a Victims' Code record), then times the person page, the
page of one incident and the page of one order through Django's test client
(server-side time, rendering included). The query count should not move with N.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from bench_django import client_for, load, start_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", default="1,10,50")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()

    start_django(args.pg_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories
    from tests.web import builders

    areas = factories.make_areas()
    client = client_for(factories.make_user(role="da_desk", area=areas["BHM"]))
    engine = connection.vendor
    print(f"engine={engine} runs={args.runs} (median / p95 ms, queries)")
    for n in [int(x) for x in args.histories.split(",")]:
        person, control, connect, suspect, records = builders.victim_with_history(areas)
        for i in range(n):
            when = factories.at(2020 + i // 12, 1 + i % 12, 3)
            inc = factories.make_incident(areas["BHM"], when, victim=control, suspect=suspect)
            crime = factories.make_crime(areas["BHM"], when, victim=connect, suspect=suspect,
                                         incident=inc)
            builders.make_outcome(crime)
            builders.make_risk(connect, when, incident=inc, crime=crime)
            builders.make_order(suspect, areas["BHM"], when, protected=[connect],
                                conditions=["No contact", "Exclusion zone"])
            builders.make_arrest(suspect, crime, when)
            builders.make_marac(connect, areas["BHM"], date(when.year, when.month, 5))
            builders.make_victim_care(connect, crime, when)
        for label, url in (("person", f"/people/{person.pk}/"),
                           ("incident", f"/incidents/{records['incidents'][1].pk}/"),
                           ("order", f"/orders/{records['order'].pk}/")):
            client.get(url)
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
            times.sort()
            entries = len(response.context["view"].timeline) if label == "person" else "-"
            print(f"history={n:>3} {label:<8} median={statistics.median(times):7.1f} "
                  f"p95={times[int(0.95 * (len(times) - 1))]:7.1f} "
                  f"queries={len(queries.captured_queries)} timeline_entries={entries}")
    print(load())


if __name__ == "__main__":
    main()
