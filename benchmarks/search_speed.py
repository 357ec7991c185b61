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

The same searches run twice: as a force-wide DA desk officer, then as DA desk
officers of each LPA (client i is an officer of LPA i mod 7, so results are
scoped to that area). Every person is placed in an LPA (one incident per two
records, victim and suspect, LPAs weighted as in the synthetic force), so that
scope has something to narrow. Prints median, p95 and max latency, throughput
and CPU per search (client Python and its PostgreSQL backend) for the two side by
side, then per-kind medians and p95s.
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
    parser.add_argument("--scope", choices=("both", "force", "lpa"), default="both",
                        help="run force-wide, LPA-scoped or both (default) side by side")
    args = parser.parse_args(argv)
    if not os.environ.get("VIGIL_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set VIGIL_DATABASE_URL to a PostgreSQL database (it is emptied)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vigil.core.models import User
    from vigil.people.models import Person, SourceRecord

    call_command("migrate", interactive=False, verbosity=0)
    if not (args.reuse and SourceRecord.objects.count() >= args.persons):
        _load(args.persons)
    lpas = _place()
    if args.load_only:
        return 0
    user, _ = User.objects.get_or_create(username="bench-desk", defaults={"role": "da_desk"})
    area_users = [User.objects.get_or_create(username=f"bench-desk-{lpa.code}", defaults={
        "role": "da_desk", "area": lpa})[0] for lpa in lpas]
    persons = Person.objects.count()
    print(f"database: {connection.vendor}; persons: {persons:,}; clients: {args.clients} "
          f"processes; cores: {os.cpu_count()}; load: {os.getloadavg()[0]:.2f}", flush=True)
    rng = random.Random(1)
    sample = _sample_records(rng, args.clients * args.searches)
    plans = [[_query_for(rng, next(sample)) for _ in range(args.searches)]
             for _ in range(args.clients)]
    if args.profile:
        return _profile(area_users[0] if args.scope == "lpa" else user, plans[0])
    rounds = {}
    if args.scope in ("both", "force"):
        rounds["force-wide"] = _round([user] * args.clients, plans)
    if args.scope in ("both", "lpa"):
        rounds["LPA-scoped"] = _round(
            [area_users[i % len(area_users)] for i in range(args.clients)], plans)
    _report(rounds, persons, args.clients)
    return 0


def _round(users, plans) -> tuple[list[dict], float]:
    """One closed-loop run: client i searches plans[i] as users[i]; (results, wall s)."""
    from django.db import connections

    connections.close_all()  # children must open their own connections
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(len(plans) + 1), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(u, plan, barrier, results))
             for u, plan in zip(users, plans, strict=True)]
    for p in procs:
        p.start()
    barrier.wait()
    t = time.monotonic()
    done = [results.get() for _ in procs]
    wall = time.monotonic() - t
    for p in procs:
        p.join()
    return done, wall


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


