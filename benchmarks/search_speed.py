"""Search latency over N persons with C concurrent client processes (PostgreSQL).

  VIGIL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
    .venv/bin/python benchmarks/search_speed.py --persons 1000000 --load-only
  VIGIL_DATABASE_URL=... .venv/bin/python benchmarks/search_speed.py --reuse --clients 20

Loads N noisy source records, one person each (the state before linkage, so
there are N persons to search), with their linkage keys. Then C client
*processes* (like C web workers: each its own interpreter and database
connection) each run a closed loop of searches a DA desk makes: name (exact,
typo, nickname), name + date of birth, partial date of birth + name, phone,
postcode + name, address. Each search is the full service call: scoped by role,
ranked, enriched with roles/risk/orders/MARAC, and audited. The search terms
come from records sampled from the database, so --reuse needs no generation.

Prints median, p95 and max latency, throughput, per-kind medians, and the CPU
each search cost in the client (Python) and in its PostgreSQL backend.
--clients 1 --profile prints a cProfile (CPU time) of one client's searches instead
(SORT=tottime in the environment to sort by each function's own time).
--reuse skips loading when the database already holds the persons; --load-only
loads and stops.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

NICK = {"william": "Bill", "robert": "Bob", "elizabeth": "Liz", "katherine": "Kate",
        "thomas": "Tom", "michael": "Mike", "james": "Jim", "margaret": "Maggie"}
KINDS = ("name", "nickname+typo", "name+dob", "surname+year", "phone", "surname+postcode",
         "address")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--searches", type=int, default=100, help="per client (100)")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--load-only", action="store_true",
                        help="load the persons and stop (then time with --reuse)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile one client's searches (run with --clients 1)")
    args = parser.parse_args(argv)
    if not os.environ.get("VIGIL_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set VIGIL_DATABASE_URL to a PostgreSQL database (it is emptied)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from vigil.core.models import User
    from vigil.people.models import Person, SourceRecord

    call_command("migrate", interactive=False, verbosity=0)
    if not (args.reuse and SourceRecord.objects.count() >= args.persons):
        _load(args.persons)
    if args.load_only:
        return 0
    user, _ = User.objects.get_or_create(username="bench-desk", defaults={"role": "da_desk"})
    persons = Person.objects.count()
    print(f"database: {connection.vendor}; persons: {persons:,}; clients: {args.clients} "
          f"processes; cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f}", flush=True)
    rng = random.Random(1)
    sample = _sample_records(rng, args.clients * args.searches)
    plans = [[_query_for(rng, next(sample)) for _ in range(args.searches)]
             for _ in range(args.clients)]
    if args.profile:
        return _profile(user, plans[0])
    connections.close_all()  # children must open their own connections
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(args.clients + 1), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(user, plan, barrier, results)) for plan in plans]
    for p in procs:
        p.start()
    barrier.wait()
    t = time.monotonic()
    done = [results.get() for _ in procs]
    wall = time.monotonic() - t
    for p in procs:
        p.join()
    _report(done, wall, persons, args.clients)
    return 0


def _load(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from linkage_speed import load

    from vigil.people.linkage import keys, testdata
    from vigil.people.models import Person, SourceRecord

    t = time.monotonic()
    records, _ = testdata.generate(int(n / 1.8), "low", seed=99)
    call_command("flush", interactive=False, verbosity=0)
    load(records[:n], Person, SourceRecord)
    keys.refresh_missing()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"setup: {min(n, len(records)):,} persons loaded in {time.monotonic() - t:.0f} s",
          flush=True)


def _sample_records(rng: random.Random, n: int):
    """Source records picked at random by id (their fields are the search terms)."""
    from vigil.people.models import SourceRecord

    top = SourceRecord.objects.order_by("-id").values_list("id", flat=True).first()
    ids = [rng.randint(1, top) for _ in range(n * 2)]
    fields = ("forename", "surname", "date_of_birth", "phone", "postcode", "address")
    rows = {r["id"]: r for r in SourceRecord.objects.filter(id__in=ids).values("id", *fields)}
    while True:
        for i in ids:
            if i in rows:
                yield rows[i]


def _query_for(rng: random.Random, r: dict):
    from vigil.people.search import SearchQuery

    kind = rng.randrange(7)
    name = f"{r['forename']} {r['surname']}"
    dob = r["date_of_birth"]
    if kind == 1:
        s = r["surname"]
        typo = s[:-2] + s[-1:] + s[-2:-1]
        return KINDS[1], SearchQuery(name=f"{NICK.get(r['forename'].lower(), r['forename'])} "
                                          f"{typo}")
    if kind == 2 and dob:
        return KINDS[2], SearchQuery(name=name, dob=f"{dob:%d/%m/%Y}")
    if kind == 3 and dob:
        return KINDS[3], SearchQuery(name=r["surname"], dob=f"{dob:%Y}")
    if kind == 4 and r["phone"]:
        return KINDS[4], SearchQuery(phone=r["phone"])
    if kind == 5 and r["postcode"]:
        return KINDS[5], SearchQuery(name=r["surname"], postcode=r["postcode"])
    if kind == 6 and r["address"]:
        return KINDS[6], SearchQuery(address=r["address"])
    return KINDS[0], SearchQuery(name=name)


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds of the PostgreSQL backend serving us (same machine only)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _client(user, plan, barrier, results) -> None:
    from django.db import connection
    from django.utils import timezone

    from vigil.people.search import search

    out = {"latencies": [], "errors": [], "cpu": 0.0, "pg_cpu": 0.0, "by_kind": {}}
    try:
        search(user, plan[0][1], as_of=timezone.now(), context="benchmark")  # warm-up
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            backend = cur.fetchone()[0]
    except Exception as exc:  # reported by the parent; a benchmark must not hang
        out["errors"].append(repr(exc))
        backend = None
    barrier.wait()
    cpu, pg_cpu = time.process_time(), _backend_cpu(backend)
    for kind, q in plan:
        t0, c0, p0 = time.perf_counter(), time.process_time(), _backend_cpu(backend)
        try:
            search(user, q, as_of=timezone.now(), context="benchmark")
        except Exception as exc:
            out["errors"].append(repr(exc))
            continue
        out["latencies"].append((kind, (time.perf_counter() - t0) * 1000))
        # CPU by kind (clock ticks are 10 ms: only the sums over many searches mean much).
        mine = out["by_kind"].setdefault(kind, [0.0, 0.0])
        mine[0] += time.process_time() - c0
        mine[1] += _backend_cpu(backend) - p0
    out["cpu"] = time.process_time() - cpu
    out["pg_cpu"] = _backend_cpu(backend) - pg_cpu
    connection.close()
    results.put(out)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def _report(done: list[dict], wall: float, persons: int, clients: int) -> None:
    errors = [e for d in done for e in d["errors"]]
    if errors:
        print(f"errors: {len(errors)}; first: {errors[0]}")
    lat = [ms for d in done for _, ms in d["latencies"]]
    n = len(lat)
    print(f"search over {persons:,} persons, {clients} concurrent client processes, "
          f"{n:,} searches in {wall:.1f} s ({n / wall:.0f}/s): median "
          f"{statistics.median(lat):.0f} ms, p95 {_pct(lat, 0.95):.0f} ms (target p95 < 100 ms), "
          f"max {max(lat):.0f} ms", flush=True)
    cpu = sum(d["cpu"] for d in done) / n * 1000
    pg = sum(d["pg_cpu"] for d in done) / n * 1000
    print(f"  CPU per search: {cpu:.1f} ms Python + {pg:.1f} ms PostgreSQL backend "
          f"(load now {os.getloadavg()[0]:.2f})")
    by_kind: dict[str, list[float]] = {}
    cpu_kind: dict[str, list[float]] = {}
    for d in done:
        for kind, ms in d["latencies"]:
            by_kind.setdefault(kind, []).append(ms)
        for kind, (py, pg) in d["by_kind"].items():
            total = cpu_kind.setdefault(kind, [0.0, 0.0])
            total[0] += py
            total[1] += pg
    print("  by kind: median/p95 ms; CPU ms per search, Python+PostgreSQL")
    for k, v in sorted(by_kind.items()):
        py, pg = (x / len(v) * 1000 for x in cpu_kind.get(k, (0.0, 0.0)))
        print(f"    {k:<17} {statistics.median(v):5.0f} /{_pct(v, 0.95):5.0f}   "
              f"{py:4.1f} + {pg:4.1f}   (n={len(v)})")


def _profile(user, plan) -> int:
    import cProfile
    import pstats

    from django.utils import timezone

    from vigil.people.search import search

    search(user, plan[0][1], as_of=timezone.now(), context="benchmark")
    prof = cProfile.Profile(time.process_time)  # CPU only: waiting for the database is not ours
    t = time.perf_counter()
    prof.enable()
    for _kind, q in plan:
        search(user, q, as_of=timezone.now(), context="benchmark")
    prof.disable()
    print(f"{len(plan)} searches one at a time: {(time.perf_counter() - t) / len(plan) * 1000:.1f}"
          " ms each (wall, profiled)")
    pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
