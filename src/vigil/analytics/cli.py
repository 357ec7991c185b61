"""`vigil snapshot` and `vigil report`."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("snapshot", help="export the operational store to pseudonymised Parquet "
                                        "for analytics (only what changed since the last run)")
    p.add_argument("--full", action="store_true", help="rewrite every table")
    p.add_argument("--engine", choices=("duckdb", "spark"),
                   help="then compute every measure over the whole snapshot on this engine "
                        "(spark: a region; local mode, or VIGIL_SPARK_MASTER) and store the "
                        "figures beside it (kpi_pack.parquet)")
    p.add_argument("--as-of", help="with --engine: date of the figures, YYYY-MM-DD (default: "
                                   "the end of the last complete month the snapshot holds)")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("report", help="write the board report (HTML, PDF, XLSX) from the "
                                      "snapshot")
    p.add_argument("--year", required=True, help="financial year, e.g. 2025-26")
    p.add_argument("--as-of", help="date of the figures, YYYY-MM-DD (default: the end of the "
                                   "last complete month the snapshot holds)")
    p.add_argument("--out", help="output folder (default: <data dir>/reports)")
    p.add_argument("--rag-rules", help="JSON file of RAG rules (default: built-in rules)")
    p.set_defaults(func=cmd_report)


def cmd_snapshot(args) -> int:
    from django.conf import settings

    from vigil.analytics.snapshot import snapshot_dir, take_snapshot

    started = time.monotonic()
    results = take_snapshot(Path(settings.DATA_DIR), full=args.full, progress=print)
    rows = sum(r.rows_exported for r in results)
    parts = sum(r.partitions_written for r in results)
    print(f"Snapshot in {snapshot_dir(Path(settings.DATA_DIR))}: {rows} rows exported, "
          f"{parts} partitions written in {time.monotonic() - started:.1f} s")
    if args.engine:
        _compute_pack(Path(settings.DATA_DIR), args.engine, args.as_of)
    return 0


def _compute_pack(data_dir: Path, engine_name: str, as_of_text: str | None) -> None:
    """Every measure, every month of the records, on the chosen engine, stored."""
    from vigil.analytics import asof, engine, pack, spark_engine
    from vigil.analytics.snapshot import snapshot_dir
    from vigil.core.errors import CommandError
    from vigil.core.policy import current

    try:
        as_of = asof.resolve(data_dir, as_of_text)
    except asof.AsOfError as exc:
        raise CommandError(str(exc)) from exc
    window = engine.Window(as_of.records_from.replace(day=1), as_of.as_of)
    started = time.monotonic()
    if engine_name == "spark":
        con = spark_engine.connect(data_dir, window, current())
    else:
        con = engine.connect(data_dir, window, current())
    try:
        result = pack.run_pack(con, window)
    finally:
        con.close()
    out = snapshot_dir(data_dir) / "kpi_pack.parquet"
    result.frame.assign(engine=engine_name, as_of=as_of.as_of).to_parquet(out, index=False)
    print(f"KPI pack on {engine_name}: {result.frame['kpi'].nunique()} measures, "
          f"{len(result.frame):,} rows ({window.first_month:%b %Y} to {as_of.as_of:%d %b %Y}) "
          f"in {time.monotonic() - started:.1f} s -> {out}")


def parse_date(text: str, option: str) -> date:
    from vigil.core.errors import CommandError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text!r}: expected a date as YYYY-MM-DD") from None


def cmd_report(args) -> int:
    from django.conf import settings

    from vigil.analytics import asof, rag
    from vigil.analytics.editions import cover_for
    from vigil.analytics.pack import last_complete_month
    from vigil.analytics.report import ReportError, build, write_all
    from vigil.analytics.services import current_commentary, overrides_for
    from vigil.analytics.snapshot import SnapshotError, require_snapshot
    from vigil.core.errors import CommandError
    from vigil.core.policy import current

    data_dir = Path(settings.DATA_DIR)
    out = Path(args.out) if args.out else data_dir / "reports"
    try:
        require_snapshot(data_dir)
        as_of = asof.resolve(data_dir, args.as_of).as_of
        rules = rag.load_rules(args.rag_rules)
        report = build(data_dir, current(), year=args.year, as_of=as_of,
                       overrides=overrides_for(last_complete_month(as_of)), rules=rules,
                       commentary=current_commentary(args.year), cover=cover_for(args.year))
    except (ReportError, SnapshotError, rag.RuleError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    paths = write_all(report, out)
    for kind, path in paths.items():
        print(f"{kind.upper():5} {path}")
    return 0


def demo_step(ctx) -> None:
    """`vigil demo`: snapshot the synthetic force and write the board report for the
    financial year of its last complete month, as of its last day of records."""
    from vigil.analytics import asof, rag
    from vigil.analytics.pack import financial_year_start, fy_label, last_complete_month
    from vigil.analytics.report import build, write_all
    from vigil.analytics.snapshot import take_snapshot
    from vigil.core.policy import current
    from vigil.incidents.models import Incident

    take_snapshot(ctx.data_dir)
    if not Incident.objects.exists():
        ctx.notes.append("Board report: no incidents, so no report.")
        return
    as_of = asof.resolve(ctx.data_dir, None).as_of
    year = fy_label(financial_year_start(last_complete_month(as_of)))
    report = build(ctx.data_dir, current(), year=year, as_of=as_of, rules=rag.DEFAULT_RULES)
    paths = write_all(report, ctx.data_dir / "reports")
    ctx.notes.append(f"Board report {year} as of {as_of:%d %B %Y}:")
    ctx.notes.extend(f"  {kind.upper():5} {path}" for kind, path in paths.items())
    ctx.notes.append("  Dashboards: /analytics/ (sign in as analyst, commissioner or "
                     "lpa-commander)")
