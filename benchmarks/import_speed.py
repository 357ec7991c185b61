"""Import speed and memory: a full-scale year of exports into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import_speed.py [--scale 1.0] [--pg-url URL] [--reimport]

Writes a West Midlands-sized year of valid export files (about 70,000
incidents, 40,000 crimes with their parties, 110,000 persons; some 770,000
rows at scale 1) with its own minimal generator, then imports them into a fresh
SQLite database and, with --pg-url, into PostgreSQL. Each import runs in a
subprocess of its own so that its peak memory (ru_maxrss) is its own. It
prints rows per second, peak memory and its growth during the import, and
beside them PostgreSQL's COPY of the same files into plain tables with the same
columns as the yardstick. The same run at a quarter of the size shows whether
peak memory grows with file size.

--pg-url names a scratch database: its public schema is DROPPED and rebuilt.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")
LPAS = ["BHM", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"]
FULL = {"adults": 100_000, "children": 10_000, "incidents": 70_000, "crimes": 40_000,
        "outcomes": 30_000, "assessments": 10_000, "orders": 1_000}
FORENAMES = ["Jane", "John", "Amy", "Mohammed", "Aisha", "Sarah", "David", "Emma", "Liam",
             "Olivia", "Harpreet", "Tomasz", "Grace", "Daniel", "Fatima", "Chloe"]
SURNAMES = ["Smith", "Jones", "Khan", "Patel", "Brown", "Williams", "Taylor", "Ali", "Evans",
            "Singh", "Walker", "Wright", "Hughes", "Begum", "Murphy", "Kowalski"]
GROUPS = ["violence_with_injury", "violence_without_injury", "stalking_harassment",
          "coercive_control", "criminal_damage", "public_order"]
OUTCOMES = ["1", "8", "10", "14", "15", "16", "16", "16", "18", "21"]
YEAR_START = datetime(2025, 1, 1, 0, 5)


def _writer(folder: Path, name: str, header: list[str]):
    fh = open(folder / f"{name}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
    out = csv.writer(fh)
    out.writerow(header)
    return fh, out


def _iso(dt: datetime) -> str:
    # Instants are generated in UTC and written as London time with its offset: naive
    # wall-clock arithmetic would put times in the spring gap or the autumn fold.
    return dt.replace(tzinfo=UTC).astimezone(LONDON).isoformat()


def actuarial(yes: int) -> int:
    # Mirrors the default policy (14+ high, 10-13 medium); the import recomputes it.
    return 3 if yes >= 14 else 2 if yes >= 10 else 1


def generate(folder: Path, scale: float, seed: int = 1) -> int:
    """Write a consistent year of exports; returns the number of data rows."""
    rnd = random.Random(seed)
    n = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0

    fh, out = _writer(folder, "areas", ["code", "name", "kind", "parent"])
    out.writerow(["WMP", "West Midlands Police", "force", ""])
    for code in LPAS:
        out.writerow([code, code, "lpa", "WMP"])
        for i in range(1, 4):
            out.writerow([f"{code}-{i}", f"{code} {i}", "neighbourhood", code])
    rows += 1 + 4 * len(LPAS)
    fh.close()

    adults, children = n["adults"], n["children"]
    fh, out = _writer(folder, "persons", ["source_system", "source_id", "forename", "surname",
                                          "date_of_birth", "sex", "postcode", "phone"])
    for i in range(adults + children):
        born = (date(1950, 1, 1) + timedelta(days=rnd.randrange(55 * 365)) if i < adults
                else date(2010, 1, 1) + timedelta(days=rnd.randrange(10 * 365)))
        out.writerow(["CONNECT", f"P{i}", rnd.choice(FORENAMES), rnd.choice(SURNAMES),
                      born.isoformat(), rnd.choice("FM"), f"B{rnd.randrange(1, 99)} 4AA",
                      f"07700{rnd.randrange(900000, 999999)}"])
    rows += adults + children
    fh.close()

    def victim(k):
        return k * 7 % adults

    def suspect(k):
        s = (k * 31 + 17) % adults
        return s if s != victim(k) else (s + 1) % adults

    def reported(k):
        return YEAR_START + timedelta(seconds=k * (365 * 86400 // n["incidents"]))

    fh, out = _writer(folder, "incidents", ["source_system", "source_id", "reference",
                                            "reported_at", "grade", "arrived_at", "lpa",
                                            "neighbourhood", "postcode"])
    fh2, parties = _writer(folder, "incident_parties", ["incident", "person", "role",
                                                         "relationship", "present"])
    for k in range(n["incidents"]):
        lpa = LPAS[k % len(LPAS)]
        at = reported(k)
        out.writerow(["CONTROL", f"I{k}", f"LOG-{k}", _iso(at),
                      rnd.choice(["immediate", "priority", "scheduled"]),
                      _iso(at + timedelta(minutes=25)), lpa, f"{lpa}-{k % 3 + 1}", "B6 4AA"])
        parties.writerow([f"CONTROL:I{k}", f"CONNECT:P{victim(k)}", "victim", "", "true"])
        parties.writerow([f"CONTROL:I{k}", f"CONNECT:P{suspect(k)}", "suspect",
                          "intimate_partner", "true"])
        rows += 3
        if k % 5 == 0:
            parties.writerow([f"CONTROL:I{k}", f"CONNECT:P{adults + k % children}", "child",
                              "", "true"])
            rows += 1
    fh.close()
    fh2.close()

    fh, out = _writer(folder, "crimes", ["source_system", "source_id", "reference", "incident",
                                         "recorded_at", "committed_at", "offence_group",
                                         "offence", "lpa"])
    fh2, parties = _writer(folder, "crime_parties", ["crime", "person", "role", "relationship"])
    for k in range(n["crimes"]):
        at = reported(k)
        out.writerow(["CONNECT", f"C{k}", f"20/{k}/25", f"CONTROL:I{k}",
                      _iso(at + timedelta(hours=1)), _iso(at - timedelta(minutes=10)),
                      rnd.choice(GROUPS), "Assault", LPAS[k % len(LPAS)]])
        parties.writerow([f"CONNECT:C{k}", f"CONNECT:P{victim(k)}", "victim", ""])
        parties.writerow([f"CONNECT:C{k}", f"CONNECT:P{suspect(k)}", "suspect",
                          "intimate_partner"])
        rows += 3
    fh.close()
    fh2.close()

    fh, out = _writer(folder, "outcomes", ["source_system", "source_id", "crime", "code",
                                           "outcome_at", "suspect"])
    for k in range(n["outcomes"]):
        out.writerow(["CONNECT", f"OC{k}", f"CONNECT:C{k}", rnd.choice(OUTCOMES),
                      _iso(reported(k) + timedelta(days=30)), f"CONNECT:P{suspect(k)}"])
        rows += 1
    fh.close()

    fh, out = _writer(folder, "risk_assessments", [
        "source_system", "source_id", "instrument", "victim", "incident", "assessed_at",
        "officer", "yes_count", "officer_level", "final_level", "final_set_by"])
    fh2, answers = _writer(folder, "risk_answers", ["assessment", "question", "answer"])
    for k in range(n["assessments"]):
        yes = k % 20
        level = actuarial(yes)
        out.writerow(["CONNECT", f"RA{k}", "DASH27", f"CONNECT:P{victim(k)}", f"CONTROL:I{k}",
                      _iso(reported(k) + timedelta(hours=2)), "PC 1", yes, level, level,
                      "PS 2"])
        for q in range(1, 28):
            answers.writerow([f"CONNECT:RA{k}", q, "Y" if q <= yes else "N"])
        rows += 28
    fh.close()
    fh2.close()

    fh, out = _writer(folder, "orders", ["source_system", "source_id", "order_type", "subject",
                                         "lpa", "follows", "served_at", "starts_on", "ends_on",
                                         "status"])
    for k in range(n["orders"]):
        served = reported(k) + timedelta(days=1)
        subject, lpa = f"CONNECT:P{suspect(k)}", LPAS[k % len(LPAS)]
        out.writerow(["CONNECT", f"DVPN{k}", "DVPN", subject, lpa, "", _iso(served), "", "",
                      "expired"])
        made = served + timedelta(days=2)
        out.writerow(["CONNECT", f"DVPO{k}", "DVPO", subject, lpa, f"CONNECT:DVPN{k}",
                      _iso(made), made.date().isoformat(),
                      (made.date() + timedelta(days=28)).isoformat(), "expired"])
        rows += 2
    fh.close()
    return rows


# --- one measured run, in its own process


def _reset_database(db_url: str | None, data_dir: Path) -> None:
    if db_url:
        import psycopg

        with psycopg.connect(_libpq(db_url), autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _fresh_vigil(db_url: str | None) -> Path:
    """A new data dir and an empty, migrated database (this child process's own)."""
    data_dir = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    os.environ["VIGIL_DATA_DIR"] = str(data_dir)
    os.environ.pop("VIGIL_DATABASE_URL", None)
    if db_url:
        os.environ["VIGIL_DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    _reset_database(db_url, data_dir)
    import django

    django.setup()
    from vigil.core.commands import migrate

    migrate()
    return data_dir


def child_run(folder: Path, db_url: str | None, reimport: bool, with_rules: bool) -> dict:
    _fresh_vigil(db_url)
    from vigil.ingest.importer import import_dir

    if not with_rules:
        # Time the import alone; the rules' own benchmark times what receivers do.
        from vigil.ingest.signals import records_imported

        records_imported.receivers = []
        records_imported.sender_receivers_cache.clear()
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    result = import_dir(folder, progress=False)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    out = {"rows": result.totals().total, "seconds": seconds, "base_kb": before.ru_maxrss,
           "peak_kb": after.ru_maxrss,
           "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}
    if reimport:
        t0 = time.perf_counter()
        again = import_dir(folder, progress=False)
        out["reimport_seconds"] = time.perf_counter() - t0
        out["reimport_unchanged"] = again.totals().unchanged
    return out


def bad_row_file(folder: Path, rows: int) -> Path:
    """persons.csv of `rows` valid rows but the last (an impossible date), streamed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "persons.csv"
    if path.exists() and path.stat().st_size > rows * 40:
        return folder
    rnd = random.Random(2)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["source_system", "source_id", "forename", "surname", "date_of_birth",
                      "sex", "postcode"])
        batch = []
        for i in range(1, rows + 1):
            born = "1990-02-30" if i == rows else (
                date(1950, 1, 1) + timedelta(days=rnd.randrange(55 * 365))).isoformat()
            batch.append(("CONNECT", f"P{i}", rnd.choice(FORENAMES), rnd.choice(SURNAMES),
                          born, rnd.choice("FM"), f"B{rnd.randrange(1, 99)} 4AA"))
            if len(batch) == 100_000:
                out.writerows(batch)
                batch.clear()
        out.writerows(batch)
    return folder


def child_bad_run(folder: Path, db_url: str | None) -> dict:
    """Import a file with one bad row at its end: the row named, nothing written."""
    data_dir = _fresh_vigil(db_url)
    from vigil.ingest.importer import ImportRejected, import_dir
    from vigil.people.models import SourceRecord

    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    try:
        import_dir(folder, progress=False, reject_report=data_dir / "rejects.csv")
        rejects = []
    except ImportRejected as exc:
        rejects = [f"{r.file} line {r.line:,} {r.column} {r.value!r}: {r.reason}"
                   for r in exc.result.rejects.rejects]
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"rows": sum(1 for _ in open(folder / "persons.csv", "rb")) - 1,
            "seconds": seconds, "base_kb": before.ru_maxrss, "peak_kb": after.ru_maxrss,
            "rejects": rejects, "written": SourceRecord.objects.count()}


def copy_run(folder: Path, db_url: str) -> dict:
    """PostgreSQL's own COPY of the same files into plain text tables: the yardstick."""
    import psycopg

    _reset_database(db_url, folder)
    rows = 0
    t0 = time.perf_counter()
    with psycopg.connect(_libpq(db_url)) as conn:
        for path in sorted(folder.glob("*.csv")):
            with open(path, encoding="utf-8") as fh:
                header = next(csv.reader([fh.readline()]))
            table = f"copy_{path.stem}"
            cols = ", ".join(f'"{c}" text' for c in header)
            conn.execute(f"CREATE TABLE {table} ({cols})")
            with conn.cursor().copy(
                    f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                    open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
            rows += conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.commit()
    return {"rows": rows, "seconds": time.perf_counter() - t0}


def measure(folder: Path, db_url: str | None, reimport: bool = False,
            with_rules: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", str(folder)]
    if with_rules:
        cmd.append("--with-rules")
    if db_url:
        cmd += ["--pg-url", db_url]
    if reimport:
        cmd.append("--reimport")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"run failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _line(label: str, r: dict) -> str:
    rate = r["rows"] / r["seconds"]
    text = f"{label:<34} {r['rows']:>9,} rows {r['seconds']:>8.1f} s {rate:>9,.0f} rows/s"
    if "cpu" in r:
        text += f"  (importer CPU {r['cpu']:.0f} s: {r['rows'] / r['cpu']:,.0f} rows/CPU-s)"
    if "peak_kb" in r:
        text += (f"   peak RSS {r['peak_kb'] / 1024:>6.0f} MiB"
                 f" (+{(r['peak_kb'] - r['base_kb']) / 1024:.0f} MiB during the import)")
    if "reimport_seconds" in r:
        text += (f"\n{'':<34} re-import of the same files: {r['reimport_seconds']:.1f} s, "
                 f"{r['reimport_unchanged']:,} unchanged")
    return text


def bad_row_main(args) -> None:
    folder = bad_row_file(Path(args.workdir) / f"bad-{args.bad_row}", args.bad_row)
    size = (folder / "persons.csv").stat().st_size
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"persons.csv of {args.bad_row:,} rows ({size / 2**30:.2f} GiB), the last bad")
    for label, url in (("SQLite", None), ("PostgreSQL", args.pg_url)):
        if label == "PostgreSQL" and not url:
            continue
        cmd = [sys.executable, __file__, "--child-bad", str(folder)]
        if url:
            cmd += ["--pg-url", url]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"run failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        grew = (r["peak_kb"] - r["base_kb"]) / 1024
        print(f"{label}: refused after {r['seconds']:.1f} s, {r['written']:,} records written,"
              f" peak RSS {r['peak_kb'] / 1024:.0f} MiB (+{grew:.0f} MiB); rejects: "
              f"{r['rejects']}; load average {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pg-url", help="scratch PostgreSQL database (its schema is dropped)")
    parser.add_argument("--reimport", action="store_true",
                        help="also time a second import of the same files")
    parser.add_argument("--with-rules", action="store_true",
                        help="keep records_imported receivers (the rules) in the timing")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "vigil-bench"))
    parser.add_argument("--bad-row", type=int, metavar="N",
                        help="instead: import a persons.csv whose N-th (last) row is bad")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-bad", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_bad:
        print(json.dumps(child_bad_run(Path(args.child_bad), args.pg_url)))
        return
    if args.bad_row:
        bad_row_main(args)
        return
    if args.child:
        print(json.dumps(child_run(Path(args.child), args.pg_url, args.reimport,
                                   args.with_rules)))
        return

    sys.path.insert(0, str(ROOT / "src"))
    work = Path(args.workdir)
    full = work / f"scale-{args.scale}"
    quarter = work / f"scale-{args.scale / 4}"
    for folder, scale in ((full, args.scale), (quarter, args.scale / 4)):
        if not (folder / "persons.csv").exists():
            t0 = time.perf_counter()
            n = generate(folder, scale)
            print(f"generated {n:,} rows at scale {scale} in {time.perf_counter() - t0:.0f} s")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"import of {full}")
    rules = args.with_rules
    print(_line(f"SQLite, scale {args.scale}", measure(full, None, args.reimport, rules)),
          flush=True)
    print(_line(f"SQLite, scale {args.scale / 4}", measure(quarter, None, with_rules=rules)))
    if args.pg_url:
        pg = measure(full, args.pg_url, args.reimport, args.with_rules)
        print(_line(f"PostgreSQL, scale {args.scale}", pg))
        print(_line(f"PostgreSQL, scale {args.scale / 4}", measure(quarter, args.pg_url,
                                                                 with_rules=args.with_rules)))
        copy = copy_run(full, args.pg_url)
        print(_line("PostgreSQL COPY (yardstick)", copy))
        share = (pg["rows"] / pg["seconds"]) / (copy["rows"] / copy["seconds"])
        print(f"PostgreSQL import at {share:.1%} of COPY's rows/s on the same rows "
              f"[target >= 25 %]")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
