"""Court-orders search latency with C concurrent clients, and the time to build every
LPA's daily email, over 10 years of orders at full scale (PostgreSQL).

  VIGIL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \\
    .venv/bin/python benchmarks/orders_speed.py [--orders 80000 --clients 20 --searches 50]
  ... --reuse      time again without loading (the database already holds the orders)
  ... --in-process every client runs Django itself instead of calling the server

Full scale: West Midlands Police serve about 850 DVPNs a year (7 % of some 12,000
violent DA arrests, domain.md), most followed by a DVPO, and hold several thousand
non-molestation and restraining orders, SPOs and bail conditions at any time (seed
000 §5: 64 SPOs live, 37-52 breach arrests a month); about 8,000 orders a year, so
80,000 for ten years. Each order has a subject and one protected person (both source
records with a postcode), an LPA and a neighbourhood; one in eight is live today.

C clients, each a closed loop of the full page (GET /orders/search/?...: scope,
filters, count, the page of 25, audit row, template): live orders of an LPA, of a
neighbourhood, by the perpetrator's or the protected person's postcode, by type and
expiry. Half the clients are force-wide LPA commanders, half scoped to one LPA.

  (default)       as deployed: `vigil serve --production`'s gunicorn (2 x cores + 1
                  sync workers, docs/deploy.md) on a port of its own, and C HTTP
                  client processes, each signed in with a session of its own
  --workers N --threads T   the server set up otherwise (T > 1: threaded workers)
  --in-process    C processes each running Django itself (the test client), as C web
                  workers of one thread: far more processes than the deployment runs
                  on these cores, so each search costs more CPU (caches, switching)

Prints median, p95 and max latency and throughput, and the CPU a search costs (the
server's or the clients' Python and every PostgreSQL process's, read from /proc): the
machine is shared, and that figure does not depend much on what else runs. Target: p95
under 200 ms with 20 clients. Then builds every LPA's daily email (daily.build, no
sending) and prints the time. Target: under 10 s. Prints the load average with the
figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta

LPAS = ("BHM", "COV", "DUD", "SAN", "SOL", "WAL", "WOL")
WEIGHTS = (0.40, 0.13, 0.11, 0.11, 0.07, 0.09, 0.09)
TYPES = (("DVPN", 0.10), ("DVPO", 0.09), ("NMO", 0.30), ("RO", 0.25), ("ROA", 0.05),
         ("SPO", 0.06), ("ISPO", 0.03), ("DAPO", 0.02), ("IDAPO", 0.01), ("DAPN", 0.01))
# One in eight orders live today (notices only briefly).
LIVE_SHARE = 0.125


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ["VIGIL_OTP_ROLES"] = "none"  # signed in by the test client, no second factor
    import django

    django.setup()


def _load(n: int, seed: int = 7) -> None:
    from django.db import connection, transaction

    from vigil.core.models import Area
    from vigil.orders.models import LpaEmailRecipient, ProtectedPerson, ProtectiveOrder
    from vigil.people.models import Person, SourceRecord

    rnd = random.Random(seed)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE orders_protectedperson, orders_ordercondition, "
                    "orders_protectiveorder, people_sourcerecord, people_person CASCADE")
    force, _ = Area.objects.get_or_create(code="WMP", defaults={"name": "West Midlands Police",
                                                                "kind": "force"})
    lpas, hoods = {}, {}
    for code in LPAS:
        lpas[code], _ = Area.objects.get_or_create(code=code, defaults={
            "name": code.title(), "kind": "lpa", "parent": force})
        hoods[code] = [Area.objects.get_or_create(code=f"{code}-N{i}", defaults={
            "name": f"{code.title()} neighbourhood {i}", "kind": "neighbourhood",
            "parent": lpas[code]})[0] for i in range(8)]
        LpaEmailRecipient.objects.get_or_create(lpa=lpas[code], email=f"{code.lower()}@wmp.example",
                                                defaults={"name": f"{code} inspectors"})
    today = date.today()
    start = today - timedelta(days=3650)
    types, weights = zip(*TYPES, strict=True)
    t0 = time.perf_counter()
    batch = 10_000
    for first in range(0, n, batch):
        size = min(batch, n - first)
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                [Person(forename=f"F{first + i}", surname=f"S{first + i}")
                 for i in range(2 * size)])
            recs = SourceRecord.objects.bulk_create([SourceRecord(
                source_system="BENCH", source_id=f"P{first * 2 + i}", forename=p.forename,
                surname=p.surname, date_of_birth=date(1960 + rnd.randrange(40), 1, 1),
                postcode=f"{rnd.choice(('B', 'CV', 'DY', 'WS', 'WV'))}{rnd.randrange(1, 99)} "
                         f"{rnd.randrange(1, 9)}AA", person=p)
                for i, p in enumerate(persons)])
            orders = []
            for i in range(size):
                code = rnd.choices(LPAS, WEIGHTS)[0]
                kind = rnd.choices(types, weights)[0]
                live = rnd.random() < LIVE_SHARE
                if live:
                    begun = today - timedelta(days=rnd.randrange(1, 300))
                else:
                    begun = start + timedelta(days=rnd.randrange(3300))
                length = 2 if kind in ("DVPN", "DAPN") else rnd.choice((28, 180, 365, 730))
                ends = begun + timedelta(days=length)
                if live and ends < today:
                    ends = today + timedelta(days=rnd.randrange(1, 200))
                served = datetime(begun.year, begun.month, begun.day, 12).astimezone()
                orders.append(ProtectiveOrder(
                    source_system="BENCH", source_id=f"O{first + i}", order_type=kind,
                    subject=recs[2 * i], subject_age=30, lpa=lpas[code],
                    neighbourhood=rnd.choice(hoods[code]), served_at=served, starts_on=begun,
                    ends_on=None if kind in ("DVPN", "DAPN") else ends,
                    hearing_at=served + timedelta(days=2) if kind in ("DVPN", "DAPN") and not live
                    else None,
                    status="live" if live else "expired"))
            orders = ProtectiveOrder.objects.bulk_create(orders)
            ProtectedPerson.objects.bulk_create([ProtectedPerson(order=o, person=recs[2 * i + 1])
                                                 for i, o in enumerate(orders)])
    with connection.cursor() as cur:
        # As autovacuum would soon after a bulk insert: statistics and the visibility map
        # (index-only counts).
        cur.execute("VACUUM ANALYZE")
    print(f"loaded {n:,} orders in {time.perf_counter() - t0:.1f} s")


def _queries(rnd: random.Random, codes: list[str]) -> list[str]:
    code = rnd.choice(codes)
    soon = (date.today() + timedelta(days=rnd.randrange(7, 60))).isoformat()
    return [
        f"lpa={code}",
        f"neighbourhood={code}-N{rnd.randrange(8)}",
        f"subject_postcode={rnd.choice(('B', 'CV', 'DY', 'WS', 'WV'))}{rnd.randrange(1, 99)}",
        f"protected_postcode={rnd.choice(('B', 'CV', 'WV'))}{rnd.randrange(1, 99)}",
        f"order_type={rnd.choice(('NMO', 'RO', 'DVPO', 'SPO'))}&expires_by={soon}",
        f"lpa={code}&status=&order_type=DVPN",
    ]


def _user(i: int):
    """Client i's user: even clients force-wide, odd ones scoped to one LPA."""
    from vigil.core.models import Area, User

    scoped = i % 2 == 1
    code = LPAS[i % len(LPAS)]
    user, _ = User.objects.get_or_create(
        username=f"bench-cmd-{code if scoped else 'force'}",
        defaults={"role": "lpa_commander",
                  "area": Area.objects.get(code=code) if scoped else None})
    return user, ([code] if scoped else list(LPAS))


