"""Print the time and peak memory of the full KPI pack, and of an incremental snapshot.

Part 1, the KPI pack (snapshot excluded): the import files of a generated force
(`vigil generate --years 10 --scale 1.0 DIR`) are loaded with `vigil import` and
`vigil snapshot` (the default), or with --stand-in turned straight into a snapshot-shaped
Parquet folder with DuckDB (the older stand-in, from before the set-wise import), then
every KPI in the catalogue runs over ten years.
Peak memory is the process's maximum resident set size.

    .venv/bin/python benchmarks/kpi_speed.py pack --generated /tmp/big/gen --work /tmp/big/f

Part 2, the incremental snapshot: on a data dir with an imported force, take a snapshot,
add one day's new records (a copy of the busiest recent day's incidents, crimes, outcomes
and arrests, dated the next day) and time the second snapshot.

    .venv/bin/vigil --data-dir /tmp/f generate ... && vigil --data-dir /tmp/f import ...
    .venv/bin/python benchmarks/kpi_speed.py incremental --data-dir /tmp/f
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Part 1 ---------------------------------------------------------------------------

def ts(c):
    return (f"CAST(timezone('Europe/London', CAST(NULLIF(t.{c}, '') AS TIMESTAMPTZ)) "
            "AS TIMESTAMP)")


def dt(c):
    return f"CAST(NULLIF(t.{c}, '') AS DATE)"


def bo(c):
    return f"(t.{c} = 'true')"


def it(c):
    return f"CAST(NULLIF(t.{c}, '') AS BIGINT)"


def tx(c):
    return f"NULLIF(t.{c}, '')"


def pk(c):
    return f"substr(md5(t.{c}), 1, 20)"


# table -> (csv, {column: expression}, {ref column: referenced raw table})
TABLES = {
    "incidents": ("incidents", {"reported_at": ts("reported_at"), "grade": tx("grade"),
                                "arrived_at": ts("arrived_at"), "closed_at": ts("closed_at"),
                                "lpa_id": "AREA:lpa"}, {}),
    "incident_parties": ("incident_parties", {"incident_id": "REF:incident:incidents",
                                              "role": tx("role"),
                                              "relationship": tx("relationship"),
                                              "present": bo("present"),
                                              "home_educated": bo("home_educated"),
                                              "person_key": pk("person")}, {}),
    "crimes": ("crimes", {"incident_id": "REF:incident:incidents",
                          "recorded_at": ts("recorded_at"), "committed_at": ts("committed_at"),
                          "offence_group": tx("offence_group"), "offence": tx("offence"),
                          "is_domestic_abuse": "(t.is_domestic_abuse <> 'false')",
                          "lpa_id": "AREA:lpa", "cps_referred_at": ts("cps_referred_at")}, {}),
    "crime_parties": ("crime_parties", {"crime_id": "REF:crime:crimes", "role": tx("role"),
                                        "relationship": tx("relationship"),
                                        "person_key": pk("person")}, {}),
    "outcomes": ("outcomes", {"crime_id": "REF:crime:crimes", "code": tx("code"),
                              "outcome_at": ts("outcome_at"), "suspect_key": pk("suspect")}, {}),
    "arrests": ("arrests", {"crime_id": "REF:crime:crimes", "arrested_at": ts("arrested_at"),
                            "released_at": ts("released_at"), "disposal": tx("disposal"),
                            "for_breach_of_id": "REF:for_breach_of:orders",
                            "suspect_key": pk("suspect")}, {}),
    "bail": ("bail", {"arrest_id": "REF:arrest:arrests", "granted_at": ts("granted_at"),
                      "return_on": dt("return_on"),
                      "victim_views_captured": bo("victim_views_captured"),
                      "ended_at": ts("ended_at")}, {}),
    "wanted": ("wanted", {"crime_id": "REF:crime:crimes", "kind": tx("kind"),
                          "wanted_from": ts("wanted_from"), "resolved_at": ts("resolved_at"),
                          "suspect_key": pk("suspect")}, {}),
    "orders": ("orders", {"order_type": tx("order_type"), "lpa_id": "AREA:lpa",
                          "follows_id": "REF:follows:orders", "crime_id": "REF:crime:crimes",
                          "applied_at": ts("applied_at"), "served_at": ts("served_at"),
                          "hearing_at": ts("hearing_at"), "starts_on": dt("starts_on"),
                          "ends_on": dt("ends_on"), "status": tx("status"),
                          "made_on": dt("made_on"),
                          "notified_at": ts("notified_at"), "subject_key": pk("subject")}, {}),
    "order_checks": ("order_checks", {"order_id": "REF:order:orders",
                                      "checked_at": ts("checked_at"),
                                      "victim_contacted": bo("victim_contacted"),
                                      "subject_checked": bo("subject_checked"),
                                      "breach_found": bo("breach_found")}, {}),
    "order_breaches": ("order_breaches", {"order_id": "REF:order:orders",
                                          "reported_at": ts("reported_at"),
                                          "reported_by": tx("reported_by"),
                                          "result": tx("result"),
                                          "arrest_id": "REF:arrest:arrests"}, {}),
    "marac_meetings": ("marac_meetings", {"lpa_id": "AREA:lpa", "held_on": dt("held_on"),
                                          "capacity": it("capacity")}, {}),
    "marac_referrals": ("marac_referrals", {
        "lpa_id": "AREA:lpa", "referring_agency": tx("referring_agency"),
        "referred_on": dt("referred_on"), "visible_high_risk": bo("visible_high_risk"),
        "professional_judgement": bo("professional_judgement"),
        "potential_escalation": bo("potential_escalation"),
        "repeat_referral": bo("repeat_referral"), "idva_referred_on": dt("idva_referred_on"),
        "status": tx("status"), "meeting_id": "REF:meeting:marac_meetings",
        "heard_on": dt("heard_on"), "withdrawn_on": dt("withdrawn_on"),
        "victim_key": pk("victim")}, {}),
    "risk_assessments": ("risk_assessments", {
        "instrument": tx("instrument"), "incident_id": "REF:incident:incidents",
        "crime_id": "REF:crime:crimes", "assessed_at": ts("assessed_at"),
        "yes_count": it("yes_count"), "officer_level": it("officer_level"),
        "supervisor_level": it("supervisor_level"), "final_level": it("final_level"),
        "supervised_at": ts("supervised_at"), "victim_key": pk("victim")}, {}),
    "encompass_notifications": ("encompass", {
        "incident_id": "REF:incident:incidents", "local_authority_id": "AREA:local_authority",
        "child_present": bo("child_present"), "notified_at": ts("notified_at"),
        "child_key": pk("child")}, {}),
    "log_reviews": ("log_reviews", {
        "incident_id": "REF:incident:incidents", "reviewed_at": ts("reviewed_at"),
        "feedback": tx("feedback"), "positive_feedback": bo("positive_feedback"),
        "regraded": bo("regraded"), "reopened": bo("reopened"),
        "risk_assessment_feedback": bo("risk_assessment_feedback"),
        "reassurance_given": bo("reassurance_given"),
        "asked_support_services": bo("asked_support_services"),
        "children_identified": bo("children_identified"),
        "key_risk_factors_asked": bo("key_risk_factors_asked"),
        "victim_blaming_language": bo("victim_blaming_language")}, {}),
    "dvds_applications": ("dvds_applications", {
        "route": tx("route"), "applicant_type": tx("applicant_type"), "lpa_id": "AREA:lpa",
        "received_at": ts("received_at"), "initial_checks_at": ts("initial_checks_at"),
        "decision": tx("decision"), "decided_at": ts("decided_at"),
        "disclosed_at": ts("disclosed_at"), "safety_plan": bo("safety_plan"),
        "form_quality": tx("form_quality"), "person_at_risk_key": pk("person_at_risk"),
        "subject_key": pk("subject")}, {}),
    "victim_care": ("victim_care", {
        "crime_id": "REF:crime:crimes", "needs_assessed_at": ts("needs_assessed_at"),
        "contact_plan_at": ts("contact_plan_at"),
        "support_referred_at": ts("support_referred_at"), "victim_key": pk("victim")}, {}),
}


def build_snapshot(generated: Path, work: Path) -> dict:
    import duckdb

    from vigil.analytics.snapshot import snapshot_dir

    root = snapshot_dir(work)
    root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(work / "convert.duckdb"))
    con.execute("SET preserve_insertion_order = true")

    def raw(name):
        con.execute(f"CREATE OR REPLACE TABLE raw_{name} AS SELECT row_number() OVER () AS id, "
                    f"* FROM read_csv('{generated / (name + '.csv')}', all_varchar = true, "
                    "header = true)")

    raw("areas")
    con.execute("CREATE OR REPLACE TABLE areas AS SELECT a.id, a.code, a.name, a.kind, "
                "p.id AS parent_id, a.local_authority, CAST(NULLIF(a.adult_women, '') AS BIGINT)"
                " AS adult_women FROM raw_areas a LEFT JOIN raw_areas p ON p.code = a.parent")
    sources = {spec[0] for spec in TABLES.values()}
    for name in sorted(sources):
        raw(name)
        cols = [c[0] for c in con.execute(f"DESCRIBE raw_{name}").fetchall()]
        if "source_system" in cols:
            con.execute(f"CREATE OR REPLACE TABLE key_{name} AS SELECT source_system || ':' || "
                        f"source_id AS key, id FROM raw_{name}")
    codes = sorted({r[0] for r in con.execute("SELECT DISTINCT code FROM raw_outcomes")
                    .fetchall()})
    con.execute("CREATE OR REPLACE TABLE outcome_codes AS SELECT row_number() OVER () AS id, "
                "code, code AS label, '' AS code_group, CASE WHEN regexp_matches(code, "
                "'^[0-9]+[A-Z]$') THEN regexp_extract(code, '^[0-9]+') END AS parent_code "
                "FROM (SELECT UNNEST(?) AS code)", [codes])
    for name in ("areas", "outcome_codes"):
        (root / name / "part=all").mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY {name} TO '{root / name / 'part=all' / 'data.parquet'}' "
                    "(FORMAT parquet)")
    for table, (source, columns, _) in TABLES.items():
        # A column newer than the generated files (e.g. orders.made_on): empty, as a
        # cell left empty in an older export.
        have = {c[0] for c in con.execute(f"DESCRIBE raw_{source}").fetchall()}
        for col in sorted({m for e in columns.values() for m in re.findall(r"t\.(\w+)", e)}
                          - have):
            con.execute(f"ALTER TABLE raw_{source} ADD COLUMN {col} VARCHAR DEFAULT ''")
        selects, joins = ["t.id AS id"], []
        for n, (out, expr) in enumerate(columns.items()):
            if expr.startswith("REF:"):
                _, col, target = expr.split(":")
                joins.append(f"LEFT JOIN key_{target} j{n} ON j{n}.key = t.{col}")
                selects.append(f"j{n}.id AS {out}")
            elif expr.startswith("AREA:"):
                col = expr.split(":")[1]
                joins.append(f"LEFT JOIN areas j{n} ON j{n}.code = t.{col}")
                selects.append(f"j{n}.id AS {out}")
            else:
                selects.append(f"{expr} AS {out}")
        sql = f"SELECT {', '.join(selects)} FROM raw_{source} t {' '.join(joins)}"
        (root / table / "part=all").mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY ({sql}) TO '{root / table / 'part=all' / 'data.parquet'}' "
                    "(FORMAT parquet)")
    counts = {t: con.execute(f"SELECT COUNT(*) FROM raw_{s}").fetchone()[0]
              for t, (s, _, _) in TABLES.items()}
    con.close()
    (work / "convert.duckdb").unlink(missing_ok=True)
    # Tables this stand-in does not build (newer ones) are empty but typed, as the real
    # snapshot leaves an empty table.
    from django.apps import apps

    from vigil.analytics import snapshot as snap

    for spec in snap.TABLES:
        if not (root / spec.name).exists():
            schema = snap._schema_for(spec, apps.get_model(spec.model))
            snap._write_atomic(schema.empty_table(),
                               root / spec.name / "part=empty" / "data.parquet")
    from datetime import datetime

    (root / "manifest.json").write_text(json.dumps(
        {"taken_at": datetime.now(snap.LONDON).isoformat(), "tables": {}}))
    return counts


def build_by_import(generated: Path, work: Path) -> None:
    """The real path: `vigil import` of the generated exports, then `vigil snapshot`."""
    import subprocess

    vigil = str(Path(sys.executable).with_name("vigil"))
    for step in (["migrate"], ["import", str(generated), "--no-progress"], ["snapshot"]):
        t0 = time.monotonic()
        subprocess.run([vigil, "--data-dir", str(work), *step], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"vigil {step[0]}: {time.monotonic() - t0:.1f} s (not counted)")


def bench_pack(args) -> None:
    from vigil.analytics import catalogue
    from vigil.analytics.engine import Window, connect
    from vigil.analytics.pack import run_pack
    from vigil.core.policy import Policy

    work = Path(args.work)
    if args.generated and args.via_import:
        build_by_import(Path(args.generated), work)
    elif args.generated:
        t0 = time.monotonic()
        counts = build_snapshot(Path(args.generated), work)
        print(f"snapshot built from CSV in {time.monotonic() - t0:.1f} s (not counted): "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
    as_of = date.fromisoformat(args.as_of)
    window = Window(date(as_of.year - 10, as_of.month, 1), as_of)
    t0 = time.monotonic()
    con = connect(work, window, Policy())
    t_load = time.monotonic() - t0
    t1 = time.monotonic()
    pack = run_pack(con, window)
    t_run = time.monotonic() - t1
    con.close()
    print(f"KPI pack: {len(catalogue.load_all())} KPIs x {len(window.months())} months x "
          f"{len(pack.lpas)} LPAs ({len(pack.frame):,} result rows)")
    print(f"  load snapshot into DuckDB {t_load:.2f} s + run KPIs {t_run:.2f} s = "
          f"{t_load + t_run:.2f} s (target < 10 s); peak memory {peak_mb():,.0f} MB "
          f"(target < 4,096 MB); {os.cpu_count()} CPUs")
    bench_report(work, as_of)


def bench_report(work: Path, as_of: date) -> None:
    """The whole board report from the snapshot, as the background job makes it: the pack,
    the MARAC weekly table, charts, ratings, forecasts, then HTML, PDF and XLSX."""
    import tempfile

    from vigil.analytics.pack import financial_year_start, fy_label, last_complete_month
    from vigil.analytics.report import build, write_all
    from vigil.core.policy import Policy

    year = fy_label(financial_year_start(last_complete_month(as_of)))
    stages: list[tuple[str, float]] = []
    t0, cpu0 = time.monotonic(), time.process_time()

    def progress(percent, stage):
        stages.append((stage, time.monotonic() - t0))

    report = build(work, Policy(), year=year, as_of=as_of, progress=progress)
    t_build = time.monotonic() - t0
    with tempfile.TemporaryDirectory() as out:
        paths = write_all(report, Path(out), progress=progress)
        t_all = time.monotonic() - t0
        size = paths["pdf"].stat().st_size
    print(f"Board report {year} as of {as_of}: figures {t_build:.1f} s + HTML, PDF and XLSX "
          f"{t_all - t_build:.1f} s = {t_all:.1f} s (target < 30 s); PDF {size / 1e6:.1f} MB; "
          f"peak memory {peak_mb():,.0f} MB; CPU {time.process_time() - cpu0:.1f} s "
          f"(all threads; on a loaded machine wall time is longer than CPU time); load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("  stages: " + ", ".join(f"{s} at {t:.1f} s" for s, t in stages))


# --- Part 2 ---------------------------------------------------------------------------

def add_one_day(stamp: str) -> dict:
    """Copy the busiest recent day's records to the next day, with new source ids."""
    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from vigil.incidents.models import Arrest, Incident, Outcome

    day = (Incident.objects.annotate(d=TruncDate("reported_at")).values("d")
           .annotate(n=Count("id")).order_by("-d")[:30])
    busiest = max(day, key=lambda r: r["n"])["d"]
    shift = timedelta(days=(Incident.objects.latest("reported_at").reported_at.date()
                            - busiest).days + 1)
    made = {"incidents": 0, "crimes": 0, "outcomes": 0, "arrests": 0}
    with transaction.atomic():
        for inc in Incident.objects.filter(reported_at__date=busiest):
            crimes = list(inc.crimes.all())
            inc.pk, inc.source_id = None, f"{inc.source_id}-{stamp}"
            inc.reported_at += shift
            inc.arrived_at = inc.arrived_at and inc.arrived_at + shift
            inc.closed_at = inc.closed_at and inc.closed_at + shift
            inc.save()
            made["incidents"] += 1
            for crime in crimes:
                outcome = Outcome.objects.filter(crime=crime).first()
                arrests = list(Arrest.objects.filter(crime=crime))
                crime.pk, crime.source_id, crime.incident = None, f"{crime.source_id}-{stamp}", inc
                crime.recorded_at += shift
                crime.committed_at = crime.committed_at and crime.committed_at + shift
                crime.cps_referred_at = None
                crime.save()
                made["crimes"] += 1
                if outcome:
                    outcome.pk, outcome.source_id = None, f"{outcome.source_id}-{stamp}"
                    outcome.crime, outcome.outcome_at = crime, crime.recorded_at
                    outcome.save()
                    made["outcomes"] += 1
                for arrest in arrests:
                    arrest.pk, arrest.source_id = None, f"{arrest.source_id}-{stamp}"
                    arrest.crime, arrest.arrested_at = crime, crime.recorded_at
                    arrest.released_at = None
                    arrest.save()
                    made["arrests"] += 1
    return made


