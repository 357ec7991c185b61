"""Speed of the safeguarding rules at full scale: batch over 10 years, incremental per incident.

  .venv/bin/python benchmarks/rules_speed.py [--data-dir /tmp/vigil-rules-bench]
        [--base-scale 0.1] [--lanes 10] [--years 10] [--samples 50] [--pg-url URL]

Builds the store once (kept in --data-dir for re-runs):
1. `vigil generate --years 1 --scale BASE` and `vigil import`: one realistic year.
2. Replicates it in SQL to full scale: `lanes` copies of the population (new persons)
   times `years` copies of the year shifted back a year at a time, so each person
   has a ten-year history. With the defaults: 10 x 10 x 0.1 x ~70,000 = ~700,000
   incidents, the size of ten years of West Midlands Police.

Then prints:
- the batch time of `vigil rules` from empty (target < 60 s on 2 cores) and of the
  idempotent re-run;
- the median time to evaluate the rules for the persons of one new incident
  (target < 50 ms), over --samples new incidents on persons with long histories;
- the peak memory of the process (target < 4 GB).

The embedded SQLite store, and with --pg-url the same store built on PostgreSQL too
(that database's public schema is DROPPED and rebuilt on the first run; it is kept for
re-runs like the SQLite file): each database runs in a process of its own, one after
the other, and prints its figures. Each new incident is rolled back after timing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
ROOT = Path(__file__).resolve().parent.parent
VIGIL = str(ROOT / ".venv" / "bin" / "vigil")

ID_STEP = 10_000_000  # id offset per copy; the base year has far fewer rows per table
PERSON_MODELS = ("people.Person", "people.SourceRecord")
EVENT_MODELS = (
    "incidents.Incident", "incidents.IncidentParty", "incidents.Crime", "incidents.CrimeParty",
    "incidents.Outcome", "incidents.Arrest", "incidents.Bail", "risk.RiskAssessment",
    "marac.MaracReferral", "orders.ProtectiveOrder", "orders.ProtectedPerson",
    "orders.OrderCheck", "encompass.EncompassNotification", "disclosure.DvdsApplication",
    "victims.VictimCare", "victims.VictimUpdate",
)
LANE_MODELS = PERSON_MODELS + ("people.Vulnerability",)


def build(data_dir: Path, base_scale: float, lanes: int, years: int) -> None:
    base = data_dir.parent / "base" if _pg() else data_dir / "base"
    env = dict(os.environ, VIGIL_DATA_DIR=str(data_dir))
    if not (base / "incidents.csv").exists():
        subprocess.run([VIGIL, "generate", str(base), "--years", "1", "--scale",
                        str(base_scale), "--quiet"], check=True, env=env)
    subprocess.run([VIGIL, "migrate"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([VIGIL, "import", str(base), "--no-progress"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    _setup(data_dir)
    replicate(lanes, years)


def _pg() -> bool:
    return os.environ.get("VIGIL_DATABASE_URL", "").startswith("postgres")


def _built(data_dir: Path) -> bool:
    if not _pg():
        return (data_dir / "vigil.sqlite3").exists()
    import psycopg

    url = os.environ["VIGIL_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as con:
        if con.execute("SELECT to_regclass('incidents_incident')").fetchone()[0]:
            return True
        con.execute("DROP SCHEMA public CASCADE")
        con.execute("CREATE SCHEMA public")
    return False


def _setup(data_dir: Path) -> None:
    os.environ["VIGIL_DATA_DIR"] = str(data_dir)
    import django

    django.setup()


def _columns(model, lane: int, copy: int, shift_years: int) -> tuple[str, str]:
    """(column list, SELECT expressions) copying one model's rows into a new copy."""
    from django.db import models

    pg = _pg()
    label = model._meta.label
    names, exprs = [], []
    for f in model._meta.concrete_fields:
        col = f.column
        names.append(col)
        if f.primary_key:
            off = lane if label in LANE_MODELS else copy
            exprs.append(f"{col} + {off * ID_STEP}")
        elif isinstance(f, models.ForeignKey):
            target = f.related_model._meta.label
            if target in LANE_MODELS:
                exprs.append(f"{col} + {lane * ID_STEP}")
            elif target in EVENT_MODELS:
                exprs.append(f"{col} + {copy * ID_STEP}")
            else:
                exprs.append(col)
        elif isinstance(f, models.DateTimeField) and shift_years:
            exprs.append(f"{col} - interval '{shift_years} years'" if pg
                         else f"datetime({col}, '-{shift_years} years')")
        elif isinstance(f, models.DateField) and shift_years:
            exprs.append(f"CAST({col} - interval '{shift_years} years' AS date)" if pg
                         else f"date({col}, '-{shift_years} years')")
        elif col == "source_id":
            exprs.append(f"{col} || '-{lane}-{copy}'")
        else:
            exprs.append(col)
    return ", ".join(names), ", ".join(exprs)


