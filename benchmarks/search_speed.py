"""Search latency over N persons with C concurrent clients (PostgreSQL).

  VIGIL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
    .venv/bin/python benchmarks/search_speed.py --persons 1000000 --clients 20

Loads N noisy source records, one person each (the state before linkage, so
there are N persons to search), with their linkage keys; then C threads, each
with its own database connection, run a mix of searches a DA desk makes: name
(exact, typo, nickname), name + date of birth, partial date of birth + name,
phone, postcode + name, address. Each search is the full service call: scoped
by role, ranked, enriched with roles/risk/orders/MARAC, and audited.
--reuse skips loading when the database already holds the persons; --load-only
loads and stops.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--searches", type=int, default=100, help="per client (100)")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--load-only", action="store_true",
                        help="load the persons and stop (then time with --reuse)")
    args = parser.parse_args(argv)
    if not os.environ.get("VIGIL_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set VIGIL_DATABASE_URL to a PostgreSQL database (it is emptied)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from linkage_speed import load

    from vigil.core.models import User
    from vigil.people.linkage import keys, testdata
    from vigil.people.models import Person, SourceRecord
    from vigil.people.search import SearchQuery, search

    call_command("migrate", interactive=False, verbosity=0)
    people = int(args.persons / 1.8)
    records, _ = testdata.generate(people, "low", seed=99)
    records = records[:args.persons]
    if not (args.reuse and SourceRecord.objects.count() >= args.persons):
        t = time.monotonic()
        call_command("flush", interactive=False, verbosity=0)
        load(records, Person, SourceRecord)
        keys.refresh_missing()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"setup: {len(records):,} persons loaded in {time.monotonic() - t:.0f} s",
              flush=True)
    if args.load_only:
        return 0
    user, _ = User.objects.get_or_create(username="bench-desk", defaults={"role": "da_desk"})
    print(f"database: {connection.vendor}; persons: {Person.objects.count():,}; "
          f"clients: {args.clients}; cores: {os.cpu_count()}", flush=True)

    rng = random.Random(1)
    nick = {"william": "Bill", "robert": "Bob", "elizabeth": "Liz", "katherine": "Kate",
            "thomas": "Tom", "michael": "Mike", "james": "Jim", "margaret": "Maggie"}

    def query_for(r: dict) -> SearchQuery:
        kind = rng.randrange(7)
        name = f"{r['forename']} {r['surname']}"
        dob = r["date_of_birth"]
        if kind == 0:
            return SearchQuery(name=name)
        if kind == 1:
            typo = r["surname"][:-2] + r["surname"][-1:] + r["surname"][-2:-1]
            return SearchQuery(name=f"{nick.get(r['forename'].lower(), r['forename'])} {typo}")
        if kind == 2 and dob:
            return SearchQuery(name=name, dob=f"{dob:%d/%m/%Y}")
        if kind == 3 and dob:
            return SearchQuery(name=r["surname"], dob=f"{dob:%Y}")
        if kind == 4 and r["phone"]:
            return SearchQuery(phone=r["phone"])
        if kind == 5 and r["postcode"]:
            return SearchQuery(name=r["surname"], postcode=r["postcode"])
        if r["address"]:
            return SearchQuery(address=r["address"])
        return SearchQuery(name=name)

    plans = [[query_for(rng.choice(records)) for _ in range(args.searches)]
             for _ in range(args.clients)]
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []

    def client(plan):
        from django.db import connections

        mine = []
        try:
            for q in plan:
                t0 = time.perf_counter()
                search(user, q, as_of=timezone.now(), context="benchmark")
                mine.append((time.perf_counter() - t0) * 1000)
        except Exception as exc:  # reported below; a benchmark must not hang
            errors.append(repr(exc))
        finally:
            connections.close_all()
        with lock:
            latencies.extend(mine)

    # Warm-up: each thread's first search builds caches (nicknames, connection).
    client([plans[0][0]])
    latencies.clear()
    threads = [threading.Thread(target=client, args=(p,)) for p in plans]
    t = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.monotonic() - t
    if errors:
        print(f"errors: {len(errors)}; first: {errors[0]}")
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"search over {Person.objects.count():,} persons, {args.clients} concurrent clients, "
          f"{len(ordered):,} searches in {wall:.1f} s ({len(ordered) / wall:.0f}/s): "
          f"median {statistics.median(ordered):.0f} ms, p95 {p95:.0f} ms "
          f"(target p95 < 100 ms), max {ordered[-1]:.0f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