def bench_incremental(args) -> None:
    from django.conf import settings

    from vigil.analytics.snapshot import take_snapshot

    data_dir = Path(settings.DATA_DIR)
    t0 = time.monotonic()
    first = take_snapshot(data_dir)
    print(f"snapshot before the new day: {time.monotonic() - t0:.1f} s "
          f"({sum(r.rows_exported for r in first):,} rows exported)")
    made = add_one_day(str(int(time.time())))
    t0 = time.monotonic()
    second = take_snapshot(data_dir)
    elapsed = time.monotonic() - t0
    print(f"one day's new records: {made}")
    print(f"  incremental snapshot {elapsed:.2f} s: "
          f"{sum(r.rows_exported for r in second):,} rows exported, "
          f"{sum(r.partitions_written for r in second)} partitions rewritten; "
          f"{os.cpu_count()} CPUs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--generated", help="folder from `vigil generate` (builds the snapshot)")
    p.add_argument("--work", required=True, help="data dir holding (or to hold) the snapshot")
    p.add_argument("--as-of", default="2026-01-31")
    p.add_argument("--stand-in", dest="via_import", action="store_false",
                   help="build the snapshot from the CSV with DuckDB instead of `vigil import` "
                        "and `vigil snapshot` (SQLite, or VIGIL_DATABASE_URL)")
    p = sub.add_parser("incremental")
    p.add_argument("--data-dir", required=True, help="data dir with an imported force")
    args = parser.parse_args()
    if args.part == "incremental":
        os.environ["VIGIL_DATA_DIR"] = args.data_dir
    elif args.via_import:
        os.environ["VIGIL_DATA_DIR"] = args.work
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    {"pack": bench_pack, "incremental": bench_incremental}[args.part](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