def replicate(lanes: int, years: int) -> None:
    from django.apps import apps
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM incidents_incident")
        if cur.fetchone()[0] > 100_000:
            return
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        # Copies refer to copies made in the same statement order: no checks while copying.
        cur.execute("SET LOCAL session_replication_role = replica" if _pg()
                    else "PRAGMA foreign_keys = OFF")
        for lane in range(lanes):
            for label in LANE_MODELS:
                if lane == 0:
                    continue
                model = apps.get_model(label)
                cols, exprs = _columns(model, lane, 0, 0)
                cur.execute(f"INSERT INTO {model._meta.db_table} ({cols}) SELECT {exprs} "
                            f"FROM {model._meta.db_table} WHERE id < {ID_STEP}")
            for year in range(years):
                copy = lane * years + year
                if copy == 0:
                    continue
                for label in EVENT_MODELS:
                    model = apps.get_model(label)
                    cols, exprs = _columns(model, lane, copy, year)
                    cur.execute(f"INSERT INTO {model._meta.db_table} ({cols}) SELECT {exprs} "
                                f"FROM {model._meta.db_table} WHERE id < {ID_STEP}")
    with connection.cursor() as cur:
        if _pg():  # rows were written with explicit ids: move the id sequences past them
            for label in LANE_MODELS + EVENT_MODELS:
                table = apps.get_model(label)._meta.db_table
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT MAX(id) FROM {table}))")
        cur.execute("ANALYZE")
    print(f"replicated to {lanes} lanes x {years} years in {time.perf_counter() - t0:.0f} s",
          flush=True)


