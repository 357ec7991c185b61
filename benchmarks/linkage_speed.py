"""Time to link N source records end to end, and one new record against them.

  .venv/bin/python benchmarks/linkage_speed.py --records 1000000 --data-dir /tmp/bench

End to end = `vigil link` (batch.link_all): read the records out of the
operational store, Splink prediction on DuckDB, clustering, and writing the
persons back. Setup (generating and loading the noisy records, each with its
own singleton person as the import leaves them) is not timed. Then single new
records are linked on arrival (incremental.link_new) one at a time.
Peak memory is the process's maximum resident set (DuckDB runs in-process).
Uses VIGIL_DATABASE_URL when set (PostgreSQL), else SQLite in --data-dir.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--arrivals", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/vigil-linkage-bench"))
    parser.add_argument("--noise", default="low", choices=["low", "high"])
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory limit (6GB)")
    parser.add_argument("--train", choices=["auto", "yes", "no"], default="auto",
                        help="retrain first: auto (as `vigil link`: when the record count has "
                             "moved far from the model's), yes or no")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["VIGIL_DATA_DIR"] = str(args.data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from vigil.people.linkage import testdata
    from vigil.people.linkage.batch import link_all
    from vigil.people.linkage.incremental import link_new
    from vigil.people.models import Person, SourceRecord

    print(f"database: {connection.vendor}; cores: {os.cpu_count()}", flush=True)
    call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", interactive=False, verbosity=0)
    t = time.monotonic()
    # ~1.8 records per person at low noise.
    people = int(args.records / (1.8 if args.noise == "low" else 2.4))
    records, _truth = testdata.generate(people, args.noise, seed=99)
    records = records[:args.records]
    load(records, Person, SourceRecord)
    print(f"setup: {len(records):,} source records loaded in {time.monotonic() - t:.0f} s",
          flush=True)

    t = time.monotonic()
    cpu0 = time.process_time()
    train = {"auto": None, "yes": True, "no": False}[args.train]
    run = link_all(as_of=timezone.now(), actor="benchmark", memory_limit=args.memory_limit,
                   train=train,
                   progress=lambda m: print(f"  {m} ({time.monotonic() - t:.0f} s)", flush=True))
    elapsed = time.monotonic() - t
    cpu = time.process_time() - cpu0  # this process; DuckDB's threads count too
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"link {run.records:,} records end to end: {elapsed:.1f} s "
          f"({elapsed / 60:.1f} min; target < 10 min; CPU {cpu:.0f} s); "
          f"peak memory {peak_gb:.2f} GB "
          f"(target < 8 GB); {run.pairs_scored:,} pairs scored, {run.persons:,} persons; "
          f"model {'trained in this run' if run.trained else 'not retrained'}; "
          f"review queue {run.review_pairs:,}",
          flush=True)
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.timings.items()),
          flush=True)

    extra, _ = testdata.generate(args.arrivals, args.noise, seed=7)
    times = []
    for i, rec in enumerate(extra[:args.arrivals]):
        new = add_record(rec, i, Person, SourceRecord)
        t = time.monotonic()
        link_new([new.pk], as_of=timezone.now(), actor="benchmark")
        times.append((time.monotonic() - t) * 1000)
    first, rest = times[0], times[1:] or times
    print(f"link one new record against {run.records:,}: median "
          f"{statistics.median(rest):.0f} ms, p95 {_p95(rest):.0f} ms, max {max(rest):.0f} ms "
          f"over {len(rest)} records (target < 200 ms; first call {first:.0f} ms builds "
          f"the scorer)", flush=True)
    return 0


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _has_tables() -> bool:
    from django.db import connection

    return "people_sourcerecord" in connection.introspection.table_names()


def _fields(rec: dict) -> dict:
    return {k: rec[k] or "" for k in ("forename", "surname", "sex", "postcode", "address",
                                      "phone")} | {"date_of_birth": rec["date_of_birth"]}


def load(records, Person, SourceRecord, batch: int = 50_000) -> None:
    """Insert persons and source records with raw executemany (setup only, not timed)."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    pt, st = Person._meta.db_table, SourceRecord._meta.db_table
    start = (Person.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    with transaction.atomic(), connection.cursor() as cur:
        for i in range(0, len(records), batch):
            chunk = records[i:i + batch]
            ids = range(start + i, start + i + len(chunk))
            cur.executemany(
                f"INSERT INTO {pt} (id, forename, surname, date_of_birth, sex, postcode, "
                "version, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, 1, %s, %s)",
                [(pid, r["forename"], r["surname"], r["date_of_birth"], r["sex"] or "U",
                  r["postcode"] or "", now, now) for pid, r in zip(ids, chunk, strict=True)])
            cur.executemany(
                f"INSERT INTO {st} (id, source_system, source_id, version, created_at, "
                "updated_at, forename, middle_names, surname, date_of_birth, sex, address, "
                "postcode, phone, email, person_id) VALUES "
                "(%s, %s, %s, 1, %s, %s, %s, '', %s, %s, %s, %s, %s, %s, '', %s)",
                [(pid, r["source_system"], f"B{r['id']}", now, now, r["forename"],
                  r["surname"], r["date_of_birth"], r["sex"] or "U", r["address"] or "",
                  r["postcode"] or "", r["phone"] or "", pid)
                 for pid, r in zip(ids, chunk, strict=True)])
        if connection.vendor == "postgresql":
            for table in (pt, st):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT MAX(id) FROM {table}))")


def add_record(rec, i, Person, SourceRecord):
    person = Person.objects.create(forename=rec["forename"], surname=rec["surname"])
    return SourceRecord.objects.create(source_system="NEW", source_id=f"N{i}", person=person,
                                       **_fields(rec))


if __name__ == "__main__":
    sys.exit(main())