def _http_client(i: int, searches: int, port: int, cookie: str, codes: list[str], out,
                 start) -> None:
    """A browser's closed loop against the server, a connection a request: as through
    the TLS proxy, whose pool of upstream connections hands each request to whichever
    worker is free (one kept-alive connection a client would tie it to one worker)."""
    import http.client

    headers = {"Cookie": cookie, "Host": "127.0.0.1", "Connection": "close"}

    def get(path: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        assert r.status == 200 and b"Court-orders search" in body, (r.status, path)

    rnd = random.Random(i)
    get("/orders/search/")  # warm
    start.wait()
    times = []
    for n in range(searches):
        query = _queries(rnd, codes)[n % 6]
        t = time.perf_counter()
        get(f"/orders/search/?{query}")
        times.append(time.perf_counter() - t)
    out.put((times, 0.0))


def _serve(port: int, workers: int, threads: int):
    """The production server on `port`, as `vigil serve --production` starts it."""
    import subprocess
    import urllib.request

    from vigil.core.commands import gunicorn_argv

    env = {**os.environ, "VIGIL_OTP_ROLES": "none"}  # signed in without a second factor
    proc = subprocess.Popen(gunicorn_argv(f"127.0.0.1:{port}", workers, threads), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def _tree_cpu(root: int) -> float:
    """CPU seconds used so far by a process and its children (Linux /proc)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(pid) == root or int(fields[1]) == root:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _client(i: int, searches: int, out, start) -> None:
    _setup()
    from django.test import Client

    user, codes = _user(i)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rnd = random.Random(i)
    times = []
    client.get("/orders/search/")  # warm
    start.wait()  # every client set up: measure the searches, not 20 Django start-ups
    cpu = time.process_time()
    for n in range(searches):
        query = _queries(rnd, codes)[n % 6]
        t = time.perf_counter()
        r = client.get(f"/orders/search/?{query}")
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, (r.status_code, query)
    out.put((times, time.process_time() - cpu))


def _postgres_cpu() -> float | None:
    """CPU seconds used so far by every PostgreSQL process on this machine (Linux), so a
    search's cost is known whatever else the machine is doing; None elsewhere."""
    total, found = 0, False
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if stat[stat.find("(") + 1:stat.rfind(")")].startswith("postgres"):
            fields = stat[stat.rfind(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
            found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=80_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--searches", type=int, default=50, help="per client (50)")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--in-process", action="store_true",
                        help="each client runs Django itself (no server)")
    parser.add_argument("--port", type=int, default=8197, help="the server's port (8197)")
    parser.add_argument("--workers", type=int, default=0,
                        help="the server's workers (vigil serve's default: 2 x cores + 1)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads a worker (vigil serve's default, 1: sync workers)")
    args = parser.parse_args(argv)
    if not os.environ.get("VIGIL_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set VIGIL_DATABASE_URL to a PostgreSQL database (its orders and "
                         "people are emptied)")
    import secrets

    # One signing key for this process (which signs the clients in) and the server.
    os.environ.setdefault("VIGIL_SECRET_KEY", secrets.token_urlsafe(50))
    _setup()
    from django.core.management import call_command

    from vigil.orders import daily
    from vigil.orders.models import ProtectiveOrder

    call_command("migrate", interactive=False, verbosity=0)
    if not (args.reuse and ProtectiveOrder.objects.count() >= args.orders):
        _load(args.orders)
    from django.db import connections

    connections.close_all()
    print(f"{ProtectiveOrder.objects.count():,} orders, "
          f"{ProtectiveOrder.objects.filter(status='live').count():,} live")

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start = ctx.Barrier(args.clients + 1)
    server = None
    if args.in_process:
        procs = [ctx.Process(target=_client, args=(i, args.searches, queue, start))
                 for i in range(args.clients)]
        how = "each client running Django"
    else:
        from django.test import Client

        server = _serve(args.port, args.workers, args.threads)
        procs = []
        for i in range(args.clients):
            user, codes = _user(i)
            signed_in = Client()
            signed_in.force_login(user)  # a session of its own, as a browser's sign-in
            cookie = f"sessionid={signed_in.cookies['sessionid'].value}"
            procs.append(ctx.Process(target=_http_client, args=(
                i, args.searches, args.port, cookie, codes, queue, start)))
        how = (f"gunicorn, {args.workers or 'default'} workers of {args.threads} "
               f"thread{'s' * (args.threads > 1)}, HTTP clients")
        connections.close_all()
    load_before = os.getloadavg()
    for p in procs:
        p.start()
    start.wait()
    t0, pg0 = time.perf_counter(), _postgres_cpu()
    server0 = _tree_cpu(server.pid) if server else 0.0
    results = [queue.get() for _ in procs]
    wall = time.perf_counter() - t0
    pg = _postgres_cpu() - pg0 if pg0 is not None else None
    times = [t for ts, _ in results for t in ts]
    python_cpu = (_tree_cpu(server.pid) - server0 if server
                  else sum(c for _, c in results))
    for p in procs:
        p.join()
    if server:
        server.terminate()
        server.wait(timeout=60)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"court-orders search ({how}), {args.clients} clients x {args.searches}: "
          f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms, {len(times) / wall:.1f} searches/s "
          f"(target p95 < 200 ms)")
    if pg is not None:
        # The machine's cost of a search, whatever else runs beside it: what the clients'
        # Python and PostgreSQL spent, and the most searches a second the cores allow.
        per = (python_cpu + pg) / len(times)
        print(f"CPU a search: Python ({'server' if server else 'clients'}) "
              f"{python_cpu / len(times) * 1000:.1f} ms + PostgreSQL "
              f"{pg / len(times) * 1000:.1f} ms = {per * 1000:.1f} ms; at most "
              f"{os.cpu_count() / per:.0f} searches/s on {os.cpu_count()} cores")

    from django.utils import timezone

    t = time.perf_counter()
    emails = daily.build(timezone.now())
    took = time.perf_counter() - t
    print(f"daily emails: {len(emails)} LPAs, {sum(e.live for e in emails):,} live orders, "
          f"{sum(len(e.body) for e in emails) / 1024:.0f} KiB built in {took:.2f} s "
          f"(target < 10 s)")
    print("load average (1, 5, 15 min): before the search {:.1f} {:.1f} {:.1f}; at the end "
          "{:.1f} {:.1f} {:.1f} ({} cores)".format(*load_before, *os.getloadavg(),
                                                   os.cpu_count()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