def _counts() -> str:
    from django.db import connection

    out = []
    with connection.cursor() as cur:
        for table in ("incidents_incident", "incidents_crime", "people_person",
                      "risk_riskassessment", "orders_protectiveorder"):
            cur.execute(f"SELECT COUNT(*) FROM {table}")
            out.append(f"{table.split('_', 1)[1]} {cur.fetchone()[0]:,}")
    return ", ".join(out)


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: on a shared machine the
    wall time depends on the neighbours, the CPU time much less."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench(samples: int) -> None:
    from datetime import timedelta

    from django.db import connection, transaction

    from vigil.core.calendar import LONDON
    from vigil.incidents.models import Incident, IncidentParty
    from vigil.people.models import SourceRecord
    from vigil.safeguarding import engine
    from vigil.safeguarding.models import Flag, Task

    with connection.cursor() as cur:
        cur.execute("SELECT MAX(reported_at) FROM incidents_incident")
        latest = cur.fetchone()[0]
    from vigil.safeguarding.history import _dt

    as_of = _dt(latest).astimezone(LONDON) + timedelta(hours=1)
    print(f"store: {_counts()}; as of {as_of:%Y-%m-%d %H:%M}", flush=True)

    Task.objects.all().delete()
    Flag.objects.all().delete()
    t0, c0 = time.perf_counter(), _cpu()
    stats = engine.run(as_of=as_of, actor="benchmark")
    batch, cpu = time.perf_counter() - t0, _cpu() - c0
    print(f"batch from empty: {batch:.1f} s wall, {cpu:.1f} s CPU incl. workers "
          f"(load {stats.load_s:.1f}, rules {stats.evaluate_s:.1f}, write {stats.write_s:.1f})"
          f" over {stats.persons:,} persons; {stats.tasks_created:,} tasks, "
          f"{stats.flags_raised:,} flags  [target < 60 s]; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    t0 = time.perf_counter()
    again = engine.run(as_of=as_of, actor="benchmark")
    print(f"batch re-run (idempotent): {time.perf_counter() - t0:.1f} s, "
          f"{again.changed} changes; load average {os.getloadavg()[0]:.1f}", flush=True)

    # Persons with long histories: victims of the busiest incidents' parties.
    with connection.cursor() as cur:
        cur.execute("SELECT ip.person_id, COUNT(*) n FROM incidents_incidentparty ip "
                    "WHERE ip.role = 'victim' GROUP BY ip.person_id ORDER BY n DESC "
                    f"LIMIT {samples}")
        victims = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT ip.person_id FROM incidents_incidentparty ip "
                    f"WHERE ip.role = 'suspect' LIMIT {samples}")
        suspects = [r[0] for r in cur.fetchall()]
    lpa_id = Incident.objects.values_list("lpa_id", flat=True).first()
    timings, cpu_timings = [], []
    for i, (victim_sr, suspect_sr) in enumerate(zip(victims, suspects, strict=False)):
        with transaction.atomic():
            when = as_of + timedelta(minutes=10 + i)
            inc = Incident.objects.create(source_system="BENCH", source_id=f"B{i}",
                                          reference=f"B{i}", reported_at=when,
                                          grade="priority", lpa_id=lpa_id)
            IncidentParty.objects.create(incident=inc, person_id=victim_sr, role="victim")
            IncidentParty.objects.create(incident=inc, person_id=suspect_sr, role="suspect")
            persons = set(SourceRecord.objects.filter(id__in=[victim_sr, suspect_sr])
                          .values_list("person_id", flat=True))
            t0, c0 = time.perf_counter(), time.process_time()
            engine.run(as_of=when, person_ids=persons, actor="benchmark")
            timings.append(time.perf_counter() - t0)
            cpu_timings.append(time.process_time() - c0)
            transaction.set_rollback(True)
    median_ms = statistics.median(timings) * 1000
    p90 = sorted(timings)[int(len(timings) * 0.9) - 1] * 1000
    print(f"incremental, one new incident: median {median_ms:.1f} ms, p90 {p90:.1f} ms over "
          f"{len(timings)} incidents (CPU median "
          f"{statistics.median(cpu_timings) * 1000:.1f} ms)  [target < 50 ms]; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory (max RSS): {peak_gb:.2f} GB  [target < 4 GB]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/vigil-rules-bench", type=Path)
    parser.add_argument("--base-scale", type=float, default=0.1)
    parser.add_argument("--lanes", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--pg-url", help="also build and time the store on this scratch "
                                         "PostgreSQL database (its schema is dropped)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only is None:
        # One process per database: Django is set up once per process.
        rest = sys.argv[1:]
        for db in ("sqlite", "postgresql") if args.pg_url else ("sqlite",):
            print(f"--- {db}", flush=True)
            subprocess.run([sys.executable, __file__, *rest, "--only", db], check=True)
        return 0
    if args.only == "postgresql":
        os.environ["VIGIL_DATABASE_URL"] = args.pg_url
        args.data_dir = args.data_dir / "pg"
    else:
        os.environ.pop("VIGIL_DATABASE_URL", None)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if not _built(args.data_dir):
        build(args.data_dir, args.base_scale, args.lanes, args.years)
    else:
        _setup(args.data_dir)
        replicate(args.lanes, args.years)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{args.only}; load average {os.getloadavg()[0]:.1f}", flush=True)
    bench(args.samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
