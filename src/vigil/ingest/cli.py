"""`vigil import DIR` and `vigil import-format`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

REJECT_EXIT_CODE = 2
BUSY_EXIT_CODE = 3


def register(sub) -> None:
    p = sub.add_parser("import", help="import a folder of source export files (all or nothing)")
    p.add_argument("dir", help="folder holding persons.csv and the other export files")
    p.add_argument("--dry-run", action="store_true",
                   help="check everything and report, but write nothing")
    p.add_argument("--reject-report", metavar="PATH",
                   help="where to write the reject report (DIR/reject-report.csv)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="if another import into the database is running, wait this long "
                        "for it (default: refuse at once)")
    p.add_argument("--verbose", action="store_true", help="say when each file is staged")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("import-format", help="regenerate docs/import-format.md from the spec")
    p.add_argument("--output", metavar="PATH",
                   help="file to write (default: docs/import-format.md of the source tree)")
    p.set_defaults(func=cmd_import_format)


def format_counts(result) -> str:
    rows = [("file", "created", "updated", "unchanged")]
    for name, c in result.counts.items():
        rows.append((name, str(c.created), str(c.updated), str(c.unchanged)))
    t = result.totals()
    rows.append(("total", str(t.created), str(t.updated), str(t.unchanged)))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{r[0]:<{width}}  {r[1]:>8}  {r[2]:>8}  {r[3]:>9}" for r in rows)


def cmd_import(args) -> int:
    from contextlib import nullcontext

    from vigil.core.errors import CommandError
    from vigil.core.scratch import scratch_database
    from vigil.ingest.importer import ImportBusy, ImportRejected, import_dir

    folder = Path(args.dir)
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder")
    if args.verbose:
        log = logging.getLogger("vigil.ingest")
        log.setLevel(logging.INFO)
        log.addHandler(logging.StreamHandler(sys.stderr))
        log.propagate = False
    # A dry run never holds the live database's write lock (vigil.core.scratch).
    scratch = scratch_database() if args.dry_run else nullcontext()
    try:
        with scratch:
            result = import_dir(folder, dry_run=args.dry_run, actor="cli",
                                progress=not args.no_progress,
                                reject_report=args.reject_report, wait=args.wait)
    except ImportBusy as exc:
        raise CommandError(str(exc), exit_code=BUSY_EXIT_CODE) from None
    except ImportRejected as exc:
        report = exc.result.rejects
        print(report.table())
        where = exc.result.reject_report_path
        saved = f"; the full report is in {where}" if where else ""
        raise CommandError(f"{report.total} problem(s) found, nothing imported{saved}",
                           exit_code=REJECT_EXIT_CODE) from None
    print(format_counts(result))
    if args.dry_run:
        print("Dry run: all rows are valid; nothing was written.")
        return 0
    print(f"Imported {folder}.")
    if result.receiver_errors:
        errors = "; ".join(result.receiver_errors)
        raise CommandError(f"the import is committed, but after it failed: {errors}")
    return 0


def cmd_import_format(args) -> int:
    from vigil.ingest.docs import default_path, render

    path = Path(args.output) if args.output else default_path()
    path.write_text(render(), encoding="utf-8")
    print(f"Wrote {path}")
    return 0