def _place() -> list:
    """Put every benchmark person in an LPA (once): an incident per two source records,
    one the victim and the other the suspect, in LPAs weighted by their size. Returns
    the LPAs."""
    from django.db import connection

    from vigil.core.models import Area
    from vigil.incidents.models import Incident, IncidentParty
    from vigil.people.models import SourceRecord
    from vigil.synth import reference as R

    force, _ = Area.objects.get_or_create(code=R.FORCE_CODE, defaults={
        "name": R.FORCE_NAME, "kind": "force"})
    lpas = [Area.objects.get_or_create(code=lpa.code, defaults={
        "name": lpa.name, "kind": "lpa", "parent": force, "local_authority": lpa.name,
        "adult_women": lpa.adult_women})[0] for lpa in R.LPAS]
    if Incident.objects.filter(source_system="BENCH").exists():
        return lpas
    t = time.monotonic()
    # LPA by weight: a person's LPA is the first whose cumulative share passes their
    # position (a hash of the incident number, so LPAs are spread through the ids).
    total = sum(a.adult_women for a in lpas)
    bounds, acc = [], 0
    for a in lpas:
        acc += a.adult_women
        bounds.append(f"WHEN h < {acc / total:.6f} THEN {a.pk}")
    inc, party, sr = (Incident._meta.db_table, IncidentParty._meta.db_table,
                      SourceRecord._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {sr}")
        n = (cur.fetchone()[0] + 1) // 2
        cur.execute(
            f"INSERT INTO {inc} (source_system, source_id, version, created_at, updated_at, "
            "reference, reported_at, grade, lpa_id, location, postcode, narrative) "
            f"SELECT 'BENCH', 'I' || g, 1, now(), now(), 'BENCH-' || g, "
            "now() - (g % 1000) * interval '1 day', 'priority', "
            f"CASE {' '.join(bounds)} ELSE {lpas[-1].pk} END, '', '', '' "
            "FROM (SELECT g, ((g * 2654435761) % 1000003) / 1000003.0 AS h "
            f"FROM generate_series(1, {n}) g) x")
        cur.execute(
            f"INSERT INTO {party} (incident_id, person_id, role, relationship, present, "
            "home_educated) SELECT i.id, s.id, CASE WHEN s.rn % 2 = 0 THEN 'suspect' "
            "ELSE 'victim' END, '', true, false FROM (SELECT id, row_number() OVER "
            f"(ORDER BY id) AS rn FROM {sr}) s JOIN {inc} i ON i.source_system = 'BENCH' "
            "AND i.source_id = 'I' || ((s.rn + 1) / 2)")
        cur.execute("ANALYZE")
    print(f"setup: {n:,} incidents in {len(lpas)} LPAs placed in "
          f"{time.monotonic() - t:.0f} s", flush=True)
    return lpas


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


def _stats(done: list[dict], wall: float) -> dict:
    lat = [ms for d in done for _, ms in d["latencies"]]
    n = len(lat)
    by_kind: dict[str, list[float]] = {}
    for d in done:
        for kind, ms in d["latencies"]:
            by_kind.setdefault(kind, []).append(ms)
    return {
        "errors": [e for d in done for e in d["errors"]], "n": n, "wall": wall,
        "median": statistics.median(lat), "p95": _pct(lat, 0.95), "max": max(lat),
        "rate": n / wall, "py": sum(d["cpu"] for d in done) / n * 1000,
        "pg": sum(d["pg_cpu"] for d in done) / n * 1000,
        "kinds": {k: (statistics.median(v), _pct(v, 0.95), len(v)) for k, v in by_kind.items()},
    }


def _report(rounds: dict[str, tuple[list[dict], float]], persons: int, clients: int) -> None:
    stats = {name: _stats(*r) for name, r in rounds.items()}
    for name, s in stats.items():
        if s["errors"]:
            print(f"{name} errors: {len(s['errors'])}; first: {s['errors'][0]}")
    names = list(stats)
    print(f"search over {persons:,} persons, {clients} concurrent client processes "
          f"(target p95 < 100 ms); load now {os.getloadavg()[0]:.2f}", flush=True)
    print(f"  {'':<24}" + "".join(f"{n:>14}" for n in names))
    rows = [("searches", lambda s: f"{s['n']:,}"), ("wall s", lambda s: f"{s['wall']:.1f}"),
            ("searches/s", lambda s: f"{s['rate']:.0f}"),
            ("median ms", lambda s: f"{s['median']:.0f}"), ("p95 ms", lambda s: f"{s['p95']:.0f}"),
            ("max ms", lambda s: f"{s['max']:.0f}"),
            ("CPU ms Python", lambda s: f"{s['py']:.1f}"),
            ("CPU ms PostgreSQL", lambda s: f"{s['pg']:.1f}")]
    for label, cell in rows:
        print(f"  {label:<24}" + "".join(f"{cell(stats[n]):>14}" for n in names))
    print("  by kind, median / p95 ms:")
    for kind in sorted({k for s in stats.values() for k in s["kinds"]}):
        cells = []
        for n in names:
            med, p95, count = stats[n]["kinds"].get(kind, (float("nan"),) * 2 + (0,))
            cells.append(f"{med:5.0f} /{p95:5.0f}")
        print(f"    {kind:<22}" + "".join(f"{c:>14}" for c in cells))


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
