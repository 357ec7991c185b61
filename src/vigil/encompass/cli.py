"""`vigil school-terms FILE`: import local authorities' term dates (all or nothing)."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("school-terms", help="import local authorities' school term dates "
                                            "(CSV) for the Encompass deadlines")
    p.add_argument("file", metavar="FILE", help="CSV: local_authority, school_year, term, "
                                                "starts_on, ends_on, half_term_starts, "
                                                "half_term_ends")
    p.set_defaults(func=cmd_school_terms)


def cmd_school_terms(args) -> int:
    from vigil.core.errors import CommandError
    from vigil.encompass import services

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read it ({exc})") from exc
    count = services.import_terms(text, actor="cli", source=path.name)
    print(f"{count} term{'s' if count != 1 else ''} stored from {path}; open Encompass "
          "deadlines follow the new dates.")
    return 0
